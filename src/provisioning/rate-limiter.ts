/**
 * Requests per client address, as token buckets: each address may send `burst`
 * requests at once and `perSecond` on average after that (a phone fetches two or
 * three files at boot; a scanner fetches thousands). Time is passed in.
 *
 * The table is bounded: past `maxClients` addresses, the one seen least recently
 * is forgotten (it starts again with a full bucket, which is what it would
 * almost surely have by then anyway).
 */

export interface RateLimit {
  /** Tokens added per second. */
  perSecond: number;
  /** Bucket size: requests allowed at once. */
  burst: number;
}

export const DEFAULT_RATE_LIMIT: Readonly<RateLimit> = { perSecond: 20, burst: 40 };

export const DEFAULT_MAX_CLIENTS = 4096;

export interface Bucket {
  tokens: number;
  /** When `tokens` was computed. */
  atMs: number;
}

export type TakeResult =
  | { allowed: true; bucket: Bucket }
  | {
      allowed: false;
      bucket: Bucket;
      /** Whole seconds until a request would be allowed (Retry-After), at least 1. */ retryAfterSeconds: number;
    };

/** One request against `bucket` (`undefined`: a client not seen yet, full bucket). */
export function takeToken(bucket: Bucket | undefined, nowMs: number, limit: RateLimit): TakeResult {
  const elapsedMs = bucket ? Math.max(0, nowMs - bucket.atMs) : 0;
  const tokens = bucket ? Math.min(limit.burst, bucket.tokens + (elapsedMs * limit.perSecond) / 1000) : limit.burst;
  if (tokens >= 1) return { allowed: true, bucket: { tokens: tokens - 1, atMs: nowMs } };
  const waitMs = limit.perSecond > 0 ? ((1 - tokens) * 1000) / limit.perSecond : Infinity;
  return {
    allowed: false,
    bucket: { tokens, atMs: nowMs },
    retryAfterSeconds: Number.isFinite(waitMs) ? Math.max(1, Math.ceil(waitMs / 1000)) : 3600,
  };
}

export interface RateLimiter {
  take(client: string, nowMs: number): TakeResult;
  /** Addresses currently remembered. */
  readonly size: number;
}

export function createRateLimiter(
  limit: RateLimit = DEFAULT_RATE_LIMIT,
  maxClients = DEFAULT_MAX_CLIENTS,
): RateLimiter {
  // Map order = least recently seen first.
  const buckets = new Map<string, Bucket>();
  return {
    take(client, nowMs) {
      const result = takeToken(buckets.get(client), nowMs, limit);
      buckets.delete(client);
      buckets.set(client, result.bucket);
      for (const oldest of buckets.keys()) {
        if (buckets.size <= Math.max(1, maxClients)) break;
        buckets.delete(oldest);
      }
      return result;
    },
    get size() {
      return buckets.size;
    },
  };
}

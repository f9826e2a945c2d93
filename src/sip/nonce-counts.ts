/**
 * Replay protection for digest credentials (RFC 7616 §3.4, §5.5): the highest
 * nonce count (`nc`) accepted so far for each nonce. A request whose `nc` is
 * not strictly greater than the last one accepted for its nonce is a replay.
 *
 * The table is a plain value: every change returns a new table, an unchanged
 * table is returned as is. Nonces are spread over buckets by a hash, and a
 * change copies one bucket (at most `maxEntries / buckets` entries) and the
 * bucket list, never the whole table: with thousands of nonces in use (five
 * minutes of registrations) an accepted credential costs the same as with a
 * few. It stays bounded two ways: {@link pruneNonceCounts} drops entries whose
 * nonce can no longer be valid, and {@link applyNonceCount} drops a bucket's
 * least recently used entry beyond its share of `maxEntries`. (An entry
 * dropped by the cap while its nonce is still valid forgets that nonce's
 * counts; only authenticated requests add entries, so reaching the cap takes
 * a valid account, and the short nonce lifetime limits what a replay could
 * reuse.) With one bucket the cap is exactly least-recently-used.
 */
import { bucketIndex } from './key-bucket.js';

export interface NonceCountEntry {
  /** Highest nc accepted for the nonce. */
  nc: number;
  /** When it was accepted. */
  seenMs: number;
}

export interface NonceCounts {
  /** nonce → its counts, least recently used first within each bucket (Map insertion order). */
  readonly buckets: readonly ReadonlyMap<string, NonceCountEntry>[];
}

export const NONCE_COUNTS_MAX_ENTRIES = 4096;
export const NONCE_COUNTS_BUCKETS = 64;

export const emptyNonceCounts = (buckets = NONCE_COUNTS_BUCKETS): NonceCounts => ({
  buckets: Array.from({ length: Math.max(1, Math.floor(buckets)) }, () => new Map<string, NonceCountEntry>()),
});

const bucketOf = (state: NonceCounts, nonce: string): number => bucketIndex(nonce, state.buckets.length);

/** The counts recorded for `nonce`, if any. */
export function nonceCountOf(state: NonceCounts, nonce: string): NonceCountEntry | undefined {
  return state.buckets[bucketOf(state, nonce)]?.get(nonce);
}

/** Every nonce held, bucket by bucket, least recently used first within a bucket. */
export function nonceCountKeys(state: NonceCounts): string[] {
  return state.buckets.flatMap((bucket) => [...bucket.keys()]);
}

/** RFC 7616 §3.4: nc is exactly 8 hex digits. */
const NC = /^[0-9a-fA-F]{8}$/;

/**
 * Records `ncHex` for `nonce` if it is fresh: 8 hex digits and strictly
 * greater than the last count accepted for that nonce (the first use must be
 * at least 00000001). A stale or malformed count leaves the table unchanged.
 */
export function applyNonceCount(
  state: NonceCounts,
  nonce: string,
  ncHex: string,
  nowMs: number,
  maxEntries: number = NONCE_COUNTS_MAX_ENTRIES,
): { state: NonceCounts; fresh: boolean } {
  if (!NC.test(ncHex)) return { state, fresh: false };
  const nc = Number.parseInt(ncHex, 16);
  // RFC 7616 §3.4: the count must increase with every request on the nonce.
  if (nc <= (nonceCountOf(state, nonce)?.nc ?? 0)) return { state, fresh: false };
  const index = bucketOf(state, nonce);
  const next = new Map(state.buckets[index]);
  next.delete(nonce); // re-inserted last: most recently used
  next.set(nonce, { nc, seenMs: nowMs });
  const capacity = Math.max(1, Math.floor(maxEntries / state.buckets.length));
  for (const oldest of next.keys()) {
    if (next.size <= capacity) break;
    next.delete(oldest);
  }
  const buckets = state.buckets.slice();
  buckets[index] = next;
  return { state: { buckets }, fresh: true };
}

/**
 * Drops entries not used for more than `lifetimeMs`: a nonce is issued before
 * it is first used, so by then it is past its lifetime and any request on it is
 * answered as stale before its count matters.
 */
export function pruneNonceCounts(state: NonceCounts, nowMs: number, lifetimeMs: number): NonceCounts {
  let buckets: ReadonlyMap<string, NonceCountEntry>[] | undefined;
  state.buckets.forEach((bucket, index) => {
    let next: Map<string, NonceCountEntry> | undefined;
    for (const [nonce, entry] of bucket) {
      if (nowMs - entry.seenMs <= lifetimeMs) continue;
      next ??= new Map(bucket);
      next.delete(nonce);
    }
    if (!next) return;
    buckets ??= state.buckets.slice();
    buckets[index] = next;
  });
  return buckets ? { buckets } : state;
}

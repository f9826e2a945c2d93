/**
 * Slows down and then stops password guessing (RFC 7616 §5.7, online
 * dictionary attacks): failed digest checks are counted per key, usually the
 * source address (callers may also key by `address|username`).
 *
 * Per key (a "run" is failures each within `windowMs` of the previous one):
 *
 *     (none) ──failure──▶ counting(1)
 *     counting(n) ──failure within windowMs──▶ counting(n+1)     n ≥ delayAfter: answers delayed
 *     counting(n) ──failure, n+1 = blockAfter──▶ blocked         answered 403 for blockMs
 *     counting(n) ──no failure for windowMs──▶ (none)            decay
 *     counting(n) ──success──▶ (none)
 *     blocked ──blockMs elapsed──▶ (none)
 *
 * A success during a block does not lift it (callers answer a blocked key
 * without checking credentials, so it cannot happen in normal use).
 *
 * Size is bounded for spoofed-source floods: keys are spread over a fixed
 * number of buckets by a hash; a full bucket first drops its decayed entries,
 * then its least recently failed unblocked entry, and only if every entry is
 * blocked its least recently failed one. Every change copies one bucket (at most
 * `maxEntries / buckets` entries) and the bucket list, never the whole table,
 * so a flood costs little per packet. With `buckets: 1` eviction is exactly
 * least-recently-failed over the whole table.
 */

import { bucketIndex } from './key-bucket.js';

export interface ThrottleOptions {
  /** A failure more than this long after the previous one starts a new run (and the old run decays). */
  windowMs: number;
  /** Failures in a run after which answers are delayed. */
  delayAfter: number;
  /** Failures in a run that block the key. */
  blockAfter: number;
  blockMs: number;
  /** Delay after `delayAfter` failures; doubles with each further failure… */
  baseDelayMs: number;
  /** …up to this. */
  maxDelayMs: number;
  /** Most keys held at once (rounded down to a multiple of `buckets`, at least one per bucket). */
  maxEntries: number;
  buckets: number;
}

export const DEFAULT_THROTTLE_OPTIONS: Readonly<ThrottleOptions> = {
  windowMs: 60_000,
  delayAfter: 5,
  blockAfter: 20,
  blockMs: 10 * 60_000,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  maxEntries: 4096,
  buckets: 64,
};

export interface ThrottleEntry {
  /** Failures in the current run (0 once blocked). */
  failures: number;
  lastFailureMs: number;
  blockedUntilMs?: number;
}

export interface ThrottleTable {
  readonly options: Readonly<ThrottleOptions>;
  /** key → entry, least recently failed first within each bucket. */
  readonly buckets: readonly ReadonlyMap<string, ThrottleEntry>[];
}

export type ThrottleVerdict = { kind: 'allow' } | { kind: 'delay'; ms: number } | { kind: 'block'; untilMs: number };

export function emptyThrottle(options: Partial<ThrottleOptions> = {}): ThrottleTable {
  const merged = { ...DEFAULT_THROTTLE_OPTIONS, ...options };
  const count = Math.max(1, Math.floor(merged.buckets));
  return {
    options: { ...merged, buckets: count },
    buckets: Array.from({ length: count }, () => new Map<string, ThrottleEntry>()),
  };
}

function bucketOf(table: ThrottleTable, key: string): number {
  return bucketIndex(key, table.buckets.length);
}

const isBlocked = (entry: ThrottleEntry, nowMs: number) =>
  entry.blockedUntilMs !== undefined && entry.blockedUntilMs > nowMs;

/** Counting within the window, or blocked: anything else has decayed. */
const isLive = (entry: ThrottleEntry, nowMs: number, options: ThrottleOptions) =>
  isBlocked(entry, nowMs) || (entry.failures > 0 && nowMs - entry.lastFailureMs <= options.windowMs);

function withBucket(table: ThrottleTable, index: number, bucket: ReadonlyMap<string, ThrottleEntry>): ThrottleTable {
  const buckets = table.buckets.slice();
  buckets[index] = bucket;
  return { options: table.options, buckets };
}

/** What to do with a request from `key` before checking its credentials. */
export function checkThrottle(table: ThrottleTable, key: string, nowMs: number): ThrottleVerdict {
  const entry = table.buckets[bucketOf(table, key)]?.get(key);
  if (!entry) return { kind: 'allow' };
  if (isBlocked(entry, nowMs)) return { kind: 'block', untilMs: entry.blockedUntilMs! };
  const { options } = table;
  if (!isLive(entry, nowMs, options) || entry.failures < options.delayAfter) return { kind: 'allow' };
  const ms = options.baseDelayMs * 2 ** (entry.failures - options.delayAfter);
  return { kind: 'delay', ms: Math.min(options.maxDelayMs, ms) };
}

/** Counts a failed credential check for `key` at `nowMs`; blocks it on reaching `blockAfter`. */
export function recordFailure(table: ThrottleTable, key: string, nowMs: number): ThrottleTable {
  const { options } = table;
  const index = bucketOf(table, key);
  const bucket = table.buckets[index] ?? new Map<string, ThrottleEntry>();
  const current = bucket.get(key);
  if (current && isBlocked(current, nowMs)) return table;
  const failures = current && isLive(current, nowMs, options) ? current.failures + 1 : 1;
  const entry: ThrottleEntry =
    failures >= options.blockAfter
      ? { failures: 0, lastFailureMs: nowMs, blockedUntilMs: nowMs + options.blockMs }
      : { failures, lastFailureMs: nowMs };
  const next = new Map(bucket);
  next.delete(key); // re-inserted last: most recently failed
  const capacity = Math.max(1, Math.floor(options.maxEntries / table.buckets.length));
  if (next.size >= capacity) {
    for (const [other, held] of next) if (!isLive(held, nowMs, options)) next.delete(other);
  }
  while (next.size >= capacity) {
    let victim: string | undefined;
    for (const [other, held] of next) {
      if (!isBlocked(held, nowMs)) {
        victim = other;
        break;
      }
    }
    next.delete(victim ?? next.keys().next().value!);
  }
  next.set(key, entry);
  return withBucket(table, index, next);
}

/**
 * Forgets the failures of `key` after a successful check. An entry that holds a
 * block (active or expired) stays: active blocks are not lifted, expired ones
 * go with {@link pruneThrottle} or eviction.
 */
export function recordSuccess(table: ThrottleTable, key: string): ThrottleTable {
  const index = bucketOf(table, key);
  const bucket = table.buckets[index];
  const current = bucket?.get(key);
  if (!bucket || !current || current.blockedUntilMs !== undefined) return table;
  const next = new Map(bucket);
  next.delete(key);
  return withBucket(table, index, next);
}

/** Drops decayed entries and expired blocks; returns the same table when none. */
export function pruneThrottle(table: ThrottleTable, nowMs: number): ThrottleTable {
  let buckets: ReadonlyMap<string, ThrottleEntry>[] | undefined;
  table.buckets.forEach((bucket, index) => {
    let next: Map<string, ThrottleEntry> | undefined;
    for (const [key, entry] of bucket) {
      if (isLive(entry, nowMs, table.options)) continue;
      next ??= new Map(bucket);
      next.delete(key);
    }
    if (!next) return;
    buckets ??= table.buckets.slice();
    buckets[index] = next;
  });
  return buckets ? { options: table.options, buckets } : table;
}

/** Keys held, live or not yet pruned. */
export function throttleSize(table: ThrottleTable): number {
  return table.buckets.reduce((total, bucket) => total + bucket.size, 0);
}

/** Forgets `key` entirely, an active block included (an admin's `hotdesk unblock`). */
export function clearThrottle(table: ThrottleTable, key: string): ThrottleTable {
  const index = bucketOf(table, key);
  const bucket = table.buckets[index];
  if (!bucket?.has(key)) return table;
  const next = new Map(bucket);
  next.delete(key);
  return withBucket(table, index, next);
}

/** Keys blocked at `nowMs`, with when each block ends. */
export function blockedKeys(table: ThrottleTable, nowMs: number): { key: string; untilMs: number }[] {
  const found: { key: string; untilMs: number }[] = [];
  for (const bucket of table.buckets) {
    for (const [key, entry] of bucket) if (isBlocked(entry, nowMs)) found.push({ key, untilMs: entry.blockedUntilMs! });
  }
  return found.sort((a, b) => a.key.localeCompare(b.key));
}

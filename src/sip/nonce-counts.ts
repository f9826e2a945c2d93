/**
 * Replay protection for digest credentials (RFC 7616 §3.4, §5.5): the highest
 * nonce count (`nc`) accepted so far for each nonce. A request whose `nc` is
 * not strictly greater than the last one accepted for its nonce is a replay.
 *
 * The table is a plain value: every change returns a new table, an unchanged
 * table is returned as is. Nonces are spread over small buckets by a hash (at
 * most BUCKET_ENTRIES each), the buckets over groups, and a change copies one
 * bucket, its group and the list of groups, never the whole table: with tens
 * of thousands of nonces in use an accepted credential copies a few dozen
 * references, as with a few. It stays bounded two ways: {@link pruneNonceCounts}
 * drops entries whose nonce can no longer be valid, and {@link applyNonceCount}, beyond a bucket's
 * share of `maxEntries`, drops the entry whose nonce was issued first.
 *
 * Replay state is never forgotten while its nonce is valid (RFC 7616 §5.5): a
 * bucket that drops an entry raises its `floor` to that nonce's issue time, and
 * from then on every nonce of the bucket issued at or before the floor is
 * answered as stale (the client gets `401 … stale=true` and a fresh nonce), in
 * the table or not. So running out of room makes the oldest nonces expire
 * early; it never lets a used nonce be accepted afresh.
 *
 * A nonce's issue time is read from the nonce itself (nonce.ts); a string of
 * another shape counts as issued when it is first seen.
 */
import { bucketIndex } from './key-bucket.js';
import { nonceIssuedMs } from './nonce.js';
import { detached } from './detached.js';

export interface NonceCountEntry {
  /** Highest nc accepted for the nonce. */
  nc: number;
  /** When it was accepted. */
  seenMs: number;
  /** When the nonce was issued. */
  issuedMs: number;
  /**
   * The counts below `nc` accepted too, as bits: bit i for nc − 1 − i (NC_WINDOW of them; absent: none).
   * Requests on one nonce may arrive out of order (a phone's SUBSCRIBEs sent together, a lost
   * datagram retransmitted after the next one got through): each count is taken once, in any order.
   */
  below?: number;
  /** What identifies the request accepted at `nc` (branch, cnonce, response), when the caller gave it. */
  proof?: string;
}

export interface Bucket {
  /** nonce → its counts, least recently used first (Map insertion order). */
  readonly entries: ReadonlyMap<string, NonceCountEntry>;
  /** Nonces issued at or before this time are stale (their counts were dropped for room); -Infinity at first. */
  readonly floor: number;
}

export interface NonceCounts {
  /** The buckets, `groupSize` to a group (the last group may hold fewer). */
  readonly groups: readonly (readonly Bucket[])[];
  readonly groupSize: number;
  /** How many buckets in all. */
  readonly bucketCount: number;
}

/**
 * 32,768 nonces: at the 4,000–5,000 registrations a second one hotdeskd serves (each with a
 * nonce of its own), some 7 s between a challenge and its answer before the nonce turns stale
 * for lack of room, about 12 MB at the most. With 4,096 a busy registrar told phones that had
 * answered within a second "stale" (and SIPp counted a failure), so each registration cost two.
 */
export const NONCE_COUNTS_MAX_ENTRIES = 32_768;
/** Most entries a bucket holds: what a change copies (besides two short lists of references). */
export const BUCKET_ENTRIES = 16;

/**
 * Buckets for a table of `maxEntries`: each of BUCKET_ENTRIES entries, or of about the square
 * root of `maxEntries` for a small table (8 buckets of 8 for 64), never more buckets than that:
 * with more, a small table's buckets hold one entry each, and a nonce whose bucket no newer
 * nonce happened to fall into would stay counted long after most others were dropped.
 */
export const nonceCountBuckets = (maxEntries: number = NONCE_COUNTS_MAX_ENTRIES): number => {
  const perBucket = Math.max(1, Math.min(BUCKET_ENTRIES, Math.round(Math.sqrt(maxEntries))));
  return Math.max(1, Math.round(maxEntries / perBucket));
};

const EMPTY_BUCKET: Bucket = { entries: new Map(), floor: -Infinity };

export const emptyNonceCounts = (buckets: number = nonceCountBuckets()): NonceCounts => {
  const bucketCount = Math.max(1, Math.floor(buckets));
  const groupSize = Math.ceil(Math.sqrt(bucketCount));
  const groups = Array.from({ length: Math.ceil(bucketCount / groupSize) }, (_, group) =>
    new Array<Bucket>(Math.min(groupSize, bucketCount - group * groupSize)).fill(EMPTY_BUCKET),
  );
  return { groups, groupSize, bucketCount };
};

/** The last nonce's bucket: a request's nonce is looked up (nonceCountOf), then its count recorded. */
const lastLookup = { nonce: '', bucketCount: 0, index: 0 };
function bucketOf(state: NonceCounts, nonce: string): number {
  if (nonce !== lastLookup.nonce || state.bucketCount !== lastLookup.bucketCount) {
    lastLookup.nonce = nonce;
    lastLookup.bucketCount = state.bucketCount;
    lastLookup.index = bucketIndex(nonce, state.bucketCount);
  }
  return lastLookup.index;
}
const bucketAt = (state: NonceCounts, index: number): Bucket =>
  state.groups[Math.floor(index / state.groupSize)]![index % state.groupSize]!;

/** The table with bucket `index` replaced: one group and the list of groups copied. */
function withBucket(state: NonceCounts, index: number, bucket: Bucket): NonceCounts {
  const at = Math.floor(index / state.groupSize);
  const group = state.groups[at]!.slice();
  group[index % state.groupSize] = bucket;
  const groups = state.groups.slice();
  groups[at] = group;
  return { groups, groupSize: state.groupSize, bucketCount: state.bucketCount };
}

/** The counts recorded for `nonce`, if any. */
export function nonceCountOf(state: NonceCounts, nonce: string): NonceCountEntry | undefined {
  return bucketAt(state, bucketOf(state, nonce)).entries.get(nonce);
}

/** Every bucket, in order: its entries and floor (for inspection). */
export function nonceBuckets(state: NonceCounts): readonly Bucket[] {
  return state.groups.flat();
}

/** Every nonce held, bucket by bucket, least recently used first within a bucket. */
export function nonceCountKeys(state: NonceCounts): string[] {
  return state.groups.flatMap((group) => group.flatMap((bucket) => [...bucket.entries.keys()]));
}

/** RFC 7616 §3.4: nc is exactly 8 hex digits. */
const NC = /^[0-9a-fA-F]{8}$/;

/** How far below the highest count a count not used yet is still accepted. */
export const NC_WINDOW = 32;

/** RFC 3261 §17.1.2.2 (Timer F): a non-INVITE request is retransmitted within 64 × T1 of the first. */
export const RETRANSMISSION_WINDOW_MS = 32_000;

/**
 * What {@link applyNonceCount} made of a count:
 * - `fresh`: accepted and recorded (`state` holds it);
 * - `retransmission`: the very request accepted last on this nonce (same nc and the same `proof`:
 *   branch, cnonce and response), within RETRANSMISSION_WINDOW_MS of it: accepted again, the table unchanged;
 * - `replay`: malformed, used before on the nonce, or more than NC_WINDOW below the highest count used;
 * - `stale`: the nonce's counts were dropped for room (it is among the oldest): challenge again with stale=true.
 */
export type NonceCountVerdict = 'fresh' | 'retransmission' | 'replay' | 'stale';

/**
 * The highest count and the window below it once `nc` is taken, or undefined when `nc` was
 * used already or lies more than NC_WINDOW below the highest (or is 0).
 */
function countAccepted(last: NonceCountEntry | undefined, nc: number): { nc: number; below: number } | undefined {
  const highest = last?.nc ?? 0;
  const below = last?.below ?? 0;
  if (nc > highest) {
    const shift = nc - highest;
    // The old highest becomes bit shift − 1; what falls out of the window is forgotten.
    if (highest === 0 || shift > NC_WINDOW) return { nc, below: 0 };
    const moved = shift >= 32 ? 0 : below << shift;
    return { nc, below: (moved | (1 << (shift - 1))) >>> 0 };
  }
  const distance = highest - nc;
  if (nc < 1 || distance === 0 || distance > NC_WINDOW) return undefined;
  const bit = (1 << (distance - 1)) >>> 0;
  if ((below & bit) !== 0) return undefined;
  return { nc: highest, below: (below | bit) >>> 0 };
}

/**
 * Records `ncHex` for `nonce` if it is fresh: 8 hex digits, at least 00000001, not
 * accepted before on that nonce and no more than NC_WINDOW below the highest count
 * accepted on it, and the nonce not issued at or before its bucket's floor.
 * A refused count leaves the table unchanged. `proof` identifies the request (its
 * branch, cnonce and response): an exact retransmission of the request accepted last
 * on the nonce is accepted again (a REGISTER is idempotent; RFC 3261 §17.2.2 lets a
 * server answer it again when it no longer holds the first answer).
 */
export function applyNonceCount(
  state: NonceCounts,
  nonce: string,
  ncHex: string,
  nowMs: number,
  maxEntries: number = NONCE_COUNTS_MAX_ENTRIES,
  proof?: string,
): { state: NonceCounts; fresh: boolean; verdict: NonceCountVerdict } {
  const index = bucketOf(state, nonce);
  const bucket = bucketAt(state, index);
  const last = bucket.entries.get(nonce);
  // When it was issued: as first read (from the nonce, else when first seen).
  const issuedMs = last?.issuedMs ?? nonceIssuedMs(nonce) ?? nowMs;
  // RFC 7616 §5.5: counts for this nonce may have been dropped: it must not be taken afresh.
  if (issuedMs <= bucket.floor) return { state, fresh: false, verdict: 'stale' };
  if (!NC.test(ncHex)) return { state, fresh: false, verdict: 'replay' };
  const nc = Number.parseInt(ncHex, 16);
  if (
    last !== undefined &&
    proof !== undefined &&
    nc === last.nc &&
    last.proof === proof &&
    nowMs - last.seenMs <= RETRANSMISSION_WINDOW_MS
  )
    return { state, fresh: true, verdict: 'retransmission' };
  // RFC 7616 §3.4: a count used before on the nonce is a replay (counts start at 1; they may come out of order).
  const counted = countAccepted(last, nc);
  if (!counted) return { state, fresh: false, verdict: 'replay' };
  const next = new Map(bucket.entries);
  next.delete(nonce); // re-inserted last: most recently used
  const entry: NonceCountEntry = { nc: counted.nc, seenMs: nowMs, issuedMs };
  if (counted.below !== 0) entry.below = counted.below;
  // Kept for minutes: copies, not views into the request's text (detached.ts).
  const kept = counted.nc === nc ? (proof === undefined ? undefined : detached(proof)) : last?.proof;
  if (kept !== undefined) entry.proof = kept;
  next.set(detached(nonce), entry);
  const capacity = Math.max(1, Math.floor(maxEntries / state.bucketCount));
  let floor = bucket.floor;
  while (next.size > capacity) {
    // The nonce issued first goes, and with it every nonce issued as early: they are stale from now on.
    let oldest = Infinity;
    for (const entry of next.values()) oldest = Math.min(oldest, entry.issuedMs);
    floor = Math.max(floor, oldest);
    for (const [key, entry] of next) if (entry.issuedMs <= floor) next.delete(key);
  }
  return { state: withBucket(state, index, { entries: next, floor }), fresh: true, verdict: 'fresh' };
}

/**
 * Drops entries whose nonce is past `lifetimeMs` since it was issued: any
 * request on it is answered as stale before its count matters.
 */
export function pruneNonceCounts(state: NonceCounts, nowMs: number, lifetimeMs: number): NonceCounts {
  let pruned = state;
  for (let index = 0; index < state.bucketCount; index++) {
    const bucket = bucketAt(state, index);
    let next: Map<string, NonceCountEntry> | undefined;
    for (const [nonce, entry] of bucket.entries) {
      if (nowMs - entry.issuedMs <= lifetimeMs) continue;
      next ??= new Map(bucket.entries);
      next.delete(nonce);
    }
    if (next) pruned = withBucket(pruned, index, { entries: next, floor: bucket.floor });
  }
  return pruned;
}

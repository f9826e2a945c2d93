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
 * nonce can no longer be valid, and {@link applyNonceCount}, beyond a bucket's
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

export interface NonceCounts {
  /** nonce → its counts, least recently used first within each bucket (Map insertion order). */
  readonly buckets: readonly ReadonlyMap<string, NonceCountEntry>[];
  /** Per bucket: nonces issued at or before this time are stale (their counts were dropped for room); -Infinity at first. */
  readonly floors: readonly number[];
}

/**
 * 32,768 nonces: at the 4,000–5,000 registrations a second one hotdeskd serves (each with a
 * nonce of its own), some 7 s between a challenge and its answer before the nonce turns stale
 * for lack of room, about 12 MB at the most. With 4,096 a busy registrar told phones that had
 * answered within a second "stale" (and SIPp counted a failure), so each registration cost two.
 */
export const NONCE_COUNTS_MAX_ENTRIES = 32_768;
/** Most buckets a table is split into (an empty table's, unless told otherwise). */
export const NONCE_COUNTS_BUCKETS = 256;

/**
 * Buckets for a table of `maxEntries`: about its square root (181 for the default, each of
 * 181 entries at the most), so a change copies as many entries as bucket references. With more buckets
 * than that, a small table's buckets hold one entry each, and a nonce whose bucket no newer
 * nonce happened to fall into would stay counted long after most others were dropped.
 */
export const nonceCountBuckets = (maxEntries: number = NONCE_COUNTS_MAX_ENTRIES): number =>
  Math.max(1, Math.min(NONCE_COUNTS_BUCKETS, Math.round(Math.sqrt(maxEntries))));

export const emptyNonceCounts = (buckets = NONCE_COUNTS_BUCKETS): NonceCounts => {
  const length = Math.max(1, Math.floor(buckets));
  return {
    buckets: Array.from({ length }, () => new Map<string, NonceCountEntry>()),
    floors: new Array<number>(length).fill(-Infinity),
  };
};

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
  const last = state.buckets[index]?.get(nonce);
  // When it was issued: as first read (from the nonce, else when first seen).
  const issuedMs = last?.issuedMs ?? nonceIssuedMs(nonce) ?? nowMs;
  // RFC 7616 §5.5: counts for this nonce may have been dropped: it must not be taken afresh.
  if (issuedMs <= (state.floors[index] ?? -Infinity)) return { state, fresh: false, verdict: 'stale' };
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
  const next = new Map(state.buckets[index]);
  next.delete(nonce); // re-inserted last: most recently used
  const entry: NonceCountEntry = { nc: counted.nc, seenMs: nowMs, issuedMs };
  if (counted.below !== 0) entry.below = counted.below;
  const kept = counted.nc === nc ? proof : last?.proof;
  if (kept !== undefined) entry.proof = kept;
  next.set(nonce, entry);
  const capacity = Math.max(1, Math.floor(maxEntries / state.buckets.length));
  let floor = state.floors[index] ?? -Infinity;
  while (next.size > capacity) {
    // The nonce issued first goes, and with it every nonce issued as early: they are stale from now on.
    let oldest = Infinity;
    for (const entry of next.values()) oldest = Math.min(oldest, entry.issuedMs);
    floor = Math.max(floor, oldest);
    for (const [key, entry] of next) if (entry.issuedMs <= floor) next.delete(key);
  }
  const buckets = state.buckets.slice();
  buckets[index] = next;
  const floors =
    floor === state.floors[index] ? state.floors : state.floors.map((value, at) => (at === index ? floor : value));
  return { state: { buckets, floors }, fresh: true, verdict: 'fresh' };
}

/**
 * Drops entries whose nonce is past `lifetimeMs` since it was issued: any
 * request on it is answered as stale before its count matters.
 */
export function pruneNonceCounts(state: NonceCounts, nowMs: number, lifetimeMs: number): NonceCounts {
  let buckets: ReadonlyMap<string, NonceCountEntry>[] | undefined;
  state.buckets.forEach((bucket, index) => {
    let next: Map<string, NonceCountEntry> | undefined;
    for (const [nonce, entry] of bucket) {
      if (nowMs - entry.issuedMs <= lifetimeMs) continue;
      next ??= new Map(bucket);
      next.delete(nonce);
    }
    if (!next) return;
    buckets ??= state.buckets.slice();
    buckets[index] = next;
  });
  return buckets ? { buckets, floors: state.floors } : state;
}

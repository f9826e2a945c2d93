/**
 * Replay protection for digest credentials (RFC 7616 §3.4, §5.5): the highest
 * nonce count (`nc`) accepted so far for each nonce. A request whose `nc` is
 * not strictly greater than the last one accepted for its nonce is a replay.
 *
 * The table is a plain value: every change returns a new table, an unchanged
 * table is returned as is. It stays bounded two ways: {@link pruneNonceCounts}
 * drops entries whose nonce can no longer be valid, and {@link applyNonceCount}
 * drops the least recently used entry beyond `maxEntries`. (An entry dropped
 * by the cap while its nonce is still valid forgets that nonce's counts; only
 * authenticated requests add entries, so reaching the cap takes a valid
 * account, and the short nonce lifetime limits what a replay could reuse.)
 */

export interface NonceCountEntry {
  /** Highest nc accepted for the nonce. */
  nc: number;
  /** When it was accepted. */
  seenMs: number;
}

/** nonce → its counts, least recently used first (Map insertion order). */
export type NonceCounts = ReadonlyMap<string, NonceCountEntry>;

export const NONCE_COUNTS_MAX_ENTRIES = 4096;

export const emptyNonceCounts = (): NonceCounts => new Map();

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
  if (nc <= (state.get(nonce)?.nc ?? 0)) return { state, fresh: false };
  const next = new Map(state);
  next.delete(nonce); // re-inserted last: most recently used
  next.set(nonce, { nc, seenMs: nowMs });
  for (const oldest of next.keys()) {
    if (next.size <= Math.max(1, maxEntries)) break;
    next.delete(oldest);
  }
  return { state: next, fresh: true };
}

/**
 * Drops entries not used for more than `lifetimeMs`: a nonce is issued before
 * it is first used, so by then it is past its lifetime and any request on it is
 * answered as stale before its count matters.
 */
export function pruneNonceCounts(state: NonceCounts, nowMs: number, lifetimeMs: number): NonceCounts {
  let next: Map<string, NonceCountEntry> | undefined;
  for (const [nonce, entry] of state) {
    if (nowMs - entry.seenMs <= lifetimeMs) continue;
    next ??= new Map(state);
    next.delete(nonce);
  }
  return next ?? state;
}

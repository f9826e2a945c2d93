/**
 * Retransmission absorption for the non-INVITE requests hotdeskd answers
 * itself (RFC 3261 §17.2.2): by transaction key (top Via branch, method,
 * Call-ID), the request in progress and then its encoded final answer, kept
 * 32 s (Timer J) so a retransmission gets the same bytes again without being
 * handled twice.
 *
 * Bounded by bytes, not by count: each entry costs its answer's length plus
 * its key plus ENTRY_OVERHEAD; past `budgetBytes` the oldest entries go first,
 * as they do once their 32 s are over. An entry that went is simply unknown:
 * its retransmission is handled again as a new request (a REGISTER is
 * idempotent, and the nonce-count check accepts an exact retransmission), so
 * a short budget never refuses new work.
 *
 * Entries live in a Map by key and in a queue in arrival order, swept from its
 * oldest end: a lookup, an insert and an expiry cost O(1) (amortised). No I/O; `now` passed in.
 */
import type { Endpoint } from './message.js';
import { detached } from './detached.js';

/** RFC 3261 Timer J for UDP: 64 × T1. */
export const ANSWER_LIFETIME_MS = 32_000;
/**
 * 16 MiB: some 30,000 answers (a REGISTER pair leaves two: its 401 and its 200), the
 * full 32 s up to about 500 registrations a second, 1.5 s at 10,000; past that a
 * retransmission is handled again, so memory stays flat under any load.
 */
export const DEFAULT_ANSWER_BUDGET_BYTES = 16 * 1024 * 1024;
/** What an entry costs besides its bytes and key: the Map slot, the object, the endpoint. */
export const ENTRY_OVERHEAD = 160;

export interface HeldAnswer {
  /** Where the request came from (where its answers go). */
  readonly remote: Endpoint;
  readonly atMs: number;
  /** The final answer as sent; none yet while the request is in progress. */
  final: Buffer | undefined;
}

interface Held extends HeldAnswer {
  readonly key: string;
}

export interface AnswerCache {
  /** The entry for `key`, if held and not expired. */
  get(key: string, nowMs: number): HeldAnswer | undefined;
  /** A new request is in progress. */
  begin(key: string, remote: Endpoint, nowMs: number): void;
  /** Its final answer was sent: kept for retransmissions (if the entry is still held). */
  settle(key: string, final: Buffer, nowMs: number): void;
  /** Requests begun and not settled, among those held. */
  readonly inFlight: number;
  readonly size: number;
  readonly bytes: number;
  /** Entries dropped for room before their 32 s were over. */
  readonly evicted: number;
}

export function createAnswerCache(
  budgetBytes: number = DEFAULT_ANSWER_BUDGET_BYTES,
  lifetimeMs: number = ANSWER_LIFETIME_MS,
): AnswerCache {
  const entries = new Map<string, Held>();
  /**
   * Entries in arrival order, oldest at `head`: a sweep reads from there (reading a Map from its
   * start would step over every slot deleted since its last rehash). An entry removed early stays
   * here until the sweep passes it.
   */
  let queue: (Held | undefined)[] = [];
  let head = 0;
  let bytes = 0;
  let inFlight = 0;
  let evicted = 0;
  const costOf = (entry: Held) => entry.key.length + ENTRY_OVERHEAD + (entry.final?.length ?? 0);
  const remove = (entry: Held) => {
    entries.delete(entry.key);
    bytes -= costOf(entry);
    if (!entry.final) inFlight--;
  };
  /** Oldest first: expired ones, then as many as the budget needs. */
  const sweep = (nowMs: number) => {
    while (head < queue.length) {
      const entry = queue[head]!;
      if (entries.get(entry.key) === entry) {
        const expired = nowMs - entry.atMs >= lifetimeMs;
        if (!expired && bytes <= budgetBytes) break;
        if (!expired) evicted++;
        remove(entry);
      }
      queue[head++] = undefined;
    }
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
  };
  return {
    get(key, nowMs) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (nowMs - entry.atMs < lifetimeMs) return entry;
      remove(entry);
      return undefined;
    },
    begin(key, remote, nowMs) {
      const old = entries.get(key);
      if (old) remove(old);
      // Kept up to 32 s: a copy of the key, not a view into the request's text (detached.ts).
      const entry: Held = { key: detached(key), remote, atMs: nowMs, final: undefined };
      entries.set(entry.key, entry);
      queue.push(entry);
      bytes += costOf(entry);
      inFlight++;
      sweep(nowMs);
    },
    settle(key, final, nowMs) {
      const entry = entries.get(key);
      if (!entry || entry.final) return;
      entry.final = final;
      bytes += final.length;
      inFlight--;
      sweep(nowMs);
    },
    get inFlight() {
      return inFlight;
    },
    get size() {
      return entries.size;
    },
    get bytes() {
      return bytes;
    },
    get evicted() {
      return evicted;
    },
  };
}

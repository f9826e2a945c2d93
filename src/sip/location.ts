/**
 * The location service (RFC 3261 §10.2): bindings from an AOR (the account's
 * user part: `100`, `HD0001`) to the contacts registered for it, with the flow
 * each REGISTER came from so requests reach phones behind NAT.
 */
import type { Endpoint } from './message.js';

export interface Binding {
  aor: string;
  /** Contact URI as registered. */
  contact: string;
  /** Where the REGISTER came from: requests for this binding go there (RFC 3581 symmetric response routing). */
  source: Endpoint;
  expiresAt: number;
  callId: string;
  cseq: number;
  userAgent?: string;
  /** The hot-desk phone (`HD0001`) that registered this binding, when known. */
  phone?: string;
}

export type LocationTable = ReadonlyMap<string, readonly Binding[]>;

export const emptyLocation = (): LocationTable => new Map();

/** Live bindings of an AOR at `nowMs`. */
export function lookup(table: LocationTable, aor: string, nowMs: number): Binding[] {
  return (table.get(aor) ?? []).filter((binding) => binding.expiresAt > nowMs);
}

export function withBindings(table: LocationTable, aor: string, bindings: readonly Binding[]): LocationTable {
  const next = new Map(table);
  if (bindings.length === 0) next.delete(aor);
  else next.set(aor, bindings);
  return next;
}

/** Drops expired bindings; returns the same table when nothing expired. */
export function expireBindings(table: LocationTable, nowMs: number): { table: LocationTable; expired: Binding[] } {
  const expired: Binding[] = [];
  let next: Map<string, readonly Binding[]> | undefined;
  for (const [aor, bindings] of table) {
    const live = bindings.filter((binding) => binding.expiresAt > nowMs);
    if (live.length === bindings.length) continue;
    expired.push(...bindings.filter((binding) => binding.expiresAt <= nowMs));
    next ??= new Map(table);
    if (live.length === 0) next.delete(aor);
    else next.set(aor, live);
  }
  return { table: next ?? table, expired };
}

/** The AOR a request for `contact`-addressed traffic belongs to, by contact URI or by flow. */
export function findBinding(table: LocationTable, predicate: (binding: Binding) => boolean): Binding | undefined {
  for (const bindings of table.values()) {
    const found = bindings.find(predicate);
    if (found) return found;
  }
  return undefined;
}

export function allBindings(table: LocationTable): Binding[] {
  return [...table.values()].flat();
}

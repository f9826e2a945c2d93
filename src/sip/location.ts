/**
 * The location service (RFC 3261 §10.2): bindings from an AOR (the account's
 * user part: `100`, `HD0001`) to the contacts registered for it, with the flow
 * each REGISTER came from so requests reach phones behind NAT.
 */
import type { Endpoint } from './message.js';
import { bucketIndex } from './key-bucket.js';

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

const BUCKETS = 64;

/**
 * A table as a value that changes cheaply: AORs spread over buckets (key-bucket.ts), a
 * change copies one bucket and the bucket list, never the whole table, so a REGISTER costs
 * the same with a thousand phones as with ten. Reads as a ReadonlyMap.
 */
class BucketedTable implements ReadonlyMap<string, readonly Binding[]> {
  constructor(
    private readonly buckets: readonly ReadonlyMap<string, readonly Binding[]>[],
    readonly size: number,
  ) {}
  static from(table: LocationTable): BucketedTable {
    if (table instanceof BucketedTable) return table;
    const buckets = Array.from({ length: BUCKETS }, () => new Map<string, readonly Binding[]>());
    for (const [aor, bindings] of table) buckets[bucketIndex(aor, BUCKETS)]!.set(aor, bindings);
    return new BucketedTable(buckets, table.size);
  }
  with(aor: string, bindings: readonly Binding[]): BucketedTable {
    const index = bucketIndex(aor, BUCKETS);
    const next = new Map(this.buckets[index]);
    const had = next.has(aor);
    if (bindings.length === 0) next.delete(aor);
    else next.set(aor, bindings);
    const buckets = this.buckets.slice();
    buckets[index] = next;
    return new BucketedTable(buckets, this.size - (had ? 1 : 0) + (bindings.length === 0 ? 0 : 1));
  }
  get(aor: string): readonly Binding[] | undefined {
    return this.buckets[bucketIndex(aor, BUCKETS)]!.get(aor);
  }
  has(aor: string): boolean {
    return this.buckets[bucketIndex(aor, BUCKETS)]!.has(aor);
  }
  *entries(): MapIterator<[string, readonly Binding[]]> {
    for (const bucket of this.buckets) yield* bucket.entries();
  }
  *keys(): MapIterator<string> {
    for (const bucket of this.buckets) yield* bucket.keys();
  }
  *values(): MapIterator<readonly Binding[]> {
    for (const bucket of this.buckets) yield* bucket.values();
  }
  [Symbol.iterator](): MapIterator<[string, readonly Binding[]]> {
    return this.entries();
  }
  forEach(
    callback: (value: readonly Binding[], key: string, map: ReadonlyMap<string, readonly Binding[]>) => void,
  ): void {
    for (const [key, value] of this.entries()) callback(value, key, this);
  }
}

export const emptyLocation = (): LocationTable => BucketedTable.from(new Map());

/** Live bindings of an AOR at `nowMs`. */
export function lookup(table: LocationTable, aor: string, nowMs: number): Binding[] {
  return (table.get(aor) ?? []).filter((binding) => binding.expiresAt > nowMs);
}

export function withBindings(table: LocationTable, aor: string, bindings: readonly Binding[]): LocationTable {
  return BucketedTable.from(table).with(aor, bindings);
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
  return { table: next ? BucketedTable.from(next) : table, expired };
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
  const all: Binding[] = [];
  for (const bindings of table.values()) for (const binding of bindings) all.push(binding);
  return all;
}

/**
 * Spreads string keys over a fixed number of buckets (FNV-1a over the key's
 * UTF-16 code units), so a bounded table can copy one small bucket per change
 * instead of the whole table.
 */
export function bucketIndex(key: string, buckets: number): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % buckets;
}

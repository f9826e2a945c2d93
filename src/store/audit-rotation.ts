/**
 * The audit trail rotates by size: the store keeps the newest entries, the
 * older ones move to append-only archive files (adapters/audit-archive.ts).
 * The archive is written before the store drops anything, so a crash between
 * the two leaves an entry in both places, never in neither; `auditOverlap`
 * finds such entries so they are neither archived twice nor shown twice.
 */
import type { AuditEntry } from '../core/model.js';

export interface AuditLimits {
  /** Most entries the store holds; one more and the oldest are archived. */
  max: number;
  /** Entries the store keeps after archiving (fewer than `max`, so archiving happens in batches). */
  keep: number;
}

/** At most 5,000 entries in the store; past that the oldest go to the archive, leaving the newest 4,500. */
export const AUDIT_LIMITS: AuditLimits = { max: 5000, keep: 4500 };

export interface AuditRotation {
  /** The oldest entries, to append to the archive (in order). */
  archive: AuditEntry[];
  /** The newest entries, for the store. */
  keep: AuditEntry[];
}

/** What to archive when the store holds more than `limits.max` entries; `undefined` when it does not. */
export function planAuditRotation(
  audit: readonly AuditEntry[],
  limits: AuditLimits = AUDIT_LIMITS,
): AuditRotation | undefined {
  if (audit.length <= limits.max) return undefined;
  const cut = audit.length - Math.max(0, Math.min(limits.keep, limits.max));
  return { archive: audit.slice(0, cut), keep: audit.slice(cut) };
}

/** One entry as a comparable string: equal entries, equal keys (whatever the order of their members). */
export function auditEntryKey(entry: AuditEntry): string {
  return JSON.stringify([
    entry.at,
    entry.kind,
    entry.actor,
    entry.extension ?? null,
    entry.phone ?? null,
    entry.detail ?? null,
  ]);
}

/**
 * How many of the store's oldest entries are already at the end of the
 * archive (`archived`: its last file, in order): the largest `k` for which the
 * last `k` archived entries equal the first `k` stored ones. Non-zero only
 * after archiving was interrupted before the store was written (or while a
 * reader saw the store from before an archiving and the archive from after it).
 */
export function auditOverlap(archived: readonly AuditEntry[], stored: readonly AuditEntry[]): number {
  const most = Math.min(archived.length, stored.length);
  if (most === 0) return 0;
  const storedKeys = stored.slice(0, most).map(auditEntryKey);
  const tailKeys = archived.slice(archived.length - most).map(auditEntryKey);
  // The overlap starts at some j of the tail where the first stored entry appears; the earliest such j is the longest.
  for (let j = 0; j < most; j++) {
    if (tailKeys[j] !== storedKeys[0]) continue;
    let same = true;
    for (let i = 1; j + i < most && same; i++) same = tailKeys[j + i] === storedKeys[i];
    if (same) return most - j;
  }
  return 0;
}

/** Entries in time order, keeping the recorded order between equal times. */
export function sortAuditByTime(entries: readonly AuditEntry[]): AuditEntry[] {
  return (
    entries
      .map((entry, index) => ({ entry, index, at: Date.parse(entry.at) }))
      // An unreadable time (NaN) compares as equal: such an entry keeps its recorded place.
      .sort((a, b) => a.at - b.at || a.index - b.index)
      .map(({ entry }) => entry)
  );
}

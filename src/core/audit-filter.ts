/**
 * Choosing audit entries: by extension, phone, kind and time. The times the
 * admin types are read here too: an ISO 8601 date or date and time (UTC unless
 * it carries an offset), or a duration back from `now` such as `30m`, `24h`
 * or `7d`. Pure: `now` is passed in.
 */
import { AUDIT_KINDS, type AuditEntry, type AuditKind } from './model.js';

export interface AuditFilter {
  /** Only entries about this extension. */
  extension?: string;
  /** Only entries about one of these phones (names or keys as recorded, any case). */
  phones?: readonly string[];
  /** Only entries of these kinds. */
  kinds?: readonly AuditKind[];
  /** Only entries at or after this time (ISO 8601). */
  since?: string;
  /** Only entries before this time (ISO 8601). */
  until?: string;
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * A time as the admin gives it → an ISO 8601 instant in UTC, or `undefined`
 * when it is neither an ISO date/time nor a duration (`30m`, `24h`, `7d`,
 * also `s` and `w`) counted back from `now`.
 */
export function parseAuditTime(value: string, now: string): string | undefined {
  const text = value.trim();
  const duration = /^(\d{1,9})([smhdw])$/.exec(text);
  if (duration) {
    const ms = Date.parse(now) - Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS];
    return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
  }
  const parts = ISO_TIME.exec(text);
  if (!parts) return undefined;
  const [, year, month, day, hour, , , zone] = parts;
  // A date alone is midnight UTC; a date and time without an offset is UTC as well, like the trail itself.
  const normalised = hour !== undefined && zone === undefined ? `${text.replace(' ', 'T')}Z` : text.replace(' ', 'T');
  const ms = Date.parse(normalised);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2026-02-30 over into March: refuse days the month does not have.
  const calendar = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (calendar.getUTCMonth() !== Number(month) - 1 || calendar.getUTCDate() !== Number(day)) return undefined;
  return new Date(ms).toISOString();
}

export type KindsParse = { ok: true; kinds: AuditKind[] } | { ok: false; unknown: string[] };

/** `--kind` values, each one kind or a comma-separated list → the kinds, in order, without repeats. */
export function parseAuditKinds(values: readonly string[]): KindsParse {
  const words = values
    .flatMap((value) => value.split(','))
    .map((word) => word.trim().toLowerCase())
    .filter((word) => word !== '');
  const known = new Set<string>(AUDIT_KINDS);
  const unknown = words.filter((word) => !known.has(word));
  if (unknown.length > 0) return { ok: false, unknown: [...new Set(unknown)] };
  return { ok: true, kinds: [...new Set(words)] as AuditKind[] };
}

/** The test one entry must pass to be shown under `filter`. */
export function auditSelector(filter: AuditFilter): (entry: AuditEntry) => boolean {
  const since = filter.since !== undefined ? Date.parse(filter.since) : undefined;
  const until = filter.until !== undefined ? Date.parse(filter.until) : undefined;
  const phones = filter.phones ? new Set(filter.phones.map((phone) => phone.trim().toLowerCase())) : undefined;
  const kinds = filter.kinds && filter.kinds.length > 0 ? new Set<string>(filter.kinds) : undefined;
  const extension = filter.extension?.trim();
  return (entry) => {
    if (extension !== undefined && entry.extension !== extension) return false;
    if (phones && (entry.phone === undefined || !phones.has(entry.phone.toLowerCase()))) return false;
    if (kinds && !kinds.has(entry.kind)) return false;
    if (since !== undefined || until !== undefined) {
      const at = Date.parse(entry.at);
      if (since !== undefined && !(at >= since)) return false;
      if (until !== undefined && !(at < until)) return false;
    }
    return true;
  };
}

/** The entries that pass `filter`, in their order. */
export function filterAudit(entries: readonly AuditEntry[], filter: AuditFilter): AuditEntry[] {
  return entries.filter(auditSelector(filter));
}

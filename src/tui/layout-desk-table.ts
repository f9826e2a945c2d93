/**
 * The desk table's text at a given width: which columns shrink first (USER and
 * SINCE before MODEL, PHONE and MAC; STATE, EXT and SYNC never), the compact
 * forms a narrow table uses (SINCE as `11-22 08:00` or `08:00`, a MAC without
 * colons), and, on a very narrow terminal, columns dropped. No line is wider
 * than `width`. Times are UTC like the rest of the CLI's tables. Once any
 * phone has a desk location (for emergency calls), a LOCATION column comes
 * last: it is the first to shorten, and it goes before any other column has
 * to shorten beyond the first steps (SINCE as day and minute, USER to 10).
 */
import { formatMac } from '../core/mac.js';
import type { StatusRow } from '../store/queries.js';
import { fitColumns, type ColumnNeed, type ShrinkStep } from './fit-columns.js';

export const DESK_HEADERS = ['PHONE', 'MODEL', 'MAC', 'STATE', 'EXT', 'USER', 'SINCE', 'SYNC', 'LOCATION'] as const;

const [PHONE, MODEL, MAC, STATE, EXT, USER, SINCE, SYNC, LOCATION] = [0, 1, 2, 3, 4, 5, 6, 7, 8] as const;
const GAP = 2;
const SINCE_FULL = 16; // 2026-11-22 08:00
const SINCE_DAY = 11; // 11-22 08:00
const SINCE_SHORT = 5; // 08:00 today, 11-22 before
const MAC_FULL = 17;
const MAC_BARE = 12;

/**
 * USER and SINCE shorten first (SINCE to its day form, USER to 10), then the
 * MAC loses its colons and MODEL shortens, then SINCE and USER go down to their
 * least, then PHONE. STATE, EXT and SYNC keep their width.
 */
const SHRINK: ShrinkStep[] = [
  [SINCE, SINCE_DAY],
  [USER, 10],
  [MAC, MAC_BARE],
  [MODEL, 8],
  [SINCE, SINCE_SHORT],
  [USER, 4],
  [MODEL, 5],
  [PHONE, 6],
];
const DROP = [MAC, MODEL, SINCE, USER];
/** With LOCATION shown: it shortens first, then only the first two steps are taken before it goes. */
const SHRINK_LOCATED: ShrinkStep[] = [[LOCATION, 12], ...SHRINK.slice(0, 2)];

export interface DeskTableLayout {
  header: string;
  /** One line per row, in order. */
  lines: string[];
}

/** `since` (ISO time) in `width` characters: the full minute, the day and minute, or the minute today / the day. */
export function formatSince(since: string | null | undefined, width: number, now: string): string {
  if (!since) return '-';
  const full = since.replace('T', ' ').slice(0, SINCE_FULL);
  if (width >= SINCE_FULL) return full;
  if (width >= SINCE_DAY) return full.slice(5);
  return since.slice(0, 10) === now.slice(0, 10) ? full.slice(11) : full.slice(5, 10);
}

function formatMacIn(mac: string, width: number): string {
  return width >= MAC_FULL ? formatMac(mac) : formatMac(mac).replace(/:/g, '');
}

/** `text` cut to `width` with an ellipsis when longer. */
export function cut(text: string, width: number): string {
  if (text.length <= width) return text;
  if (width <= 1) return text.slice(0, width);
  return `${text.slice(0, width - 1)}…`;
}

export function layoutDeskTable(rows: readonly StatusRow[], width: number, now: string): DeskTableLayout {
  const natural = (index: number, values: string[]): number =>
    Math.max(DESK_HEADERS[index]!.length, ...values.map((value) => value.length));
  const fixed = (n: number): ColumnNeed => ({ natural: n, min: n });
  const anySince = rows.some((row) => row.since);
  const located = rows.some((row) => row.location !== undefined);
  const columns: ColumnNeed[] = [
    {
      natural: natural(
        PHONE,
        rows.map((row) => row.name),
      ),
      min: 6,
    },
    {
      natural: natural(
        MODEL,
        rows.map((row) => row.model),
      ),
      min: 5,
    },
    { natural: MAC_FULL, min: MAC_BARE, steps: [MAC_BARE] },
    fixed(
      natural(
        STATE,
        rows.map((row) => row.state),
      ),
    ),
    fixed(
      natural(
        EXT,
        rows.map((row) => row.extension ?? '-'),
      ),
    ),
    {
      natural: natural(
        USER,
        rows.map((row) => row.user ?? '-'),
      ),
      min: 4,
    },
    anySince ? { natural: SINCE_FULL, min: SINCE_SHORT, steps: [SINCE_DAY, SINCE_SHORT] } : fixed(natural(SINCE, [])),
    fixed(
      natural(
        SYNC,
        rows.map((row) => (row.outOfStep ? 'pending' : 'ok')),
      ),
    ),
    ...(located
      ? [
          {
            natural: natural(
              LOCATION,
              rows.map((row) => row.location ?? '-'),
            ),
            min: 8,
          },
        ]
      : []),
  ];
  const fits = (widths: readonly number[]): boolean =>
    widths.reduce((sum, w) => sum + w, 0) + GAP * (widths.length - 1) <= width;
  const withLocation = located ? fitColumns({ columns, width, gap: GAP, shrink: SHRINK_LOCATED, drop: [] }) : undefined;
  const shown = withLocation && fits(withLocation);
  const widths = shown
    ? withLocation
    : fitColumns({ columns: columns.slice(0, LOCATION), width, gap: GAP, shrink: SHRINK, drop: DROP });
  const headers = shown ? DESK_HEADERS : DESK_HEADERS.slice(0, LOCATION);
  const format = (cells: readonly string[]): string => {
    const shown = cells.flatMap((cell, i) => (widths[i]! > 0 ? [cut(cell, widths[i]!).padEnd(widths[i]!)] : []));
    return cut(shown.join(' '.repeat(GAP)).trimEnd(), width);
  };
  const lines = rows.map((row) =>
    format([
      row.name,
      row.model,
      formatMacIn(row.mac, widths[MAC]!),
      row.state,
      row.extension ?? '-',
      row.user ?? '-',
      formatSince(row.since, widths[SINCE]!, now),
      row.outOfStep ? 'pending' : 'ok',
      ...(shown ? [row.location ?? '-'] : []),
    ]),
  );
  return { header: format(headers), lines };
}

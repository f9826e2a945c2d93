/**
 * Column widths for a table that must fit a terminal: columns shrink in steps
 * in a given order (each step takes a column down to a floor, never under its
 * smallest width; a column shown in fixed forms takes the largest form that
 * fits), room left over by a form's jump is given back to the columns cut
 * before it, and if the table is still too wide, whole columns are dropped in a
 * given order (width 0).
 */

export interface ColumnNeed {
  /** Width with nothing cut: the widest cell or the header. */
  natural: number;
  /** Smallest width the column can be shortened to; `natural` for a column that never shrinks. */
  min: number;
  /** For a column shown in fixed forms (a full and a compact date): the widths allowed below `natural`. */
  steps?: readonly number[];
}

/** Shorten column `column` to no less than `floor` (and no less than its `min`). */
export type ShrinkStep = readonly [column: number, floor: number];

export interface FitColumnsInput {
  columns: readonly ColumnNeed[];
  /** Space for the whole table, gaps included. */
  width: number;
  /** Spaces between two shown columns. */
  gap: number;
  /** The first step is taken first, and only as far as needed. */
  shrink: readonly ShrinkStep[];
  /** Column indexes, the first dropped first, once every step is taken. */
  drop: readonly number[];
}

const total = (widths: readonly number[], gap: number): number => {
  const shown = widths.filter((width) => width > 0);
  return shown.reduce((sum, width) => sum + width, 0) + gap * Math.max(0, shown.length - 1);
};

const formsOf = (column: ColumnNeed): number[] =>
  [column.natural, ...(column.steps ?? [])]
    .filter((form) => form >= column.min && form <= column.natural)
    .sort((a, b) => b - a);

/** The width of each column; 0 for a dropped column. */
export function fitColumns({ columns, width, gap, shrink, drop }: FitColumnsInput): number[] {
  const widths = columns.map((column) => Math.max(column.natural, 0));
  const taken: number[] = [];
  for (const [index, floor] of shrink) {
    const excess = total(widths, gap) - width;
    if (excess <= 0) break;
    const column = columns[index];
    if (!column) continue;
    const current = widths[index]!;
    const wanted = Math.min(current, Math.max(column.min, floor, current - excess));
    if (column.steps) {
      // The largest form that takes away enough, else the smallest form the floor allows.
      const forms = formsOf(column).filter((form) => form <= current);
      const allowed = forms.filter((form) => form >= Math.max(column.min, floor));
      widths[index] = allowed.find((form) => form <= wanted) ?? allowed.at(-1) ?? current;
    } else widths[index] = wanted;
    taken.push(index);
  }
  // A form's jump may have taken more than needed: give it back, last cut first.
  for (const index of taken.reverse()) {
    const spare = width - total(widths, gap);
    if (spare <= 0) break;
    const column = columns[index]!;
    if (column.steps) continue;
    widths[index] = Math.min(column.natural, widths[index]! + spare);
  }
  for (const index of drop) {
    if (total(widths, gap) <= width) break;
    if (index < widths.length) widths[index] = 0;
  }
  return widths;
}

/** Which rows of a long list a screen of `height` rows shows, so the selected row stays on it. */

export interface ScrollWindowInput {
  /** Rows in the list. */
  count: number;
  /** Index of the selected row; -1 when none. */
  selected: number;
  /** Rows that fit on the screen (at least 1 is assumed). */
  height: number;
  /** The first row shown last time; the window moves as little as it can from there. */
  top: number;
}

/** The index of the first row to show. */
export function scrollWindow({ count, selected, height, top }: ScrollWindowInput): number {
  const rows = Math.max(1, height);
  const last = Math.max(0, count - rows);
  let first = Math.max(0, Math.min(top, last));
  if (selected >= 0 && selected < count) {
    if (selected < first) first = selected;
    else if (selected >= first + rows) first = selected - rows + 1;
  }
  return first;
}

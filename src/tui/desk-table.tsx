/**
 * The live desk table in a window of the terminal: the header always shown, as
 * many rows as fit (scrolled so the selected row stays on screen), a line
 * saying which rows are shown when not all fit, and one BLF overflow note.
 */
import { useRef } from 'react';
import { Box, Text } from 'ink';
import type { StatusRow } from '../store/queries.js';
import { cut, layoutDeskTable } from './layout-desk-table.js';
import { scrollWindow } from './scroll-window.js';

export interface DeskTableProps {
  rows: readonly StatusRow[];
  /** Name of the highlighted phone; no highlight when undefined. */
  selected?: string | undefined;
  /** Shown instead of the table when there are no rows. */
  empty: string;
  /** Terminal columns the table may use. */
  width: number;
  /** Terminal lines the table may use, header and notes included. */
  height: number;
  /** ISO time, for the compact SINCE form ("08:00" today). */
  now: string;
}

const MARKER = 2;

function overflowNote(rows: readonly StatusRow[], selected: StatusRow | undefined): string | undefined {
  const over = rows.filter((row) => row.overflow > 0);
  const row = selected && selected.overflow > 0 ? selected : over.length === 1 ? over[0] : undefined;
  if (row)
    return (
      `${row.name}: ${row.overflow} of ${row.user ?? row.extension}'s BLF ` +
      `${row.overflow === 1 ? 'key does' : 'keys do'} not fit a ${row.model}`
    );
  if (over.length > 1)
    return `${over.length} phones have BLF keys that do not fit their model (hotdesk status lists them)`;
  return undefined;
}

/** Lines for the rows themselves, once the header, the note and the position line are counted. */
export function deskListHeight(count: number, height: number, hasNote: boolean): number {
  const room = height - 1 - (hasNote ? 1 : 0);
  return Math.max(1, count > room ? room - 1 : room);
}

export function DeskTable({ rows, selected, empty, width, height, now }: DeskTableProps) {
  const top = useRef(0);
  if (rows.length === 0)
    return (
      <Text dimColor wrap="truncate-end">
        {empty}
      </Text>
    );
  const { header, lines } = layoutDeskTable(rows, Math.max(1, width - MARKER), now);
  const selectedIndex = rows.findIndex((row) => row.name === selected);
  const note = overflowNote(rows, rows[selectedIndex]);
  const listHeight = deskListHeight(rows.length, height, note !== undefined);
  top.current = scrollWindow({ count: rows.length, selected: selectedIndex, height: listHeight, top: top.current });
  const first = top.current;
  const shown = rows.slice(first, first + listHeight);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {'  '}
        {header}
      </Text>
      {shown.map((row, i) => {
        const isSelected = row.name === selected;
        return (
          <Text
            key={row.name}
            wrap="truncate-end"
            inverse={isSelected}
            color={row.outOfStep ? 'yellow' : row.state === 'logged-in' ? 'green' : undefined}
          >
            {isSelected ? '❯ ' : '  '}
            {lines[first + i]!}
          </Text>
        );
      })}
      {shown.length < rows.length && (
        <Text dimColor wrap="truncate-end">
          {cut(`  ${first + 1}–${first + shown.length} of ${rows.length} phones · PgUp/PgDn Home/End`, width)}
        </Text>
      )}
      {note !== undefined && (
        <Text color="yellow" wrap="truncate-end">
          {cut(`  ${note}`, width)}
        </Text>
      )}
    </Box>
  );
}

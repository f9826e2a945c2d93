/** The live desk table: one line per hot-desk phone, optionally with a selected row; BLF overflow noted below. */
import { Box, Text } from 'ink';
import { formatMac } from '../core/mac.js';
import type { StatusRow } from '../store/queries.js';

export interface DeskTableProps {
  rows: readonly StatusRow[];
  /** Name of the highlighted phone; no highlight when undefined. */
  selected?: string | undefined;
  /** Shown instead of the table when there are no rows. */
  empty: string;
}

const HEADERS = ['PHONE', 'MODEL', 'MAC', 'STATE', 'EXT', 'USER', 'SINCE', 'SYNC'];

function cells(row: StatusRow): string[] {
  return [
    row.name,
    row.model,
    formatMac(row.mac),
    row.state,
    row.extension ?? '-',
    row.user ?? '-',
    row.since ? row.since.replace('T', ' ').slice(0, 16) : '-',
    row.outOfStep ? 'pending' : 'ok',
  ];
}

export function DeskTable({ rows, selected, empty }: DeskTableProps) {
  if (rows.length === 0) return <Text dimColor>{empty}</Text>;
  const lines = rows.map(cells);
  const widths = HEADERS.map((header, i) => Math.max(header.length, ...lines.map((line) => (line[i] ?? '').length)));
  const format = (line: string[]): string => line.map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {'  '}
        {format(HEADERS)}
      </Text>
      {rows.map((row, i) => {
        const isSelected = row.name === selected;
        return (
          <Text key={row.name} wrap="truncate-end" inverse={isSelected} color={row.outOfStep ? 'yellow' : row.state === 'logged-in' ? 'green' : undefined}>
            {isSelected ? '❯ ' : '  '}
            {format(lines[i]!)}
          </Text>
        );
      })}
      {rows
        .filter((row) => row.overflow > 0)
        .map((row) => (
          <Text key={`${row.name}-overflow`} color="yellow" wrap="truncate-end">
            {'  '}
            {row.name}: {row.overflow} of {row.user ?? row.extension}'s BLF {row.overflow === 1 ? 'key does' : 'keys do'} not fit a {row.model}
          </Text>
        ))}
    </Box>
  );
}

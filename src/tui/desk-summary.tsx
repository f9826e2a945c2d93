/** The one-line count above the desk table. */
import { Text } from 'ink';
import type { StatusRow } from '../store/queries.js';

export function DeskSummary({ title, rows }: { title: string; rows: readonly StatusRow[] }) {
  const loggedIn = rows.filter((row) => row.state === 'logged-in').length;
  const pending = rows.filter((row) => row.outOfStep).length;
  return (
    <Text wrap="truncate-end">
      <Text bold>{title}</Text>
      <Text dimColor>
        {' '}
        — {rows.length} {rows.length === 1 ? 'phone' : 'phones'}, {loggedIn} logged in
        {pending > 0 ? `, ${pending} not in sync yet` : ''}
      </Text>
    </Text>
  );
}

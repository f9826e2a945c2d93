/** The dashboard's `/` filter: the status rows that mention the typed text. */
import { formatMac } from '../core/mac.js';
import type { StatusRow } from '../store/queries.js';

/**
 * Rows where name, model, MAC (either spelling), state, extension, user or connection contains the text, ignoring
 * case.
 */
export function filterStatusRows(rows: readonly StatusRow[], text: string): StatusRow[] {
  const wanted = text.trim().toLowerCase();
  if (wanted === '') return [...rows];
  return rows.filter((row) =>
    [
      row.name,
      row.model,
      row.mac,
      formatMac(row.mac),
      row.state,
      row.extension ?? '',
      row.user ?? '',
      row.connection,
    ].some((field) => field.toLowerCase().includes(wanted)),
  );
}

import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import type { AuditEntry } from '../../core/model.js';
import { CliExit, type CliContext } from '../context.js';
import { EXIT_USAGE } from '../reason-messages.js';

const COLUMNS = ['at', 'kind', 'actor', 'extension', 'phone', 'detail'] as const;

export function parseSince(value: string): string {
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time)) {
    throw new CliExit(EXIT_USAGE, `--since: "${value}" is not an ISO date or time (e.g. 2026-11-01 or 2026-11-01T08:00:00Z)`);
  }
  return new Date(time).toISOString();
}

export function registerAudit(program: Command, context: () => CliContext): void {
  program
    .command('audit')
    .description('the audit trail of admin and login events')
    .option('--json', 'print a JSON array')
    .option('--csv', 'print CSV with a header line')
    .option('--since <iso>', 'only entries at or after this time')
    .action(async (options: { json?: boolean; csv?: boolean; since?: string }) => {
      const ctx = context();
      if (options.json && options.csv) throw new CliExit(EXIT_USAGE, 'choose one of --json and --csv');
      const since = options.since !== undefined ? parseSince(options.since) : undefined;
      const entries: AuditEntry[] = (await ctx.read()).audit.filter((entry) => since === undefined || entry.at >= since);
      if (options.json) return ctx.out.json(entries);
      if (options.csv) {
        ctx.io.stdout.write(stringify(entries.map((entry) => COLUMNS.map((column) => entry[column] ?? '')), { header: true, columns: [...COLUMNS] }));
        return;
      }
      if (entries.length === 0) return ctx.out.line('no audit entries');
      ctx.out.table(
        ['TIME', 'KIND', 'ACTOR', 'EXT', 'PHONE', 'DETAIL'],
        entries.map((entry) => [entry.at, entry.kind, entry.actor, entry.extension ?? '', entry.phone ?? '', entry.detail ?? '']),
      );
    });
}

import type { Command } from 'commander';
import { formatMac } from '../../core/mac.js';
import { lockState, statusRows, statusWarnings, type StatusRow } from '../../store/queries.js';
import type { CliContext } from '../context.js';
import { lockCount, printLockTable } from '../lock-table.js';

export function registerStatus(program: Command, context: () => CliContext): void {
  program
    .command('status')
    .description('every hot-desk phone: idle or who is logged in and since when, phones out of step, and PIN locks')
    .option('--json', 'print JSON')
    .option('--watch', 'a live table that refreshes when the store changes (q quits)')
    .action(async (options: { json?: boolean; watch?: boolean }) => {
      const ctx = context();
      if (options.watch) {
        const [{ runStatusWatch }, { buildStatusWatchProps }] = await Promise.all([import('../../tui/run.js'), import('../tui-props.js')]);
        return runStatusWatch(buildStatusWatchProps(ctx), ctx.io);
      }
      const data = await ctx.read();
      const rows = statusRows(data, ctx.catalogue);
      if (options.json) return ctx.out.json(rows.map((row) => ({ ...row, mac: formatMac(row.mac) })));
      for (const warning of statusWarnings(data)) ctx.out.warn(warning);
      const locks = lockState(data, new Date().toISOString());
      if (rows.length === 0) ctx.out.line('no hot-desk phones yet (hotdesk add-phone adds one)');
      else printPhoneTable(ctx, rows);
      if (lockCount(locks) > 0) {
        ctx.out.line();
        printLockTable(ctx.out, locks);
      }
    });
}

function printPhoneTable(ctx: CliContext, rows: StatusRow[]): void {
  const { colour } = ctx.out;
  ctx.out.table(
    ['PHONE', 'MODEL', 'MAC', 'STATE', 'EXT', 'USER', 'SINCE', 'SYNC'],
    rows.map((row) => [
      row.name,
      row.model,
      formatMac(row.mac),
      row.state === 'idle' ? colour.dim('idle') : colour.green('logged-in'),
      row.extension ?? '-',
      row.user ?? '-',
      row.since ? row.since.replace('T', ' ').slice(0, 16) : '-',
      (row.outOfStep ? colour.yellow('pending') : 'ok') + (row.overflow > 0 ? ` (${row.overflow} keys do not fit)` : ''),
    ]),
  );
}

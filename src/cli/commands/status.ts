import type { Command } from 'commander';
import { formatMac } from '../../core/mac.js';
import { lockState, statusRows, statusWarnings, type LockState, type StatusRow } from '../../store/queries.js';
import { CliExit, type CliContext } from '../context.js';
import { lockCount, printLockTable } from '../lock-table.js';
import { activePinAlerts, describePinAlert } from '../../core/pin-alerts.js';
import { describeEmergencyCall, emergencyAlerts } from '../../core/emergency-calls.js';
import { EXIT_USAGE, lockEnd } from '../reason-messages.js';
import { fetchSipBlocks, printSipBlocks } from '../sip-blocks.js';

export function registerStatus(program: Command, context: () => CliContext): void {
  program
    .command('status')
    .description('every hot-desk phone: idle or who is logged in and since when, phones out of step, and PIN locks')
    .option('--json', 'print JSON')
    .option('--watch', 'a live table that refreshes when the store changes (q quits)')
    .action(async (options: { json?: boolean; watch?: boolean }) => {
      const ctx = context();
      if (options.watch) {
        if (!ctx.io.stdin.isTTY || !ctx.io.stdout.isTTY) {
          throw new CliExit(
            EXIT_USAGE,
            'status --watch needs a terminal; without one, hotdesk status prints the table once (--json for scripts)',
          );
        }
        const [{ runStatusWatch }, { buildStatusWatchProps }] = await Promise.all([
          import('../../tui/run.js'),
          import('../tui-props.js'),
        ]);
        return runStatusWatch(buildStatusWatchProps(ctx), ctx.io);
      }
      const data = await ctx.read();
      const rows = statusRows(data, ctx.catalogue);
      // Pinned phones (hotdesk phone set NAME --pinned EXT) are listed like any other, marked.
      const pinned = new Map(
        data.phones.flatMap((phone) => (phone.pinned !== undefined ? [[phone.name, phone.pinned] as const] : [])),
      );
      const now = new Date().toISOString();
      const locks = lockState(data, now);
      if (options.json) {
        return ctx.out.json(
          rows.map((row) => {
            const held = phoneLocks(locks, row.name);
            return {
              ...row,
              mac: formatMac(row.mac),
              ...(pinned.has(row.name) ? { pinned: pinned.get(row.name) } : {}),
              ...(held.length > 0 ? { locks: held } : {}),
            };
          }),
        );
      }
      for (const warning of statusWarnings(data)) ctx.out.warn(warning);
      const alerts = activePinAlerts(data.audit, now);
      // Emergency calls of the last hour first: someone may need help on site.
      const emergencies = emergencyAlerts(data.emergency, now);
      for (const call of emergencies)
        ctx.out.line(`${ctx.out.colour.red.bold('ALERT')} ${describeEmergencyCall(call)}, at ${lockEnd(call.at)}`);
      for (const alert of alerts)
        ctx.out.line(
          `${ctx.out.colour.red.bold('ALERT')} ${describePinAlert(alert)}, the last at ${lockEnd(alert.last)}`,
        );
      const blocks = (await fetchSipBlocks(ctx.paths)) ?? [];
      printSipBlocks(ctx.out, blocks);
      if (emergencies.length > 0 || alerts.length > 0 || blocks.length > 0) ctx.out.line();
      if (rows.length === 0) ctx.out.line('no hot-desk phones yet (hotdesk add-phone adds one)');
      else printPhoneTable(ctx, rows, pinned);
      if (lockCount(locks) > 0) {
        ctx.out.line();
        printLockTable(ctx.out, locks);
      }
    });
}

/** The locks of one phone for `status --json`: its own (every extension) and its pairs (one extension each). */
function phoneLocks(
  locks: LockState,
  phone: string,
): (
  { lock: 'phone'; until: string; level: number } | { lock: 'pair'; extension: string; until: string; level: number }
)[] {
  return [
    ...locks.phones
      .filter((entry) => entry.phone === phone)
      .map(({ until, level }) => ({ lock: 'phone' as const, until, level })),
    ...locks.pairs
      .filter((entry) => entry.phone === phone)
      .map(({ extension, until, level }) => ({ lock: 'pair' as const, extension, until, level })),
  ];
}

function printPhoneTable(ctx: CliContext, rows: StatusRow[], pinned: ReadonlyMap<string, string>): void {
  const { colour } = ctx.out;
  // Desk locations (for emergency calls) get a column once any phone has one.
  const located = rows.some((row) => row.location !== undefined || row.emergencyCallback !== undefined);
  const where = (row: StatusRow): string[] =>
    located
      ? [[row.location, row.emergencyCallback && `ELIN ${row.emergencyCallback}`].filter(Boolean).join(', ') || '-']
      : [];
  ctx.out.table(
    ['PHONE', 'MODEL', 'MAC', 'STATE', 'EXT', 'USER', 'SINCE', 'SYNC', ...(located ? ['LOCATION'] : [])],
    rows.map((row) => [
      row.name,
      row.model,
      formatMac(row.mac),
      row.state === 'idle' ? colour.dim('idle') : colour.green(pinned.has(row.name) ? 'pinned' : 'logged-in'),
      row.extension ?? '-',
      row.user ?? '-',
      row.since ? row.since.replace('T', ' ').slice(0, 16) : '-',
      (row.outOfStep ? colour.yellow('pending') : 'ok') +
        (row.overflow > 0 ? ` (${row.overflow} keys do not fit)` : ''),
      ...where(row),
    ]),
  );
}

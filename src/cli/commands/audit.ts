import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { parseMac } from '../../core/mac.js';
import { AUDIT_KINDS, type AuditEntry } from '../../core/model.js';
import { auditSelector, parseAuditKinds, parseAuditTime, type AuditFilter } from '../../core/audit-filter.js';
import { activePinAlerts, describePinAlert, PIN_ALERT_RULE } from '../../core/pin-alerts.js';
import { findPhone } from '../../store/queries.js';
import type { StoreData } from '../../store/schema.js';
import { readAuditTrail } from '../../adapters/audit-archive.js';
import { CliExit, type CliContext } from '../context.js';
import { EXIT_USAGE, lockEnd } from '../reason-messages.js';

const COLUMNS = ['at', 'kind', 'actor', 'extension', 'phone', 'detail'] as const;

interface AuditOptions {
  json?: boolean;
  csv?: boolean;
  extension?: string;
  phone?: string;
  kind?: string[];
  since?: string;
  until?: string;
  alerts?: boolean;
}

/** `--since` / `--until` → an ISO instant, or a usage error naming the flag. */
function parseTimeOption(flag: string, value: string, now: string): string {
  const at = parseAuditTime(value, now);
  if (at === undefined) {
    throw new CliExit(
      EXIT_USAGE,
      `${flag}: "${value}" is not an ISO date or time (e.g. 2026-11-01 or 2026-11-01T08:00:00Z)`,
    );
  }
  return at;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/**
 * What `--phone` matches in the trail: a pool phone's name (found by name or
 * MAC); for a MAC no longer in the pool, the names it was added under; else
 * the text as given (the name of a removed phone, say).
 */
async function phoneKeys(ctx: CliContext, data: StoreData, value: string): Promise<string[]> {
  const phone = findPhone(data, value);
  if (phone) return [phone.name];
  const mac = parseMac(value);
  if (mac === undefined) return [value.trim()];
  const added = await readAuditTrail(
    ctx.paths.dir,
    data.audit,
    (entry) => entry.kind === 'phone-added' && entry.detail?.endsWith(` ${mac}`) === true,
  );
  const names = [...new Set(added.entries.flatMap((entry) => (entry.phone !== undefined ? [entry.phone] : [])))];
  return names.length > 0 ? names : [value.trim()];
}

/** The filter from the flags that need no store (kinds, times): usage errors come before any reading. */
function parseFilter(options: AuditOptions, now: string): AuditFilter {
  const filter: AuditFilter = {};
  if (options.extension !== undefined) filter.extension = options.extension.trim();
  if (options.kind !== undefined) {
    const kinds = parseAuditKinds(options.kind);
    if (!kinds.ok) {
      throw new CliExit(
        EXIT_USAGE,
        `--kind: unknown kind ${kinds.unknown.map((kind) => `"${kind}"`).join(', ')} (kinds: ` +
          `${AUDIT_KINDS.join(', ')})`,
      );
    }
    if (kinds.kinds.length === 0)
      throw new CliExit(EXIT_USAGE, `--kind: name a kind (kinds: ${AUDIT_KINDS.join(', ')})`);
    filter.kinds = kinds.kinds;
  }
  if (options.since !== undefined) filter.since = parseTimeOption('--since', options.since, now);
  if (options.until !== undefined) filter.until = parseTimeOption('--until', options.until, now);
  return filter;
}

function printAlerts(ctx: CliContext, data: StoreData, options: AuditOptions, now: string): void {
  const alerts = activePinAlerts(data.audit, now);
  if (options.json) return ctx.out.json(alerts);
  if (alerts.length === 0) {
    return ctx.out.line(
      `no failed-PIN bursts (${PIN_ALERT_RULE.threshold} wrong PINs within ${PIN_ALERT_RULE.windowMinutes} minutes)`,
    );
  }
  for (const alert of alerts) ctx.out.line(`${describePinAlert(alert)}, the last at ${lockEnd(alert.last)}`);
}

export function registerAudit(program: Command, context: () => CliContext): void {
  program
    .command('audit')
    .description('the audit trail of admin and login events, archived entries included')
    .option('--json', 'print a JSON array')
    .option('--csv', 'print CSV with a header line')
    .option('--extension <ext>', 'only entries about this extension')
    .option('--phone <name|mac>', 'only entries about this phone')
    .option('--kind <kind>', 'only entries of this kind (repeat it, or separate kinds with commas)', collect)
    .option(
      '--since <time>',
      'only entries at or after this time: ISO date or time (UTC), or a duration back from now (30m, 24h, 7d)',
    )
    .option('--until <time>', 'only entries before this time (the same forms as --since)')
    .option('--alerts', 'the failed-PIN bursts going on now, instead of the trail')
    .action(async (options: AuditOptions) => {
      const ctx = context();
      if (options.json && options.csv) throw new CliExit(EXIT_USAGE, 'choose one of --json and --csv');
      const now = new Date().toISOString();
      if (options.alerts) {
        const extra = (['csv', 'extension', 'phone', 'kind', 'since', 'until'] as const).filter(
          (name) => options[name] !== undefined,
        );
        if (extra.length > 0)
          throw new CliExit(
            EXIT_USAGE,
            `--alerts takes only --json, not ${extra.map((name) => `--${name}`).join(', ')}`,
          );
        return printAlerts(ctx, await ctx.read(), options, now);
      }
      const filter = parseFilter(options, now);
      // The store first, then the archive: entries archived in between are then in both, and shown once.
      const data = await ctx.read();
      if (options.phone !== undefined) filter.phones = await phoneKeys(ctx, data, options.phone);
      const trail = await readAuditTrail(ctx.paths.dir, data.audit, auditSelector(filter));
      for (const { file, lines } of trail.unreadable) {
        ctx.out.warn(
          `${file}: ${lines.length === 1 ? `line ${lines[0]} is` : `lines ${lines.join(', ')} are`} not an ` +
            `audit entry; skipped`,
        );
      }
      const entries: AuditEntry[] = trail.entries;
      if (options.json) return ctx.out.json(entries);
      if (options.csv) {
        ctx.io.stdout.write(
          stringify(
            entries.map((entry) => COLUMNS.map((column) => entry[column] ?? '')),
            { header: true, columns: [...COLUMNS] },
          ),
        );
        return;
      }
      if (entries.length === 0) return ctx.out.line('no audit entries');
      ctx.out.table(
        ['TIME', 'KIND', 'ACTOR', 'EXT', 'PHONE', 'DETAIL'],
        entries.map((entry) => [
          entry.at,
          entry.kind,
          entry.actor,
          entry.extension ?? '',
          entry.phone ?? '',
          entry.detail ?? '',
        ]),
      );
    });
}

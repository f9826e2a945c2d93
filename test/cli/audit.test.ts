/**
 * `hotdesk audit` filters, formats and archive, and the failed-PIN banner of
 * `hotdesk status`, as real processes on seeded data directories.
 */
import t, { type Test } from 'tap';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lines, runCli } from '../support/run-cli.js';
import { exists, loadStoreFile, tempData, writeStoreFile } from '../support/temp-data.js';
import { storedPhone } from '../support/stored-records.js';
import { listArchiveFiles } from '../../src/adapters/audit-archive.js';
import { AUDIT_KINDS, type AuditEntry } from '../../src/core/model.js';
import type { DataPaths } from '../../src/adapters/paths.js';
import type { StoreData } from '../../src/store/schema.js';

const MIN = 60_000;
const ago = (ms: number): string => new Date(Date.now() - ms).toISOString();

/** Two pool phones, and HD0003 that was removed; the trail as given. */
async function seed(
  paths: DataPaths,
  audit: AuditEntry[],
  edit: (data: StoreData) => StoreData = (data) => data,
): Promise<void> {
  await mkdir(paths.dir, { recursive: true });
  await writeStoreFile(paths.store, (data) =>
    edit({
      ...data,
      nextPhoneNumber: 4,
      phones: [storedPhone(1, '001565aabb01'), storedPhone(2, '001565aabb02')],
      audit,
    }),
  );
}

/** A strict RFC 4180 reader: fails on a stray quote or an unterminated field, so it only reads valid CSV. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let fieldStarted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
        if (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r')
          throw new Error(`text after a closing quote at ${i}`);
      } else {
        field += c;
        i++;
      }
      continue;
    }
    if (c === '"') {
      if (fieldStarted) throw new Error(`quote inside an unquoted field at ${i}`);
      quoted = true;
      fieldStarted = true;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      fieldStarted = false;
      i++;
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      fieldStarted = false;
      i += c === '\r' ? 2 : 1;
    } else {
      field += c;
      fieldStarted = true;
      i++;
    }
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (fieldStarted || row.length > 0) throw new Error('the last line has no line end');
  return rows;
}

async function json<T = AuditEntry[]>(t: Test, dir: string, args: string[]): Promise<T> {
  const result = await runCli(dir, args);
  t.same([result.code, result.stderr], [0, ''], `hotdesk ${args.join(' ')}`);
  return JSON.parse(result.stdout) as T;
}

const details = (entries: AuditEntry[]) => entries.map((entry) => entry.detail);

t.test('filters: extension, phone (name, MAC, removed phone), kind, since and until', async (t) => {
  const paths = await tempData(t);
  const trail: AuditEntry[] = [
    {
      at: ago(30 * 24 * 60 * MIN),
      kind: 'phone-added',
      actor: 'admin',
      phone: 'HD0003',
      detail: 'yealink-t54w 001565aabb03',
    },
    { at: ago(3 * 24 * 60 * MIN), kind: 'login', actor: 'admin', extension: '100', phone: 'HD0003', detail: 'a' },
    { at: ago(2 * 24 * 60 * MIN), kind: 'phone-removed', actor: 'admin', phone: 'HD0003', detail: 'b' },
    { at: ago(5 * 60 * MIN), kind: 'login', actor: 'user', extension: '100', phone: 'HD0001', detail: 'c' },
    { at: ago(2 * 60 * MIN), kind: 'login-failed', actor: 'user', extension: '101', phone: 'HD0002', detail: 'd' },
    { at: ago(20 * MIN), kind: 'logout', actor: 'user', extension: '100', phone: 'HD0001', detail: 'e' },
    { at: ago(10 * MIN), kind: 'unlocked', actor: 'admin', extension: '101', detail: 'f' },
  ];
  await seed(paths, trail);
  const cases: [string[], (string | undefined)[]][] = [
    [[], ['yealink-t54w 001565aabb03', 'a', 'b', 'c', 'd', 'e', 'f']],
    [
      ['--extension', '100'],
      ['a', 'c', 'e'],
    ],
    [['--extension', '555'], []],
    [
      ['--phone', 'hd0001'],
      ['c', 'e'],
    ],
    [['--phone', '00:15:65:AA:BB:02'], ['d']],
    [
      ['--phone', 'HD0003'],
      ['yealink-t54w 001565aabb03', 'a', 'b'],
    ],
    [
      ['--phone', '00-15-65-aa-bb-03'],
      ['yealink-t54w 001565aabb03', 'a', 'b'],
    ],
    [['--phone', '00:15:65:aa:bb:99'], []],
    [
      ['--kind', 'login'],
      ['a', 'c'],
    ],
    [
      ['--kind', 'login,logout', '--kind', 'unlocked'],
      ['a', 'c', 'e', 'f'],
    ],
    [
      ['--since', '30m'],
      ['e', 'f'],
    ],
    [
      ['--since', '24h'],
      ['c', 'd', 'e', 'f'],
    ],
    [
      ['--since', '7d', '--until', '1d'],
      ['a', 'b'],
    ],
    [
      ['--until', trail[3]!.at],
      ['yealink-t54w 001565aabb03', 'a', 'b'],
    ],
    [
      ['--since', trail[3]!.at, '--until', trail[5]!.at],
      ['c', 'd'],
    ],
    [['--extension', '100', '--phone', 'HD0001', '--kind', 'logout', '--since', '1d'], ['e']],
  ];
  const results = await Promise.all(cases.map(([args]) => runCli(paths.dir, ['audit', '--json', ...args])));
  cases.forEach(([args, expected], i) => {
    const result = results[i]!;
    t.same([result.code, result.stderr], [0, ''], `audit ${args.join(' ')}`);
    t.same(details(JSON.parse(result.stdout) as AuditEntry[]), expected, `audit ${args.join(' ')}`);
  });
});

t.test('usage errors exit 2 and say why', async (t) => {
  const paths = await tempData(t);
  const cases: [string[], string][] = [
    [['--kind', 'logins'], `hotdesk: --kind: unknown kind "logins" (kinds: ${AUDIT_KINDS.join(', ')})\n`],
    [
      ['--kind', 'login,pin', '--kind', 'x'],
      `hotdesk: --kind: unknown kind "pin", "x" (kinds: ${AUDIT_KINDS.join(', ')})\n`,
    ],
    [['--kind', ' , '], `hotdesk: --kind: name a kind (kinds: ${AUDIT_KINDS.join(', ')})\n`],
    [
      ['--since', 'yesterday'],
      'hotdesk: --since: "yesterday" is not an ISO date or time (e.g. 2026-11-01 or 2026-11-01T08:00:00Z)\n',
    ],
    [
      ['--until', '3 days'],
      'hotdesk: --until: "3 days" is not an ISO date or time (e.g. 2026-11-01 or 2026-11-01T08:00:00Z)\n',
    ],
    [
      ['--until', '2026-02-30'],
      'hotdesk: --until: "2026-02-30" is not an ISO date or time (e.g. 2026-11-01 or 2026-11-01T08:00:00Z)\n',
    ],
    [['--alerts', '--csv'], 'hotdesk: --alerts takes only --json, not --csv\n'],
    [['--alerts', '--kind', 'login', '--since', '1h'], 'hotdesk: --alerts takes only --json, not --kind, --since\n'],
  ];
  const results = await Promise.all(cases.map(([args]) => runCli(paths.dir, ['audit', ...args])));
  cases.forEach(([args, stderr], i) => {
    t.same([results[i]!.code, results[i]!.stdout, results[i]!.stderr], [2, '', stderr], `audit ${args.join(' ')}`);
  });
  t.notOk(await exists(paths.dir), 'nothing was written');
});

t.test('--csv is valid CSV with a header, the same entries as --json', async (t) => {
  const paths = await tempData(t);
  await seed(paths, [
    { at: ago(3 * MIN), kind: 'extension-changed', actor: 'admin', extension: '100', detail: 'name, language' },
    {
      at: ago(2 * MIN),
      kind: 'login-failed',
      actor: 'user',
      extension: '100',
      phone: 'HD0001',
      detail: 'said "no",\nthen left',
    },
    { at: ago(1 * MIN), kind: 'settings-changed', actor: 'system' },
  ]);
  const [csv, entries] = await Promise.all([
    runCli(paths.dir, ['audit', '--csv']),
    json(t, paths.dir, ['audit', '--json']),
  ]);
  t.same([csv.code, csv.stderr], [0, '']);
  t.ok(Array.isArray(entries), '--json is an array');
  const rows = parseCsv(csv.stdout);
  t.same(rows[0], ['at', 'kind', 'actor', 'extension', 'phone', 'detail'], 'the header');
  t.same(
    rows.slice(1),
    entries.map((entry) => [
      entry.at,
      entry.kind,
      entry.actor,
      entry.extension ?? '',
      entry.phone ?? '',
      entry.detail ?? '',
    ]),
    'one row per entry, every field as in --json (commas, quotes, line breaks included)',
  );
  t.throws(() => parseCsv('a,b\n"c,d\n'), 'the reader refuses broken CSV');
  t.throws(() => parseCsv('a,b\nc"d,e\n'), 'and stray quotes');

  const filtered = await runCli(paths.dir, ['audit', '--csv', '--kind', 'settings-changed']);
  t.same(parseCsv(filtered.stdout), [
    ['at', 'kind', 'actor', 'extension', 'phone', 'detail'],
    [entries[2]!.at, 'settings-changed', 'system', '', '', ''],
  ]);
});

t.test('a failed-PIN burst: a banner in status, listed by audit --alerts; status --json unchanged', async (t) => {
  const paths = await tempData(t);
  const failures: AuditEntry[] = Array.from({ length: 11 }, (_, i) => ({
    at: ago((11 - i) * 20_000),
    kind: 'login-failed',
    actor: 'user',
    extension: '101',
    phone: `HD000${(i % 2) + 1}`,
    detail: 'wrong PIN',
  }));
  const old: AuditEntry[] = Array.from({ length: 10 }, (_, i) => ({
    ...failures[0]!,
    at: ago(60 * MIN + i * 1000),
    extension: '102',
    phone: 'HD0002',
  }));
  await seed(paths, [...old, ...failures]);

  const [status, statusJson, alerts, alertsJson] = await Promise.all([
    runCli(paths.dir, ['status']),
    runCli(paths.dir, ['status', '--json']),
    runCli(paths.dir, ['audit', '--alerts']),
    runCli(paths.dir, ['audit', '--alerts', '--json']),
  ]);
  const last = failures.at(-1)!.at;
  const lastShown = `${last.slice(0, 19).replace('T', ' ')} UTC`;
  t.same([status.code, status.stderr], [0, '']);
  const out = lines(status.stdout);
  t.equal(
    out[0],
    `ALERT failed-PIN burst: extension 101, 11 failures in 10 minutes, the last at ${lastShown}`,
    'the banner comes first',
  );
  t.equal(out[1], '', 'then a blank line');
  t.match(out[2], /^PHONE\s+MODEL/, 'then the table');
  t.equal(
    out.filter((line) => line.startsWith('ALERT')).length,
    1,
    'extension 102 failed an hour ago: no alert; no phone reached 10',
  );

  t.same([statusJson.code, statusJson.stderr], [0, '']);
  const rows = JSON.parse(statusJson.stdout) as Record<string, unknown>[];
  t.ok(Array.isArray(rows), 'status --json is still an array');
  t.same(
    rows.map((row) => row['name']),
    ['HD0001', 'HD0002'],
    'of phone rows',
  );
  t.notMatch(statusJson.stdout, /burst|ALERT/, 'without the alerts');

  t.same([alerts.code, alerts.stderr], [0, '']);
  t.same(lines(alerts.stdout), [
    `failed-PIN burst: extension 101, 11 failures in 10 minutes, the last at ${lastShown}`,
  ]);
  t.same([alertsJson.code, alertsJson.stderr], [0, '']);
  t.same(JSON.parse(alertsJson.stdout), [
    { target: 'extension', key: '101', failures: 11, first: failures[0]!.at, last, windowMinutes: 10 },
  ]);

  // One more failure on HD0001 makes 6 there; four more reach 10: a second banner line, for the phone.
  await seed(paths, [
    ...old,
    ...failures,
    ...Array.from({ length: 4 }, (_, i) => ({ ...failures[0]!, at: ago(1000 - i * 100), phone: 'HD0001' })),
  ]);
  const both = await runCli(paths.dir, ['status']);
  t.match(lines(both.stdout).slice(0, 3), [
    /^ALERT failed-PIN burst: extension 101, 15 failures/,
    /^ALERT failed-PIN burst: phone HD0001, 10 failures/,
    '',
  ]);
});

t.test('no burst: no banner, and audit --alerts says so', async (t) => {
  const paths = await tempData(t);
  const nine: AuditEntry[] = Array.from({ length: 9 }, (_, i) => ({
    at: ago(i * 1000),
    kind: 'login-failed',
    actor: 'user',
    extension: '100',
    phone: 'HD0001',
  }));
  await seed(paths, nine);
  const [status, alerts, alertsJson] = await Promise.all([
    runCli(paths.dir, ['status']),
    runCli(paths.dir, ['audit', '--alerts']),
    runCli(paths.dir, ['audit', '--alerts', '--json']),
  ]);
  t.match(lines(status.stdout)[0], /^PHONE\s+MODEL/, 'the table comes first');
  t.notMatch(status.stdout, /ALERT/);
  t.same([alerts.code, alerts.stdout], [0, 'no failed-PIN bursts (10 wrong PINs within 10 minutes)\n']);
  t.same([alertsJson.code, alertsJson.stdout], [0, '[]\n']);
});

t.test(
  'without a daemon the CLI archives past 5,000 entries; audit shows archive and store, each entry once',
  async (t) => {
    const paths = await tempData(t);
    const start = Date.parse('2026-01-01T00:00:00.000Z');
    const seeded: AuditEntry[] = Array.from({ length: 5000 }, (_, i) => ({
      at: new Date(start + i * MIN).toISOString(),
      kind: i % 10 === 0 ? 'login-failed' : 'login',
      actor: 'user',
      extension: String(100 + (i % 3)),
      phone: 'HD0001',
      detail: `seeded ${i}`,
    }));
    await seed(paths, seeded);

    const added = await runCli(paths.dir, ['emergency', 'add', '999']);
    t.same([added.code, added.stderr], [0, '']);
    t.equal((await loadStoreFile(paths.store)).audit.length, 4500, 'the store keeps the newest 4,500');
    const files = await listArchiveFiles(paths.dir);
    t.same(files, [join(paths.dir, 'audit', 'audit-000001.jsonl')]);
    t.equal(lines(await readFile(files[0]!, 'utf8')).length, 501, 'the oldest 501 are archived');

    const all = await json(t, paths.dir, ['audit', '--json']);
    t.equal(all.length, 5001);
    t.same(all.slice(0, 5000), seeded, 'every seeded entry once, in order');
    t.match(all[5000], { kind: 'emergency-added', actor: 'admin' });

    const csv = await runCli(paths.dir, ['audit', '--csv']);
    t.equal(parseCsv(csv.stdout).length, 5002, 'CSV: the header and 5,001 rows');

    // Filters reach into the archive too.
    const early = await json(t, paths.dir, [
      'audit',
      '--json',
      '--kind',
      'login-failed',
      '--extension',
      '100',
      '--until',
      '2026-01-01T05:00:00Z',
    ]);
    t.same(details(early), [
      'seeded 0',
      'seeded 30',
      'seeded 60',
      'seeded 90',
      'seeded 120',
      'seeded 150',
      'seeded 180',
      'seeded 210',
      'seeded 240',
      'seeded 270',
    ]);

    // The store write fails after the archive was written (its temp file is blocked): the change is refused,
    // nothing lost.
    const fill: AuditEntry[] = Array.from({ length: 500 }, (_, i) => ({
      ...seeded[0]!,
      at: new Date(start + (6000 + i) * MIN).toISOString(),
      detail: `fill ${i}`,
    }));
    const before = await loadStoreFile(paths.store);
    await seed(paths, [...before.audit, ...fill], (data) => ({ ...data, settings: before.settings }));
    const blocker = join(paths.dir, '.hotdesk.json.tmp');
    await mkdir(blocker);
    const refused = await runCli(paths.dir, ['emergency', 'add', '998']);
    t.equal(refused.code, 1, 'the change is refused');
    t.match(refused.stderr, /cannot write/);
    t.equal(lines(await readFile(files[0]!, 'utf8')).length, 1002, 'the archive got the next 501');
    t.equal((await loadStoreFile(paths.store)).audit.length, 5000, 'the store is as it was');
    const afterCrash = await json(t, paths.dir, ['audit', '--json']);
    t.equal(afterCrash.length, 5501, 'each entry once');
    t.equal(new Set(afterCrash.map((entry) => JSON.stringify(entry))).size, 5501, 'no entry twice');

    await rm(blocker, { recursive: true });
    const retried = await runCli(paths.dir, ['emergency', 'add', '998']);
    t.same([retried.code, retried.stderr], [0, '']);
    const archived = lines(await readFile(files[0]!, 'utf8'));
    t.equal(archived.length, 1002, 'nothing archived twice');
    t.equal(new Set(archived).size, 1002);
    const final = await json(t, paths.dir, ['audit', '--json']);
    t.equal(final.length, 5502);
    t.same(final.slice(0, 5000), seeded);
    t.same(
      details(final.slice(5000, 5500)),
      fill.map((entry) => entry.detail),
      'then the fill (its times are before today)',
    );
    t.match(final.slice(5500), [
      { kind: 'emergency-added', detail: '999' },
      { kind: 'emergency-added', detail: '998' },
    ]);
  },
);

t.test('an unreadable archive line is skipped with a warning naming the file and line', async (t) => {
  const paths = await tempData(t);
  const stored: AuditEntry = { at: ago(MIN), kind: 'login', actor: 'admin', extension: '100', phone: 'HD0001' };
  await seed(paths, [stored]);
  const archived: AuditEntry = { at: ago(60 * MIN), kind: 'logout', actor: 'admin', extension: '100', phone: 'HD0001' };
  const file = join(paths.dir, 'audit', 'audit-000001.jsonl');
  await mkdir(join(paths.dir, 'audit'));
  await writeFile(file, `${JSON.stringify(archived)}\n{"at":"2026-11-0\n`);
  const result = await runCli(paths.dir, ['audit', '--json']);
  t.equal(result.code, 0);
  t.equal(result.stderr, `warning: ${file}: line 2 is not an audit entry; skipped\n`);
  t.same(JSON.parse(result.stdout), [archived, stored]);
});

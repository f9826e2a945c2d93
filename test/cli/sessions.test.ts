/**
 * `hotdesk login`, `logout` (EXT | --phone | --all), `status` and `audit`
 * as real processes on a seeded office.
 */
import t, { type Test } from 'tap';
import { mkdir, readFile } from 'node:fs/promises';
import { lines, runCli } from '../support/run-cli.js';
import { loadStoreFile, tempData, writeStoreFile } from '../support/temp-data.js';
import { storedExtension, storedPhone } from '../support/stored-records.js';
import { hashPin } from '../../src/adapters/pin-hash.js';
import type { DataPaths } from '../../src/adapters/paths.js';

/** Two phones, three extensions (102 may not hot-desk), written straight to the store file. */
async function seedOffice(paths: DataPaths): Promise<void> {
  await mkdir(paths.dir, { recursive: true });
  const pinHash = await hashPin('739164');
  await writeStoreFile(paths.store, (data) => ({
    ...data,
    nextPhoneNumber: 3,
    extensions: [
      storedExtension('100', 'Ada Lovelace', pinHash),
      storedExtension('101', 'Alan Turing', pinHash),
      storedExtension('102', 'Grace Hopper', pinHash, false),
    ],
    phones: [storedPhone(1, '001565aabb01'), storedPhone(2, '000413aabb02', 'snom-d785')],
  }));
}

interface StatusRow {
  name: string;
  model: string;
  mac: string;
  state: string;
  extension: string | null;
  since: string | null;
}

async function status(t: Test, dir: string): Promise<StatusRow[]> {
  const result = await runCli(dir, ['status', '--json']);
  t.same([result.code, result.stderr], [0, ''], 'status --json');
  const rows = JSON.parse(result.stdout) as StatusRow[];
  t.ok(Array.isArray(rows), 'status --json is an array');
  for (const row of rows) {
    t.match(row, { name: String, model: String, mac: String }, `${row.name} has name, model, mac`);
    t.ok(row.state === 'idle' || row.state === 'logged-in', `${row.name} state is idle or logged-in`);
    if (row.state === 'idle')
      t.same([row.extension, row.since], [null, null], `idle ${row.name} has no extension and no since`);
    else {
      t.type(row.extension, 'string', `logged-in ${row.name} names the extension`);
      t.ok(row.since && !Number.isNaN(Date.parse(row.since)), `logged-in ${row.name} has an ISO since`);
    }
  }
  return rows;
}

const sessionOf = (rows: StatusRow[]) => rows.map((row) => [row.name, row.state, row.extension]);

t.test('login and logout in every form', async (t) => {
  const paths = await tempData(t);
  await seedOffice(paths);
  const startedAt = new Date().toISOString();

  const login = await runCli(paths.dir, ['login', '100', '--phone', 'hd0001']);
  t.same([login.code, login.stdout, login.stderr], [0, '100 logged in on HD0001\n', '']);
  t.same(sessionOf(await status(t, paths.dir)), [
    ['HD0001', 'logged-in', '100'],
    ['HD0002', 'idle', null],
  ]);

  // Exclusive by default: logging 100 in on HD0002 (by MAC) releases HD0001.
  const moved = await runCli(paths.dir, ['login', '100', '--phone', '00:04:13:AA:BB:02', '--json']);
  t.same([moved.code, moved.stderr], [0, '']);
  const movedResult = JSON.parse(moved.stdout) as { released: unknown[]; reprovision: string[] };
  t.same(movedResult.released, [{ phone: 'HD0001', extension: '100' }]);
  t.same([...movedResult.reprovision].sort(), ['HD0001', 'HD0002']);
  const rows = await status(t, paths.dir);
  t.same(sessionOf(rows), [
    ['HD0001', 'idle', null],
    ['HD0002', 'logged-in', '100'],
  ]);
  t.ok(rows[1]!.since! >= startedAt, 'since is the time of the login');

  const text = await runCli(paths.dir, ['status']);
  t.same([text.code, text.stderr], [0, '']);
  const table = lines(text.stdout).map((line) => line.split(/\s{2,}/));
  t.same(table[0], ['PHONE', 'MODEL', 'MAC', 'STATE', 'EXT', 'USER', 'SINCE', 'SYNC']);
  t.same(table[1], ['HD0001', 'yealink-t54w', '00:15:65:aa:bb:01', 'idle', '-', '-', '-', 'pending']);
  t.match(table[2], [
    'HD0002',
    'snom-d785',
    '00:04:13:aa:bb:02',
    'logged-in',
    '100',
    'Ada Lovelace',
    /^\d{4}-\d\d-\d\d \d\d:\d\d$/,
    'pending',
  ]);

  const refusals = await Promise.all([
    runCli(paths.dir, ['login', '102', '--phone', 'HD0001']),
    runCli(paths.dir, ['login', '555', '--phone', 'HD0001']),
    runCli(paths.dir, ['login', '101', '--phone', 'HD0009']),
    runCli(paths.dir, ['login', '101']),
    runCli(paths.dir, ['logout', '101']),
    runCli(paths.dir, ['logout', '--phone', 'HD0001']),
    runCli(paths.dir, ['logout', '--phone', 'HD0009']),
    runCli(paths.dir, ['logout']),
    runCli(paths.dir, ['logout', '100', '--all']),
    runCli(paths.dir, ['logout', '--phone', 'HD0001', '--all']),
  ]);
  t.same(
    refusals.map((result) => [result.code, result.stdout]),
    [
      [1, ''],
      [1, ''],
      [1, ''],
      [2, ''],
      [1, ''],
      [1, ''],
      [1, ''],
      [2, ''],
      [2, ''],
      [2, ''],
    ],
  );
  t.equal(
    refusals[0]!.stderr,
    'hotdesk: extension 102 may not use hot desking (hotdesk extension set 102 --hotdesk)\n',
  );
  t.equal(refusals[1]!.stderr, 'hotdesk: no extension 555 (hotdesk extension list shows them)\n');
  t.equal(refusals[2]!.stderr, 'hotdesk: no hot-desk phone "HD0009" (hotdesk phones lists them)\n');
  t.match(refusals[3]!.stderr, /required option '--phone <name\|mac>' not specified/);
  t.equal(refusals[4]!.stderr, 'hotdesk: 101 is not logged in anywhere\n');
  t.equal(refusals[5]!.stderr, 'hotdesk: HD0001 is not logged in anywhere\n');
  t.equal(refusals[6]!.stderr, 'hotdesk: no hot-desk phone "HD0009" (hotdesk phones lists them)\n');
  for (const i of [7, 8, 9])
    t.equal(refusals[i]!.stderr, 'hotdesk: logout takes exactly one of: EXT, --phone NAME, --all\n');

  const byExtension = await runCli(paths.dir, ['logout', '100']);
  t.same(
    [byExtension.code, byExtension.stdout, byExtension.stderr],
    [0, '1 phone(s) logged out\n  100 logged out of HD0002\n', ''],
  );

  t.equal((await runCli(paths.dir, ['login', '101', '--phone', 'HD0001'])).code, 0);
  const byPhone = await runCli(paths.dir, ['logout', '--phone', '001565aabb01', '--json']);
  t.same([byPhone.code, byPhone.stderr], [0, '']);
  t.same(JSON.parse(byPhone.stdout), { released: [{ phone: 'HD0001', extension: '101' }], reprovision: ['HD0001'] });

  t.equal((await runCli(paths.dir, ['login', '100', '--phone', 'HD0001'])).code, 0);
  t.equal((await runCli(paths.dir, ['login', '101', '--phone', 'HD0002'])).code, 0);
  const all = await runCli(paths.dir, ['logout', '--all']);
  t.same([all.code, all.stderr], [0, '']);
  t.same(lines(all.stdout), ['2 phone(s) logged out', '  100 logged out of HD0001', '  101 logged out of HD0002']);
  const none = await runCli(paths.dir, ['logout', '--all', '--json']);
  t.same(
    [none.code, none.stdout, none.stderr],
    [0, `${JSON.stringify({ released: [], reprovision: [] }, null, 2)}\n`, ''],
  );
  t.same(sessionOf(await status(t, paths.dir)), [
    ['HD0001', 'idle', null],
    ['HD0002', 'idle', null],
  ]);

  const audit = (await loadStoreFile(paths.store)).audit;
  t.same(
    audit.map((entry) => [entry.kind, entry.actor, entry.extension, entry.phone, entry.detail]),
    [
      ['login', 'admin', '100', 'HD0001', undefined],
      ['logout', 'admin', '100', 'HD0001', 'takeover'],
      ['login', 'admin', '100', 'HD0002', undefined],
      ['logout', 'admin', '100', 'HD0002', undefined],
      ['login', 'admin', '101', 'HD0001', undefined],
      ['logout', 'admin', '101', 'HD0001', undefined],
      ['login', 'admin', '100', 'HD0001', undefined],
      ['login', 'admin', '101', 'HD0002', undefined],
      ['logout', 'admin', '100', 'HD0001', undefined],
      ['logout', 'admin', '101', 'HD0002', undefined],
    ],
  );
});

t.test('audit in every format, and --since', async (t) => {
  const paths = await tempData(t);
  await seedOffice(paths);
  const none = await Promise.all([
    runCli(paths.dir, ['audit']),
    runCli(paths.dir, ['audit', '--json']),
    runCli(paths.dir, ['audit', '--csv']),
  ]);
  t.same(
    none.map((result) => [result.code, result.stdout, result.stderr]),
    [
      [0, 'no audit entries\n', ''],
      [0, '[]\n', ''],
      [0, 'at,kind,actor,extension,phone,detail\n', ''],
    ],
  );

  for (const args of [
    ['login', '100', '--phone', 'HD0001'],
    ['extension', 'set', '101', '--name', 'Alan M. Turing', '--language', 'de'],
    ['logout', '--all'],
  ]) {
    t.equal((await runCli(paths.dir, args)).code, 0, args.join(' '));
  }
  const [text, json, csv, future, past, badSince, both] = await Promise.all([
    runCli(paths.dir, ['audit']),
    runCli(paths.dir, ['audit', '--json']),
    runCli(paths.dir, ['audit', '--csv']),
    runCli(paths.dir, ['audit', '--since', '2999-01-01', '--json']),
    runCli(paths.dir, ['audit', '--since', '2000-01-01T00:00:00Z', '--csv']),
    runCli(paths.dir, ['audit', '--since', 'yesterday']),
    runCli(paths.dir, ['audit', '--json', '--csv']),
  ]);
  t.same([json.code, json.stderr], [0, '']);
  const entries = JSON.parse(json.stdout) as Record<string, string>[];
  t.match(entries, [
    { at: String, kind: 'login', actor: 'admin', extension: '100', phone: 'HD0001' },
    { at: String, kind: 'extension-changed', actor: 'admin', extension: '101', detail: 'name, language' },
    { at: String, kind: 'logout', actor: 'admin', extension: '100', phone: 'HD0001' },
  ]);
  t.equal(entries.length, 3);

  t.same([text.code, text.stderr], [0, '']);
  const rows = lines(text.stdout).map((line) => line.split(/\s{2,}/));
  t.same(rows[0], ['TIME', 'KIND', 'ACTOR', 'EXT', 'PHONE', 'DETAIL']);
  t.same(
    rows.slice(1).map((row) => row.slice(0, 2)),
    entries.map((entry) => [entry['at'], entry['kind']]),
  );

  t.same([csv.code, csv.stderr], [0, '']);
  t.same(lines(csv.stdout), [
    'at,kind,actor,extension,phone,detail',
    `${entries[0]!['at']},login,admin,100,HD0001,`,
    `${entries[1]!['at']},extension-changed,admin,101,,"name, language"`,
    `${entries[2]!['at']},logout,admin,100,HD0001,`,
  ]);

  t.same([future.code, future.stdout, future.stderr], [0, '[]\n', '']);
  t.same([past.code, past.stdout, past.stderr], [0, csv.stdout, '']);
  t.same([badSince.code, badSince.stdout], [2, '']);
  t.equal(
    badSince.stderr,
    'hotdesk: --since: "yesterday" is not an ISO date or time (e.g. 2026-11-01 or 2026-11-01T08:00:00Z)\n',
  );
  t.same([both.code, both.stdout, both.stderr], [2, '', 'hotdesk: choose one of --json and --csv\n']);

  const since = await runCli(paths.dir, ['audit', '--since', entries[1]!['at']!, '--json']);
  t.same(
    (JSON.parse(since.stdout) as { kind: string }[]).map((entry) => entry.kind),
    entries.filter((entry) => entry['at']! >= entries[1]!['at']!).map((entry) => entry['kind']),
    '--since keeps entries at or after the time',
  );
  t.ok((await readFile(paths.store, 'utf8')).length > 0);
});

t.test('remove-phone of a phone in use names the user it logs out', async (t) => {
  const paths = await tempData(t);
  await seedOffice(paths);
  t.equal((await runCli(paths.dir, ['login', '101', '--phone', 'HD0002'])).code, 0);
  const inUse = await runCli(paths.dir, ['remove-phone', 'HD0002']);
  t.same(
    [inUse.code, inUse.stdout, inUse.stderr],
    [0, 'removed HD0002; 101 (Alan Turing) was logged in on it and is logged out\n', ''],
  );
  const idle = await runCli(paths.dir, ['remove-phone', 'HD0001']);
  t.same([idle.code, idle.stdout, idle.stderr], [0, 'removed HD0001\n', ''], 'an idle phone: nobody to name');
});

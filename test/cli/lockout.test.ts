/**
 * `hotdesk unlock` and the locks in `hotdesk status`, as real processes on a
 * seeded office (locks written straight into the store, as the login voice
 * menu would leave them), with and without a running daemon.
 */
import t from 'tap';
import { mkdir } from 'node:fs/promises';
import { cliJson, lines, runCli } from '../support/run-cli.js';
import { loadStoreFile, tempData, writeStoreFile } from '../support/temp-data.js';
import { storedExtension, storedPhone } from '../support/stored-records.js';
import { startDaemon } from '../support/start-daemon.js';
import type { DataPaths } from '../../src/adapters/paths.js';
import type { StoreData } from '../../src/store/schema.js';

const HOUR = 3_600_000;

/** One phone, two extensions; 100, HD0001 and HD0001 for 101 locked for an hour, 101 with two wrong PINs counted. */
async function seedOffice(paths: DataPaths): Promise<{ until: string }> {
  await mkdir(paths.dir, { recursive: true });
  const until = new Date(Date.now() + HOUR).toISOString();
  const extension = (number: string) => storedExtension(number, `User ${number}`, 'scrypt$16384$8$1$c2FsdA==$aGFzaA==');
  await writeStoreFile(paths.store, (data): StoreData => ({
    ...data,
    nextPhoneNumber: 2,
    extensions: [extension('100'), extension('101')],
    phones: [storedPhone(1, '001565aabb01')],
    security: {
      extensions: {
        '100': { failures: 0, level: 2, lockedUntil: until },
        '101': { failures: 2, level: 0, lockedUntil: null },
      },
      phones: { HD0001: { failures: 0, level: 1, lockedUntil: until } },
      pairs: { '101': { HD0001: { failures: 0, level: 3, lockedUntil: until } } },
    },
  }));
  return { until };
}

const shown = (until: string) => `${until.slice(0, 19).replace('T', ' ')} UTC`;

t.test('status lists the locks after the phone table', async (t) => {
  const paths = await tempData(t);
  const { until } = await seedOffice(paths);
  const status = await runCli(paths.dir, ['status']);
  t.same([status.code, status.stderr], [0, '']);
  const text = lines(status.stdout);
  const gap = text.indexOf('');
  t.ok(gap > 1, 'the phone table, then an empty line');
  t.same(
    text.slice(gap + 1).map((line) => line.split(/\s{2,}/)),
    [
      ['LOCKED', 'UNTIL', 'LOCKS', 'RELEASE WITH'],
      ['extension 100', shown(until), '2', 'hotdesk unlock 100'],
      ['phone HD0001', shown(until), '1', 'hotdesk unlock --phone HD0001'],
      ['phone HD0001 for extension 101', shown(until), '3', 'hotdesk unlock 101 --phone HD0001'],
    ],
  );
  const rows = await cliJson<{ name: string; locks: unknown[] }[]>(paths.dir, ['status', '--json']);
  t.ok(Array.isArray(rows) && rows.length === 1, 'status --json stays an array of phone rows');
  t.same(
    rows[0]!.locks,
    [
      { lock: 'phone', until, level: 1 },
      { lock: 'pair', extension: '101', until, level: 3 },
    ],
    "each row names its phone's locks",
  );
});

t.test('unlock with no target lists the locks', async (t) => {
  const paths = await tempData(t);
  const { until } = await seedOffice(paths);
  t.same(await cliJson(paths.dir, ['unlock', '--json']), {
    extensions: [{ extension: '100', until, level: 2 }],
    phones: [{ phone: 'HD0001', until, level: 1 }],
    pairs: [{ phone: 'HD0001', extension: '101', until, level: 3 }],
  });
  const text = await runCli(paths.dir, ['unlock']);
  t.same([text.code, text.stderr], [0, '']);
  t.equal(lines(text.stdout).length, 4, 'a header and three locks');
});

t.test('unlock an extension and a phone, with the audit trail', async (t) => {
  const paths = await tempData(t);
  const { until } = await seedOffice(paths);
  const ext = await runCli(paths.dir, ['unlock', '100']);
  t.same([ext.code, ext.stdout, ext.stderr], [0, 'extension 100 unlocked\n', '']);
  const phone = await runCli(paths.dir, ['unlock', '--phone', '00:15:65:AA:BB:01', '--json']);
  t.same([phone.code, phone.stderr], [0, '']);
  t.same(JSON.parse(phone.stdout), { phone: '00:15:65:AA:BB:01', message: 'phone HD0001 unlocked' });
  const counted = await runCli(paths.dir, ['unlock', '101']);
  t.same([counted.code, counted.stdout], [0, 'extension 101 was not locked; 2 wrong PIN(s) forgotten\n']);
  const pair = await runCli(paths.dir, ['unlock', '101', '--phone', 'hd0001']);
  t.same([pair.code, pair.stdout, pair.stderr], [0, 'phone HD0001 for extension 101 unlocked\n', '']);

  const data = await loadStoreFile(paths.store);
  t.same(data.security, { extensions: {}, phones: {}, pairs: {} });
  t.match(
    data.audit.filter((entry) => entry.kind === 'unlocked'),
    [
      { actor: 'admin', extension: '100', detail: `was locked until ${until} (lock 2)` },
      { actor: 'admin', phone: 'HD0001' },
      { actor: 'admin', extension: '101' },
      { actor: 'admin', extension: '101', phone: 'HD0001', detail: `was locked until ${until} (lock 3)` },
    ],
  );
  const after = await runCli(paths.dir, ['unlock']);
  t.same([after.code, after.stdout], [0, 'nothing is locked\n']);
  const status = await runCli(paths.dir, ['status']);
  t.notMatch(status.stdout, /LOCKED/, 'status shows no lock table any more');
});

t.test('unlock refusals and usage', async (t) => {
  const paths = await tempData(t);
  await seedOffice(paths);
  const cases: [string[], number, RegExp][] = [
    [['unlock', '100', '--phone'], 2, /argument missing/],
    [['unlock', '999'], 1, /^hotdesk: no extension 999 /],
    [['unlock', '--phone', 'HD0042'], 1, /^hotdesk: no hot-desk phone "HD0042"/],
  ];
  for (const [args, code, stderr] of cases) {
    const result = await runCli(paths.dir, args);
    t.equal(result.code, code, args.join(' '));
    t.match(result.stderr, stderr);
  }
  await runCli(paths.dir, ['unlock', '101']);
  const again = await runCli(paths.dir, ['unlock', '101']);
  t.same([again.code, again.stderr], [1, 'hotdesk: extension 101 is not locked and has no wrong PINs counted\n']);
});

t.test('through a running daemon the same', async (t) => {
  const paths = await tempData(t);
  await seedOffice(paths);
  const daemon = await startDaemon(t, paths.dir);
  const result = await runCli(paths.dir, ['unlock', '100']);
  t.same([result.code, result.stdout, result.stderr], [0, 'extension 100 unlocked\n', '']);
  const refused = await runCli(paths.dir, ['unlock', '100']);
  t.same([refused.code, refused.stderr], [1, 'hotdesk: extension 100 is not locked and has no wrong PINs counted\n']);
  const policy = await runCli(paths.dir, ['policy', 'multi-login', 'allow']);
  t.equal(policy.code, 0, policy.stderr);
  await daemon.stop();
  const data = await loadStoreFile(paths.store);
  t.notOk('100' in data.security.extensions, 'the daemon wrote the unlock');
  t.equal(data.settings.policies['multiLogin'], 'allow');
});

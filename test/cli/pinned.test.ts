/**
 * `hotdesk phone set NAME --pinned EXT | --no-pinned` as real processes on a
 * seeded office (no daemon: the CLI writes under the lock): the phone is
 * logged in as EXT and stays so; `login`, `logout` and `status` around it.
 */
import t from 'tap';
import { mkdir } from 'node:fs/promises';
import { lines, runCli } from '../support/run-cli.js';
import { loadStoreFile, tempData, writeStoreFile } from '../support/temp-data.js';
import { storedExtension, storedPhone } from '../support/stored-records.js';
import { hashPin } from '../../src/adapters/pin-hash.js';

t.test('pin, refuse, show, unpin', async (t) => {
  const paths = await tempData(t);
  await mkdir(paths.dir, { recursive: true });
  const pinHash = await hashPin('739164');
  await writeStoreFile(paths.store, (data) => ({
    ...data,
    nextPhoneNumber: 3,
    extensions: [storedExtension('100', 'Ada Lovelace', pinHash), storedExtension('101', 'Alan Turing', pinHash)],
    phones: [storedPhone(1, '001565aabb01'), storedPhone(2, '001565aabb02')],
  }));

  const login = await runCli(paths.dir, ['login', '101', '--phone', 'HD0001']);
  t.equal(login.code, 0);
  const pin = await runCli(paths.dir, ['phone', 'set', 'hd0001', '--pinned', '100']);
  t.same([pin.code, pin.stdout, pin.stderr], [0, 'HD0001 is pinned to 100\n  101 logged out of HD0001\n', '']);
  const stored = await loadStoreFile(paths.store);
  t.match(
    stored.phones[0],
    { name: 'HD0001', pinned: '100', session: { extension: '100' }, desiredGeneration: 3 },
    'logged in as 100 and re-provisioned',
  );

  const status = await runCli(paths.dir, ['status']);
  t.same([status.code, status.stderr], [0, '']);
  const rows = lines(status.stdout).map((line) => line.split(/\s{2,}/));
  t.same(
    rows.map((row) => [row[0], row[3], row[4]]),
    [
      ['PHONE', 'STATE', 'EXT'],
      ['HD0001', 'pinned', '100'],
      ['HD0002', 'idle', '-'],
    ],
    'status lists it, marked pinned',
  );
  const statusJson = JSON.parse((await runCli(paths.dir, ['status', '--json'])).stdout) as Record<string, unknown>[];
  t.match(statusJson[0], { name: 'HD0001', state: 'logged-in', extension: '100', pinned: '100' });
  t.notOk('pinned' in statusJson[1]!, 'an unpinned phone has no pinned member');
  const phones = await runCli(paths.dir, ['phones']);
  t.same(
    lines(phones.stdout).map((line) => line.split(/\s{2,}/)[4]),
    ['STATE', 'pinned: 100', 'idle'],
  );

  const refused: [string[], string][] = [
    [
      ['logout', '--phone', 'HD0001'],
      'hotdesk: HD0001 is pinned to extension 100 (hotdesk phone set HD0001 --no-pinned unpins it)\n',
    ],
    [
      ['logout', '100'],
      'hotdesk: HD0001 is pinned to extension 100 (hotdesk phone set HD0001 --no-pinned unpins it)\n',
    ],
    [
      ['login', '101', '--phone', 'HD0001'],
      'hotdesk: HD0001 is pinned to extension 100 (hotdesk phone set HD0001 --no-pinned unpins it)\n',
    ],
    [['phone', 'set', 'HD0001', '--pinned', '555'], 'hotdesk: no extension 555 (hotdesk extension list shows them)\n'],
    [
      ['phone', 'set', 'HD0009', '--pinned', '100'],
      'hotdesk: no hot-desk phone "HD0009" (hotdesk phones lists them)\n',
    ],
  ];
  for (const [args, stderr] of refused) {
    const result = await runCli(paths.dir, args);
    t.same([result.code, result.stdout, result.stderr], [1, '', stderr], args.join(' '));
  }
  const usage = await runCli(paths.dir, ['phone', 'set', 'HD0001']);
  t.same(
    [usage.code, usage.stdout, usage.stderr],
    [
      2,
      '',
      'hotdesk: phone set needs --pinned EXT, --no-pinned, or a location (--building, --floor, --room, ' +
        '--emergency-callback)\n',
    ],
  );

  // 100 logs in on HD0002 under the exclusive policy: the pinned phone stays; --all passes it over.
  const elsewhere = await runCli(paths.dir, ['login', '100', '--phone', 'HD0002', '--json']);
  t.same(JSON.parse(elsewhere.stdout), { released: [], reprovision: ['HD0002'] });
  const all = await runCli(paths.dir, ['logout', '--all']);
  t.same([all.code, all.stdout], [0, '1 phone(s) logged out\n  100 logged out of HD0002\n']);
  t.match((await loadStoreFile(paths.store)).phones[0], { pinned: '100', session: { extension: '100' } });

  const unpin = await runCli(paths.dir, ['phone', 'set', 'HD0001', '--no-pinned', '--json']);
  t.same([unpin.code, unpin.stderr], [0, '']);
  t.same(JSON.parse(unpin.stdout), { phone: 'HD0001', pinned: null, extension: '100', released: [], reprovision: [] });
  const logout = await runCli(paths.dir, ['logout', '--phone', 'HD0001']);
  t.same(
    [logout.code, logout.stdout],
    [0, '1 phone(s) logged out\n  100 logged out of HD0001\n'],
    'once unpinned it can be logged out',
  );

  const audit = (await loadStoreFile(paths.store)).audit
    .filter((entry) => entry.phone === 'HD0001')
    .map((entry) => [entry.kind, entry.extension, entry.detail ?? '']);
  t.same(audit, [
    ['login', '101', ''],
    ['logout', '101', 'phone pinned to 100'],
    ['login', '100', 'pinned'],
    ['settings-changed', '100', 'pinned to 100'],
    ['settings-changed', '100', 'unpinned from 100'],
    ['logout', '100', ''],
  ]);
});

/**
 * `hotdesk emergency notify add|remove|list`, `settings set emergency-callback-minutes`
 * and the ALERT line of `hotdesk status` as real processes.
 */
import t from 'tap';
import { runCli } from '../support/run-cli.js';
import { loadStoreFile, tempData, writeStoreFile } from '../support/temp-data.js';

t.test('emergency notify add, list, remove', async (t) => {
  const paths = await tempData(t);
  for (const number of ['100', '101']) {
    const added = await runCli(paths.dir, [
      'extension',
      'add',
      number,
      '--name',
      `User ${number}`,
      '--password',
      `secret-${number}-long`,
      '--pin',
      '2468',
    ]);
    t.equal(added.code, 0, added.stderr);
  }
  const empty = await runCli(paths.dir, ['emergency', 'notify', 'list']);
  t.same(
    [empty.code, empty.stdout],
    [0, 'no extension is told of emergency calls (hotdesk emergency notify add EXT)\n'],
  );
  t.same(
    [
      (await runCli(paths.dir, ['emergency', 'notify', 'add', '100'])).stdout,
      (await runCli(paths.dir, ['emergency', 'notify', 'add', '101'])).stdout,
    ],
    ['extensions told of emergency calls: 100\n', 'extensions told of emergency calls: 100, 101\n'],
  );
  const unknown = await runCli(paths.dir, ['emergency', 'notify', 'add', '555']);
  t.same([unknown.code, unknown.stderr], [1, 'hotdesk: no extension 555 (hotdesk extension list shows them)\n']);
  const list = await runCli(paths.dir, ['emergency', 'notify', 'list']);
  t.same([list.code, list.stdout], [0, '100\n101\n']);
  t.same(JSON.parse((await runCli(paths.dir, ['emergency', 'notify', 'list', '--json'])).stdout), {
    notify: ['100', '101'],
    callbackMinutes: 60,
  });
  t.equal((await runCli(paths.dir, ['emergency', 'notify', 'remove', '100'])).code, 0);
  const notTold = await runCli(paths.dir, ['emergency', 'notify', 'remove', '100']);
  t.equal(notTold.code, 1);
  t.match(notTold.stderr, /emergency notify: "100" is not valid \(expected one of the extensions told: 101\)/);
  t.same((await loadStoreFile(paths.store)).emergency?.notify, ['101']);
});

t.test('settings set emergency-callback-minutes', async (t) => {
  const paths = await tempData(t);
  const set = await runCli(paths.dir, ['settings', 'set', 'emergency-callback-minutes', '90']);
  t.same([set.code, set.stdout, set.stderr], [0, 'emergency-callback-minutes is 90\n', '']);
  t.match((await runCli(paths.dir, ['settings'])).stdout, /^emergency-callback-minutes 90$/m);
  t.equal(JSON.parse((await runCli(paths.dir, ['settings', '--json'])).stdout).emergencyCallbackMinutes, 90);
  for (const bad of ['-5', '2000', 'soon', '1.5']) {
    const refused = await runCli(paths.dir, ['settings', 'set', 'emergency-callback-minutes', bad]);
    t.equal(refused.code, 1, `${bad} refused`);
    t.match(
      refused.stderr,
      /emergency-callback-minutes: .* is not valid \(expected whole minutes from 0 \(off\) to 1440\)/,
    );
  }
  t.equal((await loadStoreFile(paths.store)).emergency?.callbackMinutes, 90, 'unchanged by the refusals');
});

t.test('status shows an emergency call of the last hour as an ALERT, not an older one', async (t) => {
  const paths = await tempData(t);
  t.equal((await runCli(paths.dir, ['settings', 'set', 'language', 'en'])).code, 0, 'the store exists');
  const recent = new Date(Date.now() - 5 * 60_000).toISOString();
  const old = new Date(Date.now() - 61 * 60_000).toISOString();
  await writeStoreFile(paths.store, (data) => ({
    ...data,
    emergency: {
      active: [
        { at: old, number: '911', account: 'HD0002', phone: 'HD0002' },
        {
          at: recent,
          number: '112',
          account: '101',
          phone: 'HD0003',
          extension: '101',
          user: 'Ada Lovelace',
          location: 'building A, floor 2, room 214',
        },
      ],
    },
  }));
  const status = await runCli(paths.dir, ['status']);
  t.equal(status.code, 0);
  const alerts = status.stdout.split('\n').filter((line) => line.startsWith('ALERT'));
  t.equal(alerts.length, 1, 'one alert: the hour-old call is not shown');
  t.match(
    alerts[0],
    new RegExp(
      String.raw`^ALERT emergency call from desk HD0003, building A, floor 2, room 214, by ` +
        String.raw`Ada Lovelace, extension 101, to 112, at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$`,
    ),
  );
});

/** `hotdesk policy` and `hotdesk policy multi-login` as real processes, and logins following the policy. */
import t from 'tap';
import { cliJson, runCli } from '../support/run-cli.js';
import { exists, loadStoreFile, tempData } from '../support/temp-data.js';
import { POLICY_DEFAULTS } from '../../src/core/policies.js';

t.test('show and set the multi-login policy', async (t) => {
  const paths = await tempData(t);
  const shown = await runCli(paths.dir, ['policy']);
  t.same([shown.code, shown.stderr], [0, '']);
  t.same(
    shown.stdout
      .split('\n')
      .slice(0, 2)
      .map((line) => line.split(/\s{2,}/)),
    [
      ['POLICY', 'VALUE', 'MEANING'],
      ['multi-login', 'exclusive', 'logging in on another phone logs the user out of the old one'],
    ],
  );
  // The defaults' values are pinned in test/core/policies.test.ts.
  t.same(await cliJson(paths.dir, ['policy', '--json']), POLICY_DEFAULTS);

  const set = await runCli(paths.dir, ['policy', 'multi-login', 'deny']);
  t.same(
    [set.code, set.stdout, set.stderr],
    [0, 'multi-login policy is deny: logging in on a second phone is refused\n', ''],
  );
  t.same(await cliJson(paths.dir, ['policy', 'multi-login', '--json']), { multiLogin: 'deny' });
  t.same(await cliJson(paths.dir, ['policy', '--json', 'multi-login', 'allow']), { multiLogin: 'allow' });
  t.same(
    await cliJson(paths.dir, ['policy', 'multi-login', 'allow', '--json']),
    { multiLogin: 'allow' },
    'unchanged is fine',
  );
  const one = await runCli(paths.dir, ['policy', 'multi-login']);
  t.same(
    [one.code, one.stdout],
    [0, 'multi-login policy is allow: a user may be logged in on several phones at once\n'],
  );

  const data = await loadStoreFile(paths.store);
  t.same(data.settings.policies, { multiLogin: 'allow' });
  t.match(
    data.audit.filter((entry) => entry.kind === 'settings-changed').map((entry) => entry.detail),
    ['multi-login policy exclusive to deny', 'multi-login policy deny to allow'],
  );
});

t.test('bad values and names', async (t) => {
  const paths = await tempData(t);
  const bad = await runCli(paths.dir, ['policy', 'multi-login', 'sometimes']);
  t.same(
    [bad.code, bad.stdout, bad.stderr],
    [1, '', 'hotdesk: multi-login: "sometimes" is not valid (expected exclusive, deny, allow)\n'],
  );
  const unknown = await runCli(paths.dir, ['policy', 'coffee', 'strong']);
  t.equal(unknown.code, 2, 'an unknown policy is a usage error');
});

t.test('deny refuses a second login, allow keeps both', async (t) => {
  const paths = await tempData(t);
  const setup = [
    ['extension', 'add', '100', '--name', 'Ada', '--password', 'k7Qw9xZt3m', '--pin', '4071', '--hotdesk'],
    ['add-phone', '--model', 'yealink-t54w', '--mac', '00:15:65:00:00:01'],
    ['add-phone', '--model', 'yealink-t54w', '--mac', '00:15:65:00:00:02'],
    ['login', '100', '--phone', 'HD0001'],
    ['policy', 'multi-login', 'deny'],
  ];
  for (const args of setup) {
    const result = await runCli(paths.dir, args);
    t.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
  }
  const denied = await runCli(paths.dir, ['login', '100', '--phone', 'HD0002']);
  t.same(
    [denied.code, denied.stderr],
    [1, 'hotdesk: extension 100 is already logged in on HD0001 and the multi-login policy is deny\n'],
  );
  t.equal((await runCli(paths.dir, ['policy', 'multi-login', 'allow'])).code, 0);
  t.equal((await runCli(paths.dir, ['login', '100', '--phone', 'HD0002'])).code, 0);
  const rows = await cliJson<{ name: string; extension: string | null }[]>(paths.dir, ['status', '--json']);
  t.same(
    rows.map((row) => [row.name, row.extension]),
    [
      ['HD0001', '100'],
      ['HD0002', '100'],
    ],
  );
  const back = await runCli(paths.dir, ['policy', 'multi-login', 'exclusive']);
  t.same(
    [back.code, back.stderr],
    [0, 'warning: 100 stays logged in on HD0001, HD0002 until it logs in again or is logged out\n'],
  );
});

t.test('every policy is listed with its default and meaning', async (t) => {
  const paths = await tempData(t);
  const shown = await runCli(paths.dir, ['policy']);
  t.same([shown.code, shown.stderr], [0, '']);
  t.same(
    shown.stdout
      .trimEnd()
      .split('\n')
      .map((line) => line.split(/\s{2,}/)),
    [
      ['POLICY', 'VALUE', 'MEANING'],
      ['multi-login', 'exclusive', 'logging in on another phone logs the user out of the old one'],
      ['auto-logout', 'off', 'no scheduled logout'],
      ['max-session', 'off', 'sessions last until logged out'],
      ['idle-logout', 'off', 'no logout for idleness'],
      ['warning', '5m', 'the phone is called 5m before a policy logout; 1 stays logged in'],
      ['extend', '1h', 'pressing 1 at the warning postpones the logout by 1h, once'],
      ['backups', '14', 'the last 14 store backups are kept in data/backups/'],
      ['backup-at', '30 2 * * *', 'the store is backed up at "30 2 * * *" (office time zone)'],
    ],
  );
});

t.test('schedules, durations and backups: set, shown, audited, turned off', async (t) => {
  const paths = await tempData(t);
  const runs: [string[], string][] = [
    [
      ['policy', 'auto-logout', '0 20 * * 1-5'],
      'auto-logout policy is 0 20 * * 1-5: everyone is logged out at "0 20 * * 1-5" (office time zone)\n',
    ],
    [['policy', 'max-session', '10h'], 'max-session policy is 10h: a session ends after 10h\n'],
    [
      ['policy', 'idle-logout', '1h30m'],
      'idle-logout policy is 1h30m: a session ends after 1h30m without a call made or received\n',
    ],
    [
      ['policy', 'warning', '10m'],
      'warning policy is 10m: the phone is called 10m before a policy logout; 1 stays logged in\n',
    ],
    [
      ['policy', 'extend', '30m'],
      'extend policy is 30m: pressing 1 at the warning postpones the logout by 30m, once\n',
    ],
    [['policy', 'backups', '7'], 'backups policy is 7: the last 7 store backups are kept in data/backups/\n'],
    [
      ['policy', 'backup-at', '0 3 * * *'],
      'backup-at policy is 0 3 * * *: the store is backed up at "0 3 * * *" (office time zone)\n',
    ],
    [['policy', 'max-session'], 'max-session policy is 10h: a session ends after 10h\n'],
  ];
  for (const [args, stdout] of runs) {
    const result = await runCli(paths.dir, args);
    t.same([result.code, result.stdout, result.stderr], [0, stdout, ''], args.join(' '));
  }
  t.same(await cliJson(paths.dir, ['policy', 'idle-logout', '--json']), { idleLogoutMinutes: 90 });
  t.same(await cliJson(paths.dir, ['policy', '--json', 'max-session', 'off']), { maxSessionMinutes: null });
  const off = await runCli(paths.dir, ['policy', 'auto-logout', 'off']);
  t.same([off.code, off.stdout], [0, 'auto-logout policy is off: no scheduled logout\n']);
  const data = await loadStoreFile(paths.store);
  t.same(data.settings.policies, {
    autoLogoutAt: null,
    maxSessionMinutes: null,
    idleLogoutMinutes: 90,
    warningMinutes: 10,
    extendMinutes: 30,
    backupKeep: 7,
    backupAt: '0 3 * * *',
  });
  t.same(
    data.audit.filter((entry) => entry.kind === 'settings-changed').map((entry) => entry.detail),
    [
      'auto-logout policy off to 0 20 * * 1-5',
      'max-session policy off to 10h',
      'idle-logout policy off to 1h30m',
      'warning policy 5m to 10m',
      'extend policy 1h to 30m',
      'backups policy 14 to 7',
      'backup-at policy 30 2 * * * to 0 3 * * *',
      'max-session policy 10h to off',
      'auto-logout policy 0 20 * * 1-5 to off',
    ],
  );
});

t.test('invalid schedules and durations are refused when saved', async (t) => {
  const paths = await tempData(t);
  const cases: [string[], string][] = [
    [
      ['policy', 'auto-logout', '0 25 * * *'],
      'hotdesk: auto-logout: "0 25 * * *" is not valid (expected a cron expression such as "0 20 * * 1-5" or ' +
        'off: hour "25" is not valid (0-23, *, lists, ranges, /steps))\n',
    ],
    [
      ['policy', 'auto-logout', '0 20 * *'],
      'hotdesk: auto-logout: "0 20 * *" is not valid (expected a cron expression such as "0 20 * * 1-5" or off: ' +
        'expected five fields (minute hour day-of-month month day-of-week), got 4)\n',
    ],
    [
      ['policy', 'max-session', '10'],
      'hotdesk: max-session: "10" is not valid (expected a duration from 1m to 30d, such as 90m, 10h or 1d, or off)\n',
    ],
    [
      ['policy', 'idle-logout', 'soon'],
      'hotdesk: idle-logout: "soon" is not valid (expected a duration from 1m to 30d, such as 90m, 10h or 1d, ' +
        'or off)\n',
    ],
    [
      ['policy', 'extend', 'off'],
      'hotdesk: extend: "off" is not valid (expected a duration from 1m to 30d, such as 30m or 1h)\n',
    ],
    [
      ['policy', 'backups', 'lots'],
      'hotdesk: backups: "lots" is not valid (expected a number of backups to keep, 1 to 1000, or off)\n',
    ],
  ];
  for (const [args, stderr] of cases) {
    const result = await runCli(paths.dir, args);
    t.same([result.code, result.stdout, result.stderr], [1, '', stderr], args.join(' '));
  }
  t.notOk(
    (await exists(paths.store)) && Object.keys((await loadStoreFile(paths.store)).settings.policies).length > 0,
    'nothing stored',
  );
});

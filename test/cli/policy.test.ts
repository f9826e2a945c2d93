/** `hotdesk policy` and `hotdesk policy multi-login` as real processes, and logins following the policy. */
import t from 'tap';
import { cliJson, runCli } from '../support/run-cli.js';
import { loadStoreFile, tempData } from '../support/temp-data.js';

t.test('show and set the multi-login policy', async (t) => {
  const paths = await tempData(t);
  const shown = await runCli(paths.dir, ['policy']);
  t.same([shown.code, shown.stderr], [0, '']);
  t.same(shown.stdout.split('\n').slice(0, 2).map((line) => line.split(/\s{2,}/)), [
    ['POLICY', 'VALUE', 'MEANING'],
    ['multi-login', 'exclusive', 'logging in on another phone logs the user out of the old one'],
  ]);
  t.same(await cliJson(paths.dir, ['policy', '--json']), { multiLogin: 'exclusive' });

  const set = await runCli(paths.dir, ['policy', 'multi-login', 'deny']);
  t.same([set.code, set.stdout, set.stderr], [0, 'multi-login policy is deny: logging in on a second phone is refused\n', '']);
  t.same(await cliJson(paths.dir, ['policy', 'multi-login', '--json']), { multiLogin: 'deny' });
  t.same(await cliJson(paths.dir, ['policy', '--json', 'multi-login', 'allow']), { multiLogin: 'allow' });
  t.same(await cliJson(paths.dir, ['policy', 'multi-login', 'allow', '--json']), { multiLogin: 'allow' }, 'unchanged is fine');
  const one = await runCli(paths.dir, ['policy', 'multi-login']);
  t.same([one.code, one.stdout], [0, 'multi-login policy is allow: a user may be logged in on several phones at once\n']);

  const data = await loadStoreFile(paths.store);
  t.same(data.settings.policies, { multiLogin: 'allow' });
  t.match(data.audit.filter((entry) => entry.kind === 'settings-changed').map((entry) => entry.detail), [
    'multi-login policy exclusive to deny',
    'multi-login policy deny to allow',
  ]);
});

t.test('bad values and names', async (t) => {
  const paths = await tempData(t);
  const bad = await runCli(paths.dir, ['policy', 'multi-login', 'sometimes']);
  t.same([bad.code, bad.stdout, bad.stderr], [1, '', 'hotdesk: multi-login: "sometimes" is not valid (expected exclusive, deny, allow)\n']);
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
  t.same([denied.code, denied.stderr], [1, 'hotdesk: extension 100 is already logged in on HD0001 and the multi-login policy is deny\n']);
  t.equal((await runCli(paths.dir, ['policy', 'multi-login', 'allow'])).code, 0);
  t.equal((await runCli(paths.dir, ['login', '100', '--phone', 'HD0002'])).code, 0);
  const rows = await cliJson<{ name: string; extension: string | null }[]>(paths.dir, ['status', '--json']);
  t.same(rows.map((row) => [row.name, row.extension]), [['HD0001', '100'], ['HD0002', '100']]);
  const back = await runCli(paths.dir, ['policy', 'multi-login', 'exclusive']);
  t.same([back.code, back.stderr], [0, 'warning: 100 stays logged in on HD0001, HD0002 until it logs in again or is logged out\n']);
});

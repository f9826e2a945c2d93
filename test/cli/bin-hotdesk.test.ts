/**
 * The installed command itself: `bin/hotdesk` (over dist/) starts, prints its
 * help and version, runs a command on a data directory, and ends with the exit
 * code of a refusal. The other CLI tests run the same code in their own process.
 */
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, runCliProcess } from '../support/run-cli.js';
import { loadStoreFile, tempData } from '../support/temp-data.js';

t.test('bin/hotdesk runs as a process', async (t) => {
  const paths = await tempData(t);
  const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const [help, shown, unknown] = await Promise.all([
    runCliProcess(undefined, ['--help']),
    runCliProcess(undefined, ['--version']),
    runCliProcess(paths.dir, ['no-such-command']),
  ]);
  t.same([help.code, help.signal, help.stderr], [0, null, ''], '--help exits 0');
  t.match(help.stdout, /^Usage: hotdesk \[options\] \[command\]/);
  t.same([shown.code, shown.stdout, shown.stderr], [0, `${version}\n`, ''], '--version');
  t.equal(unknown.code, 2, 'an unknown command is a usage error');
  t.match(unknown.stderr, /^hotdesk: unknown command "no-such-command"/);

  const added = await runCliProcess(paths.dir, [
    'add-phone',
    '--model',
    'yealink-t54w',
    '--mac',
    '001565aabbcc',
    '--json',
  ]);
  t.same([added.code, added.stderr], [0, ''], 'add-phone succeeds');
  t.match(JSON.parse(added.stdout), { name: 'HD0001', mac: '00:15:65:aa:bb:cc' });
  t.equal((await loadStoreFile(paths.store)).phones.length, 1, 'and wrote the store');

  const refused = await runCliProcess(paths.dir, ['add-phone', '--model', 'yealink-t54w', '--mac', '001565aabbcc']);
  t.same([refused.code, refused.stdout], [1, ''], 'a refusal exits 1');
  t.match(refused.stderr, /^hotdesk: a phone with MAC 00:15:65:aa:bb:cc is already in the pool as HD0001\n$/);
});

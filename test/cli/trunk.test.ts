/** `hotdesk trunk set --from` as a real process: the trunk's other source addresses, shown and validated. */
import t from 'tap';
import { runCli } from '../support/run-cli.js';
import { loadStoreFile, tempData } from '../support/temp-data.js';

t.test('trunk set --from, trunk show', async (t) => {
  const paths = await tempData(t);
  const set = await runCli(paths.dir, [
    'trunk',
    'set',
    'sip:198.51.100.1;transport=tcp',
    '--from',
    '198.51.100.2, 2001:db8::2',
  ]);
  t.same([set.code, set.stderr], [0, '']);
  t.same((await loadStoreFile(paths.store)).settings.trunk, {
    uri: 'sip:198.51.100.1;transport=tcp',
    from: ['198.51.100.2', '2001:db8::2'],
  });
  const shown = await runCli(paths.dir, ['trunk', 'show']);
  t.same([shown.code, shown.stdout], [0, 'sip:198.51.100.1;transport=tcp, also from 198.51.100.2, 2001:db8::2\n']);
  t.same(JSON.parse((await runCli(paths.dir, ['trunk', 'show', '--json'])).stdout).from, [
    '198.51.100.2',
    '2001:db8::2',
  ]);
  const bad = await runCli(paths.dir, ['trunk', 'set', 'sip:198.51.100.1', '--from', 'trunk2.example']);
  t.equal(bad.code, 1, 'a host name is refused');
  t.match(bad.stderr, /--from takes IP addresses/);
  t.same(
    (await loadStoreFile(paths.store)).settings.trunk?.from,
    ['198.51.100.2', '2001:db8::2'],
    'and nothing changed',
  );
});

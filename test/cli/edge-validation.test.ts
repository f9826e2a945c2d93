/**
 * Values refused at the edge, each in one line with exit 1 and the store untouched:
 * addresses, phone MACs, extension numbers beside others, BLF lists no phone can show.
 */
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { runCli } from '../support/run-cli.js';
import { tempData } from '../support/temp-data.js';

function addExtension(dir: string, number: string) {
  return runCli(dir, ['extension', 'add', number, '--name', 'Ada', '--password', 'Sip-Password-123', '--pin', '4826']);
}

t.test('addresses: 999.1.1.1 is refused, IPv4, IPv6 and host names pass', async (t) => {
  const paths = await tempData(t);
  t.equal((await runCli(paths.dir, ['settings', 'set', 'time-zone', 'Europe/Rome'])).code, 0, 'the store is created');
  const snapshot = await readFile(paths.store);
  for (const bad of ['999.1.1.1', '10.0.0', 'pbx..example.net']) {
    const result = await runCli(paths.dir, ['settings', 'set', 'address', bad]);
    t.same([result.code, result.stdout], [1, ''], `${bad} is refused`);
    t.equal(
      result.stderr,
      `hotdesk: address: "${bad}" is not valid (expected an IPv4 address, an IPv6 address or a host name)\n`,
    );
  }
  t.same(await readFile(paths.store), snapshot, 'refusals change nothing');
  for (const good of ['192.168.1.10', '2001:db8::10', 'pbx.example.net']) {
    t.equal((await runCli(paths.dir, ['settings', 'set', 'address', good])).code, 0, `${good} is accepted`);
  }
});

t.test('MACs: broadcast, all-zero and multicast MACs are no phone', async (t) => {
  const paths = await tempData(t);
  t.equal((await runCli(paths.dir, ['settings', 'set', 'time-zone', 'Europe/Rome'])).code, 0, 'the store is created');
  const snapshot = await readFile(paths.store);
  const cases: [string, string][] = [
    ['ff:ff:ff:ff:ff:ff', 'ff:ff:ff:ff:ff:ff is the broadcast address, no phone'],
    ['00:00:00:00:00:00', 'the all-zero MAC is no phone'],
    ['01:00:5e:00:00:01', 'a multicast MAC (odd first octet) is no phone'],
  ];
  for (const [mac, why] of cases) {
    const result = await runCli(paths.dir, ['add-phone', '--model', 'yealink-t54w', '--mac', mac]);
    t.same(
      [result.code, result.stdout, result.stderr],
      [1, '', `hotdesk: MAC ${mac} refused: ${why}\n`],
      `${mac} is refused`,
    );
  }
  t.same(await readFile(paths.store), snapshot, 'refusals change nothing');
});

t.test('extensions: no leading zero unless the office allows it, never 0101 beside 101', async (t) => {
  const paths = await tempData(t);
  t.equal((await addExtension(paths.dir, '101')).code, 0);
  const leading = await addExtension(paths.dir, '0102');
  t.same(
    [leading.code, leading.stdout, leading.stderr],
    [
      1,
      '',
      'hotdesk: extension 0102 refused: extensions do not start with 0 here (hotdesk settings set leading-zero ' +
        'yes allows it)\n',
    ],
  );
  t.equal((await runCli(paths.dir, ['settings', 'set', 'leading-zero', 'yes'])).code, 0);
  t.equal((await addExtension(paths.dir, '0102')).code, 0, 'allowed once the office says so');
  const twin = await addExtension(paths.dir, '0101');
  t.same(
    [twin.code, twin.stdout, twin.stderr],
    [1, '', 'hotdesk: extension 0101 refused: 0101 and 101 differ only by leading zeros\n'],
  );
});

t.test('BLF: a list longer than the largest model is refused, naming what fits on each model', async (t) => {
  const paths = await tempData(t);
  t.equal((await addExtension(paths.dir, '101')).code, 0);
  const snapshot = await readFile(paths.store);
  const targets = Array.from({ length: 200 }, (_, i) => String(200 + i));
  const result = await runCli(paths.dir, ['blf', 'set', '101', ...targets]);
  t.same([result.code, result.stdout], [1, '']);
  t.match(
    result.stderr,
    new RegExp(
      String.raw`^hotdesk: BLF list of 101 refused: 200 BLF positions fit on no phone ` +
        String.raw`\(at most \d+; per model: [a-z0-9-]+ \d+(, [a-z0-9-]+ \d+)+\)\n$`,
    ),
  );
  t.match(result.stderr, /yealink-t54w \d+/, 'names the count of each model');
  t.same(await readFile(paths.store), snapshot, 'refusal changes nothing');
  t.equal((await runCli(paths.dir, ['blf', 'set', '101', '102', '-', '103'])).code, 0, 'a short list passes');
});

t.test('logout 103x says it is not an extension', async (t) => {
  const paths = await tempData(t);
  const result = await runCli(paths.dir, ['logout', '103x']);
  t.same(
    [result.code, result.stdout, result.stderr],
    [1, '', 'hotdesk: "103x" is not a valid extension (2 to 8 digits)\n'],
  );
});

t.test('login 101 --phone MAC answers with the phone name', async (t) => {
  const paths = await tempData(t);
  t.equal(
    (
      await runCli(paths.dir, [
        'extension',
        'add',
        '101',
        '--name',
        'Ada',
        '--password',
        'Sip-Password-123',
        '--pin',
        '4826',
        '--hotdesk',
      ])
    ).code,
    0,
  );
  t.equal((await runCli(paths.dir, ['add-phone', '--model', 'yealink-t54w', '--mac', '00:15:65:aa:bb:cc'])).code, 0);
  const login = await runCli(paths.dir, ['login', '101', '--phone', '00:15:65:aa:bb:cc']);
  t.same([login.code, login.stdout, login.stderr], [0, '101 logged in on HD0001\n', '']);
});

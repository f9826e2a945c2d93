/**
 * `hotdesk` as a real process, no daemon: help, version, models, the phone
 * pool, status and settings — stdout, stderr and exit code every time.
 */
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, cliJson, lines, runCli } from '../support/run-cli.js';
import { exists, loadStoreFile, modeOf, tempData } from '../support/temp-data.js';

const COMMANDS = [
  'status',
  'models',
  'add-phone',
  'remove-phone',
  'phones',
  'extension',
  'blf',
  'login',
  'logout',
  'dial-codes',
  'emergency',
  'audit',
  'settings',
];
const SUBCOMMANDS: [string, string[]][] = [
  ['extension', ['add', 'set', 'remove', 'list']],
  ['blf', ['set', 'show']],
  ['dial-codes', ['set', 'remove']],
  ['emergency', ['add', 'remove', 'list']],
  ['settings', ['set']],
];

t.test('help, version and no command', async (t) => {
  const paths = await tempData(t);
  const help = await runCli(paths.dir, ['--help']);
  t.equal(help.code, 0);
  t.equal(help.stderr, '');
  t.match(help.stdout, /^Usage: hotdesk \[options\] \[command\]/);
  for (const command of COMMANDS) t.match(help.stdout, new RegExp(`^  ${command}\\b`, 'm'), `--help lists ${command}`);

  const subHelps = await Promise.all(SUBCOMMANDS.map(([command]) => runCli(paths.dir, [command, '--help'])));
  SUBCOMMANDS.forEach(([command, verbs], i) => {
    const result = subHelps[i]!;
    t.equal(result.code, 0, `${command} --help exits 0`);
    t.equal(result.stderr, '');
    for (const verb of verbs)
      t.match(result.stdout, new RegExp(`^  ${verb}\\b`, 'm'), `${command} --help lists ${verb}`);
  });

  const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const shown = await runCli(paths.dir, ['--version']);
  t.same([shown.code, shown.stdout, shown.stderr], [0, `${version}\n`, '']);

  // Not on a terminal, no command prints the help instead of starting the dashboard.
  const bare = await runCli(paths.dir, []);
  t.equal(bare.code, 0);
  t.match(bare.stdout, /^Usage: hotdesk/);
  t.equal(bare.stderr, '');
  t.notOk(await exists(paths.dir), 'help writes nothing');
});

t.test('models', async (t) => {
  const paths = await tempData(t);
  const [text, json] = await Promise.all([runCli(paths.dir, ['models']), runCli(paths.dir, ['models', '--json'])]);
  t.equal(text.code, 0);
  t.equal(text.stderr, '');
  const rows = lines(text.stdout);
  t.match(rows[0], /^ID\s+VENDOR\s+MODEL\s+KEYS$/);
  t.match(text.stdout, /^yealink-t54w\s+yealink\s+T54W\s+\d+$/m);

  t.equal(json.code, 0);
  t.equal(json.stderr, '');
  const models = JSON.parse(json.stdout) as { id: string; vendor: string; name: string; keys: number }[];
  t.ok(Array.isArray(models) && models.length > 0);
  t.equal(models.length, rows.length - 1, 'the table and the JSON list the same models');
  t.equal(new Set(models.map((model) => model.id)).size, models.length, 'ids are unique');
  for (const model of models) {
    t.match(model, { id: String, vendor: String, name: String, keys: Number });
    t.ok(model.id.startsWith(`${model.vendor}-`), `${model.id} starts with its vendor`);
  }
  t.notOk(await exists(paths.dir), 'models writes nothing');
});

t.test('add-phone, phones, status, remove-phone', async (t) => {
  const paths = await tempData(t);
  const empty = await Promise.all([
    runCli(paths.dir, ['phones']),
    runCli(paths.dir, ['phones', '--json']),
    runCli(paths.dir, ['status']),
    runCli(paths.dir, ['status', '--json']),
  ]);
  t.same(
    empty.map((result) => [result.code, result.stdout, result.stderr]),
    [
      [0, 'no hot-desk phones yet (hotdesk add-phone adds one)\n', ''],
      [0, '[]\n', ''],
      [0, 'no hot-desk phones yet (hotdesk add-phone adds one)\n', ''],
      [0, '[]\n', ''],
    ],
  );
  t.notOk(await exists(paths.store), 'reading an office that does not exist yet creates nothing');

  const added = await runCli(paths.dir, ['add-phone', '--model', 'yealink-t54w', '--mac', '00:15:65:AA:BB:CC']);
  t.equal(added.code, 0);
  t.equal(added.stderr, '');
  const url = /^Provisioning URL: (http:\/\/\S+\/provisioning\/[\w-]+\/)$/m.exec(added.stdout)?.[1];
  t.ok(url, 'prints the provisioning URL');
  t.match(added.stdout, /^HD0001 added: yealink-t54w, MAC 00:15:65:aa:bb:cc, lan$/m);
  t.match(added.stdout, `DHCP option 66 on the office DHCP server: ${url}`);
  t.equal(await modeOf(paths.store), 0o600, 'the store is created with mode 0600');
  t.notOk(await exists(paths.lock), 'the CLI releases the writer lock');

  const json = await runCli(paths.dir, [
    'add-phone',
    '--model',
    'SNOM-D785',
    '--mac',
    '0015.65aa.bbcd',
    '--connection',
    'sbc',
    '--sbc',
    'sbc.example.net:5060',
    '--json',
  ]);
  t.equal(json.code, 0);
  t.equal(json.stderr, '');
  t.same(JSON.parse(json.stdout), {
    name: 'HD0002',
    model: 'snom-d785',
    mac: '00:15:65:aa:bb:cd',
    connection: 'sbc',
    sbc: 'sbc.example.net:5060',
    state: 'idle',
    extension: null,
    provisioningUrl: url,
    dhcpOption66: url,
  });

  const badSbc = await runCli(paths.dir, [
    'add-phone',
    '--model',
    'yealink-t54w',
    '--mac',
    '001565aabbce',
    '--connection',
    'sbc',
    '--sbc',
    'no port',
  ]);
  t.equal(badSbc.code, 1);
  t.equal(badSbc.stdout, '');
  t.match(badSbc.stderr, /^hotdesk: invalid connection: SBC address "no port": add the port: HOST:PORT\n$/);
  const sbcMissing = await runCli(paths.dir, [
    'add-phone',
    '--model',
    'yealink-t54w',
    '--mac',
    '001565aabbce',
    '--connection',
    'sbc',
  ]);
  t.same([sbcMissing.code, sbcMissing.stdout], [2, '']);
  t.match(sbcMissing.stderr, '--connection sbc needs --sbc HOST:PORT');
  const badMode = await runCli(paths.dir, [
    'add-phone',
    '--model',
    'yealink-t54w',
    '--mac',
    '001565aabbce',
    '--connection',
    'wifi',
  ]);
  t.same([badMode.code, badMode.stdout], [2, '']);
  t.match(badMode.stderr, /'wifi' is invalid/);
  const missing = await Promise.all([
    runCli(paths.dir, ['add-phone', '--mac', '001565aabbce']),
    runCli(paths.dir, ['add-phone', '--model', 'yealink-t54w']),
  ]);
  t.same(
    missing.map((result) => [result.code, result.stdout]),
    [
      [2, ''],
      [2, ''],
    ],
  );
  t.match(missing[0]!.stderr, 'add-phone needs --model ID');
  t.match(missing[1]!.stderr, 'add-phone needs --mac MAC');

  const [phones, phonesJson, status, statusJson] = await Promise.all([
    runCli(paths.dir, ['phones']),
    runCli(paths.dir, ['phones', '--json']),
    runCli(paths.dir, ['status']),
    runCli(paths.dir, ['status', '--json']),
  ]);
  t.same([phones.code, phones.stderr], [0, '']);
  t.same(
    lines(phones.stdout).map((line) => line.split(/\s{2,}/)),
    [
      ['NAME', 'MODEL', 'MAC', 'CONNECTION', 'STATE'],
      ['HD0001', 'yealink-t54w', '00:15:65:aa:bb:cc', 'lan', 'idle'],
      ['HD0002', 'snom-d785', '00:15:65:aa:bb:cd', 'sbc sbc.example.net:5060', 'idle'],
    ],
  );
  t.same([phonesJson.code, phonesJson.stderr], [0, '']);
  t.same(JSON.parse(phonesJson.stdout), [
    {
      name: 'HD0001',
      model: 'yealink-t54w',
      mac: '00:15:65:aa:bb:cc',
      connection: 'lan',
      state: 'idle',
      extension: null,
    },
    {
      name: 'HD0002',
      model: 'snom-d785',
      mac: '00:15:65:aa:bb:cd',
      connection: 'sbc',
      sbc: 'sbc.example.net:5060',
      state: 'idle',
      extension: null,
    },
  ]);
  t.same([status.code, status.stderr], [0, '']);
  t.same(
    lines(status.stdout).map((line) => line.split(/\s{2,}/)),
    [
      ['PHONE', 'MODEL', 'MAC', 'STATE', 'EXT', 'USER', 'SINCE', 'SYNC'],
      ['HD0001', 'yealink-t54w', '00:15:65:aa:bb:cc', 'idle', '-', '-', '-', 'pending'],
      ['HD0002', 'snom-d785', '00:15:65:aa:bb:cd', 'idle', '-', '-', '-', 'pending'],
    ],
  );
  t.same([statusJson.code, statusJson.stderr], [0, '']);
  const rows = JSON.parse(statusJson.stdout) as Record<string, unknown>[];
  t.ok(Array.isArray(rows));
  t.match(rows, [
    { name: 'HD0001', model: 'yealink-t54w', mac: '00:15:65:aa:bb:cc', state: 'idle', extension: null, since: null },
    { name: 'HD0002', model: 'snom-d785', mac: '00:15:65:aa:bb:cd', state: 'idle', extension: null, since: null },
  ]);

  const byName = await runCli(paths.dir, ['remove-phone', 'hd0002']);
  t.same([byName.code, byName.stdout, byName.stderr], [0, 'removed HD0002\n', '']);
  const byMac = await runCli(paths.dir, ['remove-phone', '00-15-65-aa-bb-cc']);
  t.same([byMac.code, byMac.stdout, byMac.stderr], [0, 'removed HD0001\n', '']);
  const again = await runCli(paths.dir, ['remove-phone', 'HD0001']);
  t.same(
    [again.code, again.stdout, again.stderr],
    [1, '', 'hotdesk: no hot-desk phone "HD0001" (hotdesk phones lists them)\n'],
  );
  const noArgument = await runCli(paths.dir, ['remove-phone']);
  t.same([noArgument.code, noArgument.stdout], [2, '']);
  t.match(noArgument.stderr, /missing required argument/);

  const reAdded = await cliJson<{ name: string }>(paths.dir, [
    'add-phone',
    '--model',
    'yealink-t54w',
    '--mac',
    '001565aabbcc',
    '--json',
  ]);
  t.equal(reAdded.name, 'HD0003', 'phone names are never reused');
  const store = await loadStoreFile(paths.store);
  t.same(
    store.audit.map((entry) => [entry.kind, entry.phone]),
    [
      ['phone-added', 'HD0001'],
      ['phone-added', 'HD0002'],
      ['phone-removed', 'HD0002'],
      ['phone-removed', 'HD0001'],
      ['phone-added', 'HD0003'],
    ],
  );
});

t.test('settings', async (t) => {
  const paths = await tempData(t);
  const before = await runCli(paths.dir, ['settings', '--json']);
  t.same([before.code, before.stderr], [0, '']);
  const shown = JSON.parse(before.stdout) as Record<string, unknown>;
  t.same(Object.keys(shown).sort(), [
    'address',
    'defaultLanguage',
    'digest',
    'emergencyCallbackMinutes',
    'httpPort',
    'httpsPort',
    'provisioningUrl',
    'served',
    'sipDomain',
    'sipPort',
    'timeZone',
    'tlsPort',
  ]);
  t.equal(shown['served'], null, 'no hotdeskd: nothing served');
  t.equal(shown['digest'], 'md5', 'out of the box: MD5 only');

  const changes: [string, string, string][] = [
    ['address', '10.0.0.5', 'settings updated: address\n'],
    ['sip-domain', 'office.example.net', 'settings updated: sip-domain\n'],
    [
      'http-port',
      '8080',
      'settings updated: http-port\nhttp-port 8080: hotdeskd listens on it when it starts (unless its ' +
        '--http-port or HOTDESK_HTTP_PORT says otherwise)\n',
    ],
    [
      'sip-port',
      '5070',
      'settings updated: sip-port\nsip-port 5070: hotdeskd listens on it when it starts (unless its --sip-port ' +
        'or HOTDESK_SIP_PORT says otherwise)\n',
    ],
    [
      'tls-port',
      '5062',
      'settings updated: tls-port\ntls-port 5062: hotdeskd listens on it when it starts (unless its --tls-port ' +
        'or HOTDESK_TLS_PORT says otherwise)\n',
    ],
    ['language', 'de', 'settings updated: language\n'],
    ['time-zone', 'Europe/Rome', 'settings updated: time-zone\n'],
    ['leading-zero', 'yes', 'settings updated: leading-zero\n'],
  ];
  for (const [name, value, message] of changes) {
    const result = await runCli(paths.dir, ['settings', 'set', name, value]);
    t.same([result.code, result.stdout, result.stderr], [0, message, ''], `settings set ${name} ${value}`);
  }
  const [text, json] = await Promise.all([runCli(paths.dir, ['settings']), runCli(paths.dir, ['settings', '--json'])]);
  t.same([text.code, text.stderr], [0, '']);
  t.match(text.stdout, /^address\s+10\.0\.0\.5$/m);
  t.match(text.stdout, /^time-zone\s+Europe\/Rome$/m);
  // Every row is spelled as settings set takes it; with no hotdeskd, a last line says they are the stored ones.
  const shownLines = text.stdout.split('\n').filter(Boolean);
  t.same(
    shownLines.slice(0, -1).map((line) => line.split(/\s+/)[0]),
    [
      'address',
      'sip-domain',
      'http-port',
      'sip-port',
      'tls-port',
      'https-port',
      'language',
      'time-zone',
      'leading-zero',
      'digest',
      'emergency-callback-minutes',
      'provisioning-url',
    ],
  );
  t.match(shownLines.at(-1), /^hotdeskd is not running: these are the stored settings/);
  t.match(text.stdout, /^sip-port\s+5070$/m);
  t.match(text.stdout, /^tls-port\s+5062$/m);
  t.match(text.stdout, /^https-port\s+8443$/m, 'an unset https-port shows its default');
  t.match(text.stdout, /^provisioning-url\s+http:\/\/10\.0\.0\.5:8080\/provisioning\/[\w-]+\/$/m);
  t.same([json.code, json.stderr], [0, '']);
  t.match(JSON.parse(json.stdout), {
    address: '10.0.0.5',
    sipDomain: 'office.example.net',
    httpPort: 8080,
    sipPort: Number,
    defaultLanguage: 'de',
    timeZone: 'Europe/Rome',
    provisioningUrl: /^http:\/\/10\.0\.0\.5:8080\/provisioning\/[\w-]+\/$/,
  });

  const snapshot = await readFile(paths.store);
  const refused: [string[], number, RegExp][] = [
    [
      ['settings', 'set', 'http-port', 'abc'],
      1,
      /^hotdesk: http-port: "abc" is not valid \(expected a port from 1 to 65535\)\n$/,
    ],
    [
      ['settings', 'set', 'http-port', '70000'],
      1,
      /^hotdesk: http-port: "70000" is not valid \(expected a port from 1 to 65535\)\n$/,
    ],
    [['settings', 'set', 'language', 'fr'], 1, /^hotdesk: unknown language "fr" \(expected en, de or it\)\n$/],
    [
      ['settings', 'set', 'time-zone', 'Mars/Olympus'],
      1,
      /^hotdesk: time-zone: "Mars\/Olympus" is not valid \(expected an IANA time zone/,
    ],
    [
      ['settings', 'set', 'address', 'bad host!'],
      1,
      /^hotdesk: address: "bad host!" is not valid \(expected an IPv4 address, an IPv6 address or a host name\)\n$/,
    ],
    [
      ['settings', 'set', 'address', '999.1.1.1'],
      1,
      /^hotdesk: address: "999\.1\.1\.1" is not valid \(expected an IPv4 address, an IPv6 address or a host name\)\n$/,
    ],
    [
      ['settings', 'set', 'sip-port', '0'],
      1,
      /^hotdesk: sip-port: "0" is not valid \(expected a port from 1 to 65535\)\n$/,
    ],
    [
      ['settings', 'set', 'colour', 'red'],
      2,
      new RegExp(
        String.raw`^hotdesk: unknown setting "colour" \(settable: address, sip-domain, http-port, sip-port, ` +
          String.raw`tls-port, https-port, language, time-zone, leading-zero, digest, ` +
          String.raw`emergency-callback-minutes, civic-address\)\n$`,
      ),
    ],
    [['settings', 'set', 'address'], 2, /missing required argument 'value'/],
  ];
  const results = await Promise.all(refused.map(([args]) => runCli(paths.dir, args)));
  refused.forEach(([args, code, stderr], i) => {
    const result = results[i]!;
    t.same([result.code, result.stdout], [code, ''], args.join(' '));
    t.match(result.stderr, stderr, args.join(' '));
  });
  t.same(await readFile(paths.store), snapshot, 'refused settings leave the store as it was');
});

t.test('the data directory: --data beats HOTDESK_DATA, which works alone', async (t) => {
  const [office, other] = await Promise.all([tempData(t), tempData(t)]);
  const added = await runCli(undefined, ['add-phone', '--model', 'yealink-t54w', '--mac', '001565aabbcc', '--json'], {
    env: { HOTDESK_DATA: office.dir },
  });
  t.same([added.code, added.stderr], [0, '']);
  t.ok(await exists(office.store), 'HOTDESK_DATA names where the store is written');
  const [viaEnv, flagWins] = await Promise.all([
    runCli(undefined, ['phones', '--json'], { env: { HOTDESK_DATA: office.dir } }),
    runCli(other.dir, ['phones', '--json'], { env: { HOTDESK_DATA: office.dir } }),
  ]);
  t.same([viaEnv.code, viaEnv.stderr], [0, '']);
  t.match(JSON.parse(viaEnv.stdout), [{ name: 'HD0001' }]);
  t.same([flagWins.code, flagWins.stdout, flagWins.stderr], [0, '[]\n', '']);
});

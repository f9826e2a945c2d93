/**
 * `hotdesk extension …` and `hotdesk blf …` as real processes: what they
 * print, and that SIP passwords and PINs never show up where they must not.
 */
import t, { type Test } from 'tap';
import { readFile } from 'node:fs/promises';
import { lines, runCli } from '../support/run-cli.js';
import { loadStoreFile, tempData } from '../support/temp-data.js';
import { verifyPin } from '../../src/adapters/pin-hash.js';

const ADA = { number: '100', name: 'Ada Lovelace', password: 'Zq7-lantern-Secret', pin: '739164' };
const ALAN = { number: '101', name: 'Alan Turing', password: 'Kx4=bombe-Enigma9', pin: '582047' };
const NEW_PIN = '640815';
const NEW_PASSWORD = 'Wt3+difference-Engine';
const SECRETS = [ADA.password, ADA.pin, ALAN.password, ALAN.pin, NEW_PIN, NEW_PASSWORD];

function assertNoSecrets(t: Test, text: string, where: string): void {
  for (const secret of SECRETS)
    t.notOk(text.includes(secret), `${where} does not contain the secret ${secret.slice(0, 2)}…`);
}

t.test('extension add, set, list, remove, and the secrets stay secret', async (t) => {
  const paths = await tempData(t);
  const empty = await runCli(paths.dir, ['extension', 'list']);
  t.same([empty.code, empty.stdout, empty.stderr], [0, 'no extensions yet (hotdesk extension add adds one)\n', '']);

  const ada = await runCli(paths.dir, [
    'extension',
    'add',
    ADA.number,
    '--name',
    ADA.name,
    '--password',
    ADA.password,
    '--pin',
    ADA.pin,
    '--hotdesk',
  ]);
  t.same([ada.code, ada.stdout, ada.stderr], [0, 'added extension 100 (Ada Lovelace), hot desking enabled\n', '']);
  const alan = await runCli(paths.dir, [
    'extension',
    'add',
    ALAN.number,
    '--name',
    ` ${ALAN.name} `,
    '--password',
    ALAN.password,
    '--pin',
    ALAN.pin,
    '--language',
    'de',
    '--json',
  ]);
  t.same([alan.code, alan.stderr], [0, '']);
  t.same(JSON.parse(alan.stdout), { number: '101', name: 'Alan Turing', hotdesk: false, language: 'de' });

  const [list, listJson] = await Promise.all([
    runCli(paths.dir, ['extension', 'list']),
    runCli(paths.dir, ['extension', 'list', '--json']),
  ]);
  t.same([list.code, list.stderr], [0, '']);
  t.same(
    lines(list.stdout).map((line) => line.split(/\s{2,}/)),
    [
      ['EXT', 'NAME', 'HOTDESK', 'TAKEOVER', 'LANG', 'BLF', 'LOGGED IN ON'],
      ['100', 'Ada Lovelace', 'yes', 'yes', 'en', '0', '-'],
      ['101', 'Alan Turing', 'no', 'yes', 'de', '0', '-'],
    ],
  );
  t.same([listJson.code, listJson.stderr], [0, '']);
  t.same(JSON.parse(listJson.stdout), [
    {
      number: '100',
      name: 'Ada Lovelace',
      hotdesk: true,
      hotdeskTakeover: true,
      language: 'en',
      blf: [],
      loggedInOn: [],
      pinnedOn: [],
    },
    {
      number: '101',
      name: 'Alan Turing',
      hotdesk: false,
      hotdeskTakeover: true,
      language: 'de',
      blf: [],
      loggedInOn: [],
      pinnedOn: [],
    },
  ]);

  const set = await runCli(paths.dir, [
    'extension',
    'set',
    '100',
    '--name',
    'Ada King',
    '--pin',
    NEW_PIN,
    '--password',
    NEW_PASSWORD,
    '--language',
    'it',
  ]);
  t.same([set.code, set.stdout, set.stderr], [0, 'updated extension 100 (name, sipPassword, pin, language)\n', '']);
  const hotdesk = await runCli(paths.dir, ['extension', 'set', '101', '--hotdesk']);
  t.same([hotdesk.code, hotdesk.stdout, hotdesk.stderr], [0, 'updated extension 101 (hotdesk)\n', '']);
  const noHotdesk = await runCli(paths.dir, ['extension', 'set', '101', '--no-hotdesk']);
  t.same([noHotdesk.code, noHotdesk.stdout, noHotdesk.stderr], [0, 'updated extension 101 (hotdesk)\n', '']);
  const unknown = await runCli(paths.dir, ['extension', 'set', '555', '--name', 'Nobody']);
  t.same(
    [unknown.code, unknown.stdout, unknown.stderr],
    [1, '', 'hotdesk: no extension 555 (hotdesk extension list shows them)\n'],
  );

  const store = await loadStoreFile(paths.store);
  const [storedAda, storedAlan] = store.extensions;
  t.match(storedAda, {
    number: '100',
    name: 'Ada King',
    language: 'it',
    sipPassword: NEW_PASSWORD,
    pinHash: /^scrypt\$/,
  });
  t.match(storedAlan, { number: '101', hotdesk: false, sipPassword: ALAN.password, pinHash: /^scrypt\$/ });
  t.ok(await verifyPin(NEW_PIN, storedAda!.pinHash), 'the stored hash is of the new PIN');
  t.notOk(await verifyPin(ADA.pin, storedAda!.pinHash), 'and no longer of the old one');
  t.ok(await verifyPin(ALAN.pin, storedAlan!.pinHash));
  const storeText = await readFile(paths.store, 'utf8');
  for (const pin of [ADA.pin, ALAN.pin, NEW_PIN]) t.notOk(storeText.includes(`"${pin}"`), 'no PIN is stored as such');

  const views = await Promise.all([
    runCli(paths.dir, ['extension', 'list']),
    runCli(paths.dir, ['extension', 'list', '--json']),
    runCli(paths.dir, ['audit']),
    runCli(paths.dir, ['audit', '--json']),
    runCli(paths.dir, ['audit', '--csv']),
    runCli(paths.dir, ['status', '--json']),
  ]);
  for (const view of views) {
    t.equal(view.code, 0);
    assertNoSecrets(t, view.stdout + view.stderr, 'output');
  }
  assertNoSecrets(t, JSON.stringify(store.audit), 'the audit trail');
  t.same(
    store.audit.map((entry) => [entry.kind, entry.extension, entry.detail]),
    [
      ['extension-added', '100', undefined],
      ['extension-added', '101', undefined],
      ['extension-changed', '100', 'name, sipPassword, pin, language'],
      ['extension-changed', '101', 'hotdesk'],
      ['extension-changed', '101', 'hotdesk'],
    ],
  );

  const removed = await runCli(paths.dir, ['extension', 'remove', '101']);
  t.same([removed.code, removed.stdout, removed.stderr], [0, 'removed extension 101\n', '']);
  const again = await runCli(paths.dir, ['extension', 'remove', '101']);
  t.same(
    [again.code, again.stdout, again.stderr],
    [1, '', 'hotdesk: no extension 101 (hotdesk extension list shows them)\n'],
  );
  const after = await runCli(paths.dir, ['extension', 'list', '--json']);
  t.match(JSON.parse(after.stdout), [{ number: '100', name: 'Ada King' }]);
  t.equal((JSON.parse(after.stdout) as unknown[]).length, 1);
});

t.test('extension input that is refused', async (t) => {
  const paths = await tempData(t);
  const add = (number: string, extra: string[] = []): string[] => [
    'extension',
    'add',
    number,
    '--name',
    'Grace Hopper',
    '--password',
    'Cobol-Compiler-1959',
    '--pin',
    '461937',
    ...extra,
  ];
  const first = await runCli(paths.dir, add('200'));
  t.equal(first.code, 0);
  const snapshot = await readFile(paths.store);

  const cases: [string, string[], number, string | RegExp][] = [
    [
      'duplicate extension',
      add('200'),
      1,
      'hotdesk: extension 200 already exists (use hotdesk extension set to change it)\n',
    ],
    ['extension too short', add('7'), 1, 'hotdesk: "7" is not a valid extension (2 to 8 digits)\n'],
    ['extension not digits', add('2a0'), 1, 'hotdesk: "2a0" is not a valid extension (2 to 8 digits)\n'],
    [
      'name with quotes',
      [
        'extension',
        'add',
        '201',
        '--name',
        'Grace "Amazing" Hopper',
        '--password',
        'Cobol-Compiler-1959',
        '--pin',
        '461937',
      ],
      1,
      'hotdesk: "Grace "Amazing" Hopper" is not a usable display name (1 to 40 characters, no quotes or angle ' +
        'brackets)\n',
    ],
    [
      'short SIP password',
      ['extension', 'add', '201', '--name', 'Grace', '--password', 'short', '--pin', '461937'],
      1,
      'hotdesk: SIP password refused: a SIP password needs at least 8 characters\n',
    ],
    [
      'unknown language',
      add('201', ['--language', 'fr']),
      1,
      'hotdesk: unknown language "fr" (expected en, de or it)\n',
    ],
    [
      'no --pin',
      ['extension', 'add', '201', '--name', 'Grace', '--password', 'Cobol-Compiler-1959'],
      2,
      /required option '--pin <pin>' not specified/,
    ],
    [
      'no --name',
      ['extension', 'add', '201', '--password', 'Cobol-Compiler-1959', '--pin', '461937'],
      2,
      /required option '--name <name>' not specified/,
    ],
    [
      'set: unknown language',
      ['extension', 'set', '200', '--language', 'xx'],
      1,
      'hotdesk: unknown language "xx" (expected en, de or it)\n',
    ],
    [
      'set: weak PIN',
      ['extension', 'set', '200', '--pin', '1111'],
      1,
      'hotdesk: PIN refused: a PIN may not repeat one digit\n',
    ],
  ];
  const results = await Promise.all(cases.map(([, args]) => runCli(paths.dir, args)));
  cases.forEach(([what, , code, stderr], i) => {
    const result = results[i]!;
    t.same([result.code, result.stdout], [code, ''], what);
    if (typeof stderr === 'string') t.equal(result.stderr, stderr, what);
    else t.match(result.stderr, stderr, what);
  });
  t.same(await readFile(paths.store), snapshot, 'refusals leave the store byte for byte as it was');
});

t.test('blf set and show', async (t) => {
  const paths = await tempData(t);
  for (const [number, name] of [
    ['100', 'Ada Lovelace'],
    ['101', 'Alan Turing'],
  ]) {
    const added = await runCli(paths.dir, [
      'extension',
      'add',
      number!,
      '--name',
      name!,
      '--password',
      'Sip-Password-123',
      '--pin',
      '739164',
      '--hotdesk',
    ]);
    t.equal(added.code, 0, `extension ${number} added`);
  }
  const set = await runCli(paths.dir, ['blf', 'set', '100', '101', '-', '102']);
  t.same([set.code, set.stdout], [0, 'BLF list of 100 has 3 positions\n']);
  t.equal(set.stderr, 'warning: not (yet) extensions here: 102\n', 'an unknown target is stored with a warning');

  const [plain, plainJson, onModel, onModelJson] = await Promise.all([
    runCli(paths.dir, ['blf', 'show', '100']),
    runCli(paths.dir, ['blf', 'show', '100', '--json']),
    runCli(paths.dir, ['blf', 'show', '100', '--model', 'fanvil-x3u']),
    runCli(paths.dir, ['blf', 'show', '100', '--model', 'fanvil-x3u', '--json']),
  ]);
  t.same([plain.code, plain.stderr], [0, '']);
  t.same(lines(plain.stdout), [
    'BLF list of 100 (Ada Lovelace); add --model ID to see the layout on a phone',
    '   1  101',
    '   2  (empty)',
    '   3  102',
  ]);
  t.same([plainJson.code, plainJson.stderr], [0, '']);
  t.same(JSON.parse(plainJson.stdout), {
    extension: '100',
    blf: [
      { position: 1, target: '101' },
      { position: 2, target: null },
      { position: 3, target: '102' },
    ],
  });
  t.same([onModel.code, onModel.stderr], [0, '']);
  t.same(lines(onModel.stdout), [
    'Keys of 100 (Ada Lovelace) on fanvil-x3u (6 keys):',
    '   1  Logout (speed dial *77*5*)',
    '   2  BLF 101 Alan Turing',
    '   3  BLF 102 102',
    '  3 more key(s) unused',
  ]);
  t.same([onModelJson.code, onModelJson.stderr], [0, '']);
  t.same(JSON.parse(onModelJson.stdout), {
    extension: '100',
    model: 'fanvil-x3u',
    keyCount: 6,
    keys: [
      { slot: 1, kind: 'logout', code: '*77*5*', label: 'Logout' },
      { slot: 2, kind: 'blf', target: '101', label: 'Alan Turing' },
      { slot: 3, kind: 'blf', target: '102', label: '102' },
    ],
    unused: 3,
    overflow: [],
  });

  // Eight targets do not fit a six-key phone beside Logout: three overflow.
  const many = ['101', '102', '103', '104', '105', '106', '107', '108'];
  const long = await runCli(paths.dir, ['blf', 'set', '101', ...many]);
  t.same([long.code, long.stdout], [0, 'BLF list of 101 has 8 positions\n']);
  const [overflow, overflowJson] = await Promise.all([
    runCli(paths.dir, ['blf', 'show', '101', '--model', 'fanvil-x3u']),
    runCli(paths.dir, ['blf', 'show', '101', '--model', 'fanvil-x3u', '--json']),
  ]);
  t.equal(overflow.code, 0);
  t.equal(overflow.stderr, 'warning: 3 BLF key(s) do not fit fanvil-x3u: 106, 107, 108\n');
  t.equal(lines(overflow.stdout).length, 7, 'the heading and six keys');
  t.match(JSON.parse(overflowJson.stdout), {
    keys: { length: 6 },
    unused: 0,
    overflow: [{ target: '106' }, { target: '107' }, { target: '108' }],
  });

  // Logged in, the model defaults to the phone's.
  const phone = await runCli(paths.dir, ['add-phone', '--model', 'fanvil-x3u', '--mac', '0c383e000001']);
  t.equal(phone.code, 0);
  const login = await runCli(paths.dir, ['login', '100', '--phone', 'HD0001']);
  t.equal(login.code, 0);
  const onPhone = await runCli(paths.dir, ['blf', 'show', '100', '--json']);
  t.match(JSON.parse(onPhone.stdout), { extension: '100', model: 'fanvil-x3u', keyCount: 6 });

  const cleared = await runCli(paths.dir, ['blf', 'set', '100']);
  t.same([cleared.code, cleared.stdout, cleared.stderr], [0, 'BLF list of 100 has 0 positions\n', '']);

  const refused = await Promise.all([
    runCli(paths.dir, ['blf', 'show', '999']),
    runCli(paths.dir, ['blf', 'set', '999', '100']),
    runCli(paths.dir, ['blf', 'set', '100', 'abc']),
    runCli(paths.dir, ['blf', 'show', '100', '--model', 'nokia-3310']),
    runCli(paths.dir, ['blf', 'set']),
  ]);
  t.same(
    refused.map((result) => [result.code, result.stdout]),
    [
      [1, ''],
      [1, ''],
      [1, ''],
      [1, ''],
      [2, ''],
    ],
  );
  t.equal(refused[0]!.stderr, 'hotdesk: no extension 999 (hotdesk extension list shows them)\n');
  t.equal(refused[1]!.stderr, 'hotdesk: no extension 999 (hotdesk extension list shows them)\n');
  t.equal(refused[2]!.stderr, 'hotdesk: "abc" is not a valid extension (2 to 8 digits)\n');
  t.match(refused[3]!.stderr, /^hotdesk: unknown model "nokia-3310"/);
  t.match(refused[4]!.stderr, /missing required argument 'ext'/);

  const audit = (await loadStoreFile(paths.store)).audit.filter((entry) => entry.kind === 'blf-changed');
  t.same(
    audit.map((entry) => [entry.extension, entry.detail]),
    [
      ['100', '3 positions'],
      ['101', '8 positions'],
      ['100', '0 positions'],
    ],
  );
});

t.test('extension set --no-hotdesk-takeover / --hotdesk-takeover, shown by list and show', async (t) => {
  const paths = await tempData(t);
  const added = await runCli(paths.dir, [
    'extension',
    'add',
    ADA.number,
    '--name',
    ADA.name,
    '--password',
    ADA.password,
    '--pin',
    ADA.pin,
    '--hotdesk',
  ]);
  t.equal(added.code, 0);
  const off = await runCli(paths.dir, ['extension', 'set', '100', '--no-hotdesk-takeover']);
  t.same([off.code, off.stdout, off.stderr], [0, 'updated extension 100 (hotdeskTakeover)\n', '']);
  t.equal((await loadStoreFile(paths.store)).extensions[0]!.hotdeskTakeover, false, 'stored as false');

  const [list, show, showJson] = await Promise.all([
    runCli(paths.dir, ['extension', 'list']),
    runCli(paths.dir, ['extension', 'show', '100']),
    runCli(paths.dir, ['extension', 'show', '100', '--json']),
  ]);
  t.same(lines(list.stdout).map((line) => line.split(/\s{2,}/))[1], [
    '100',
    'Ada Lovelace',
    'yes',
    'no',
    'en',
    '0',
    '-',
  ]);
  t.same([show.code, show.stderr], [0, '']);
  t.same(lines(show.stdout), [
    'extension 100 (Ada Lovelace)',
    '  hot desking:   yes',
    '  takeover:      no (a login elsewhere or a policy never ends a session)',
    '  language:      en',
    '  BLF:           -',
    '  logged in on:  -',
    '  pinned phones: -',
  ]);
  t.same(JSON.parse(showJson.stdout), {
    number: '100',
    name: 'Ada Lovelace',
    hotdesk: true,
    hotdeskTakeover: false,
    language: 'en',
    blf: [],
    loggedInOn: [],
    pinnedOn: [],
  });
  assertNoSecrets(t, show.stdout + showJson.stdout, 'extension show');

  const on = await runCli(paths.dir, ['extension', 'set', '100', '--hotdesk-takeover']);
  t.same([on.code, on.stdout, on.stderr], [0, 'updated extension 100 (hotdeskTakeover)\n', '']);
  t.equal((await loadStoreFile(paths.store)).extensions[0]!.hotdeskTakeover, true);
  const shown = await runCli(paths.dir, ['extension', 'show', '100', '--json']);
  t.match(JSON.parse(shown.stdout), { hotdeskTakeover: true });

  const unknown = await runCli(paths.dir, ['extension', 'show', '555']);
  t.same(
    [unknown.code, unknown.stdout, unknown.stderr],
    [1, '', 'hotdesk: no extension 555 (hotdesk extension list shows them)\n'],
  );
});

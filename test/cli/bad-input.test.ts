/**
 * Every kind of bad input to `hotdesk`, as real processes: refused with a
 * message naming the value (exit 1), usage mistakes exit 2, and a refusal
 * never changes the store.
 */
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { runCli } from '../support/run-cli.js';
import { exists, loadStoreFile, tempData } from '../support/temp-data.js';

t.test('MAC addresses in any common spelling are accepted, anything else is refused naming it', async (t) => {
  const paths = await tempData(t);
  const spellings: [string, string][] = [
    ['00:15:65:AA:BB:CC', '001565aabbcc'],
    ['00-15-65-aa-bb-cd', '001565aabbcd'],
    ['001565aabbce', '001565aabbce'],
    ['001565AABBCF', '001565aabbcf'],
    ['0015.65aa.bbd0', '001565aabbd0'],
  ];
  // Sequentially, so the names are predictable.
  for (const [i, [spelling, normalised]] of spellings.entries()) {
    const result = await runCli(paths.dir, ['add-phone', '--model', 'yealink-t54w', '--mac', spelling, '--json']);
    t.same([result.code, result.stderr], [0, ''], `${spelling} is accepted`);
    t.match(JSON.parse(result.stdout), { name: `HD000${i + 1}`, mac: normalised.match(/../g)!.join(':') });
  }
  const stored = await loadStoreFile(paths.store);
  t.same(
    stored.phones.map((phone) => phone.mac),
    spellings.map(([, normalised]) => normalised),
    'stored as 12 lowercase hex digits',
  );

  const snapshot = await readFile(paths.store);
  const bad = [
    '00:15:65:aa:bb',
    '00:15:65-aa:bb:cc',
    '00155aabbcc',
    '0015g5aabbcc',
    '00:15:65:aa:bb:cc:dd',
    'aa:bb:cc:dd:ee:gg',
    'not-a-mac',
    ' ',
  ];
  const results = await Promise.all(
    bad.map((mac) => runCli(paths.dir, ['add-phone', '--model', 'yealink-t54w', '--mac', mac])),
  );
  bad.forEach((mac, i) => {
    const result = results[i]!;
    t.same([result.code, result.stdout], [1, ''], `${JSON.stringify(mac)} is refused`);
    t.equal(
      result.stderr,
      `hotdesk: "${mac}" is not a MAC address (expected 12 hex digits, e.g. 00:15:65:aa:bb:cc)\n`,
      `the refusal names ${JSON.stringify(mac)}`,
    );
  });
  t.same(await readFile(paths.store), snapshot, 'refused MACs change nothing');

  // The same phone in another spelling is a duplicate, named with the phone it already is.
  const duplicates = await Promise.all(
    ['001565AABBCC', '00-15-65-AA-BB-CC', '0015.65aa.bbcc'].map((mac) =>
      runCli(paths.dir, ['add-phone', '--model', 'snom-d785', '--mac', mac]),
    ),
  );
  for (const result of duplicates) {
    t.same([result.code, result.stdout], [1, '']);
    t.equal(result.stderr, 'hotdesk: a phone with MAC 00:15:65:aa:bb:cc is already in the pool as HD0001\n');
  }
  t.same(await readFile(paths.store), snapshot, 'duplicates change nothing');
});

t.test('unknown models are refused with close matches', async (t) => {
  const paths = await tempData(t);
  const typed = ['yealink-t45w', 'T54W', 'snom d785', 'yealink', 'nokia-3310'];
  const results = await Promise.all(
    typed.map((model) => runCli(paths.dir, ['add-phone', '--model', model, '--mac', '001565aabbcc'])),
  );
  for (const [i, model] of typed.entries()) {
    const result = results[i]!;
    t.same([result.code, result.stdout], [1, ''], `${model} is refused`);
    t.ok(result.stderr.startsWith(`hotdesk: unknown model "${model}"`), `the refusal names ${model}`);
    t.equal(result.stderr.split('\n').length, 2, 'one line');
  }
  t.match(results[0]!.stderr, /did you mean [^?]*yealink-t44w/, 'a typo gets close matches');
  t.match(results[1]!.stderr, /did you mean yealink-t54w[,?]/, 'the bare model name finds the model first');
  t.match(results[2]!.stderr, /did you mean snom-d785[,?]/, 'a space for the dash finds the model first');
  t.equal(
    results[4]!.stderr,
    'hotdesk: unknown model "nokia-3310" (hotdesk models lists the eligible models)\n',
    'nothing close: no suggestions',
  );
  t.notOk(await exists(paths.store), 'refused before the store is touched');
});

t.test('weak PINs are refused', async (t) => {
  const paths = await tempData(t);
  const cases: [string, string, string][] = [
    ['4821', '123', 'a PIN needs at least 4 digits'],
    ['4821', '1', 'a PIN needs at least 4 digits'],
    ['4821', '0000', 'a PIN may not repeat one digit'],
    ['4821', '777777', 'a PIN may not repeat one digit'],
    ['4821', '1234', 'a PIN may not be an ascending run of digits'],
    ['4821', '3456789', 'a PIN may not be an ascending run of digits'],
    ['4821', '8901', 'a PIN may not be an ascending run of digits'],
    ['4821', '4321', 'a PIN may not be a descending run of digits'],
    ['4821', '9876', 'a PIN may not be a descending run of digits'],
    ['4821', '12ab', 'a PIN is made of digits only'],
    ['4821', '1234567890123', 'a PIN has at most 12 digits'],
    ['4821', '4821', 'a PIN may not equal the extension number'],
    ['90210', '90210', 'a PIN may not equal the extension number'],
  ];
  const results = await Promise.all(
    cases.map(([extension, pin]) =>
      runCli(paths.dir, [
        'extension',
        'add',
        extension,
        '--name',
        'Ada',
        '--password',
        'Sip-Password-123',
        '--pin',
        pin,
      ]),
    ),
  );
  cases.forEach(([extension, pin, problem], i) => {
    const result = results[i]!;
    t.same([result.code, result.stdout], [1, ''], `PIN ${pin} for ${extension} is refused`);
    t.equal(result.stderr, `hotdesk: PIN refused: ${problem}\n`, `PIN ${pin}: ${problem}`);
  });
  t.notOk(await exists(paths.store), 'weak PINs are refused before the store is touched');
  const strong = await runCli(paths.dir, [
    'extension',
    'add',
    '4821',
    '--name',
    'Ada',
    '--password',
    'Sip-Password-123',
    '--pin',
    '1357',
  ]);
  t.same([strong.code, strong.stderr], [0, ''], 'a PIN that passes every rule is taken');
});

t.test('usage mistakes exit 2', async (t) => {
  const paths = await tempData(t);
  const cases: [string[], RegExp][] = [
    [['frobnicate'], /^hotdesk: unknown command "frobnicate" \(hotdesk --help lists the commands\)\n$/],
    [['phone', 'rename', 'HD0001'], /unknown command 'rename'/],
    [['phones', '--colour'], /unknown option '--colour'/],
    [['--bogus', 'phones'], /unknown option '--bogus'/],
    [['status', '--jsno'], /unknown option '--jsno'/],
    [['extension', 'rename', '100'], /unknown command 'rename'/],
    [['add-phone', '--model'], /option '--model <id>' argument missing/],
    [['login', '100', '--phone'], /option '--phone <name\|mac>' argument missing/],
    [['--data'], /option '--data <dir>' argument missing/],
    [['audit', '--since', 'last week'], /--since: "last week" is not an ISO date/],
  ];
  const results = await Promise.all(cases.map(([args]) => runCli(paths.dir, args)));
  cases.forEach(([args, stderr], i) => {
    const result = results[i]!;
    t.equal(result.code, 2, `hotdesk ${args.join(' ')} exits 2`);
    t.match(result.stderr, stderr, `hotdesk ${args.join(' ')} says why`);
    t.notMatch(result.stderr, /\n\s+at /, 'no stack trace');
  });
  t.notOk(await exists(paths.dir), 'usage errors write nothing');
});

/**
 * `hotdesk dial-codes` and `hotdesk emergency` as real processes, with the
 * *7 conflict: refused with the reason, stored with --force and a warning,
 * and then reported by `status`.
 */
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { lines, runCli } from '../support/run-cli.js';
import { loadStoreFile, tempData } from '../support/temp-data.js';

t.test('dial-codes list, set, remove', async (t) => {
  const paths = await tempData(t);
  const [text, json] = await Promise.all([
    runCli(paths.dir, ['dial-codes']),
    runCli(paths.dir, ['dial-codes', '--json']),
  ]);
  t.same([text.code, text.stderr], [0, '']);
  t.same(
    lines(text.stdout).map((line) => line.split(/\s{2,}/)),
    [
      ['NAME', 'CODE', 'NOTE'],
      ['login', '*77*', 'dial *77*EXT* to log in'],
      ['logout', '*77*5*'],
      ['logout-everywhere', '*77*0*'],
    ],
  );
  t.same(
    [json.code, json.stdout, json.stderr],
    [0, `${JSON.stringify({ login: '*77*', logout: '*77*5*', 'logout-everywhere': '*77*0*' }, null, 2)}\n`, ''],
  );

  const set = await runCli(paths.dir, ['dial-codes', 'set', 'pickup', '*8']);
  t.same([set.code, set.stdout, set.stderr], [0, 'dial code pickup is *8\n', '']);
  const changed = await runCli(paths.dir, ['dial-codes', 'set', 'pickup', '#8']);
  t.same([changed.code, changed.stdout, changed.stderr], [0, 'dial code pickup is #8\n', '']);
  t.same(JSON.parse((await runCli(paths.dir, ['dial-codes', '--json'])).stdout), {
    login: '*77*',
    logout: '*77*5*',
    'logout-everywhere': '*77*0*',
    pickup: '#8',
  });

  const snapshot = await readFile(paths.store);
  const refused = await Promise.all([
    runCli(paths.dir, ['dial-codes', 'remove', 'login']),
    runCli(paths.dir, ['dial-codes', 'remove', 'intercom']),
    runCli(paths.dir, ['dial-codes', 'set', 'Pickup', '*8']),
    runCli(paths.dir, ['dial-codes', 'set', 'pickup', '8']),
    runCli(paths.dir, ['dial-codes', 'set', 'pickup', '*8a']),
    runCli(paths.dir, ['dial-codes', 'set', 'pickup']),
  ]);
  t.same(
    refused.map((result) => [result.code, result.stdout]),
    [
      [1, ''],
      [1, ''],
      [1, ''],
      [1, ''],
      [1, ''],
      [2, ''],
    ],
  );
  t.equal(
    refused[0]!.stderr,
    'hotdesk: dial code login is a hot-desk code; it can be changed with set but not removed\n',
  );
  t.equal(refused[1]!.stderr, 'hotdesk: no dial code named intercom\n');
  t.equal(
    refused[2]!.stderr,
    'hotdesk: dial code Pickup="*8" refused: names are lowercase letters, digits and dashes, starting with a letter\n',
  );
  t.equal(refused[3]!.stderr, 'hotdesk: dial code pickup="8" refused: codes start with * or #\n');
  t.equal(
    refused[4]!.stderr,
    'hotdesk: dial code pickup="*8a" refused: codes are 1 to 16 of the characters 0-9, * and #\n',
  );
  t.match(refused[5]!.stderr, /missing required argument 'code'/);
  t.same(await readFile(paths.store), snapshot, 'refusals leave the store as it was');

  const removed = await runCli(paths.dir, ['dial-codes', 'remove', 'pickup']);
  t.same([removed.code, removed.stdout, removed.stderr], [0, 'removed dial code pickup\n', '']);

  // Logout everywhere is a hot-desk code: a *7 code needs no --force, and it cannot be removed.
  const everywhere = await runCli(paths.dir, ['dial-codes', 'set', 'logout-everywhere', '*79*']);
  t.same([everywhere.code, everywhere.stdout, everywhere.stderr], [0, 'dial code logout-everywhere is *79*\n', '']);
  const keep = await runCli(paths.dir, ['dial-codes', 'remove', 'logout-everywhere']);
  t.same(
    [keep.code, keep.stdout, keep.stderr],
    [1, '', 'hotdesk: dial code logout-everywhere is a hot-desk code; it can be changed with set but not removed\n'],
  );
  t.equal((await loadStoreFile(paths.store)).settings.dialCodes['logout-everywhere'], '*79*');
  const audit = (await loadStoreFile(paths.store)).audit;
  t.same(
    audit.map((entry) => [entry.kind, entry.detail]),
    [
      ['dial-code-set', 'pickup=*8'],
      ['dial-code-set', 'pickup=#8'],
      ['dial-code-removed', 'pickup'],
      ['dial-code-set', 'logout-everywhere=*79*'],
    ],
  );
});

t.test('a dial code starting with *7: refused, forced with a warning, then shown by status', async (t) => {
  const paths = await tempData(t);
  t.equal((await runCli(paths.dir, ['add-phone', '--model', 'yealink-t54w', '--mac', '001565aabbcc'])).code, 0);
  const snapshot = await readFile(paths.store);

  const refused = await runCli(paths.dir, ['dial-codes', 'set', 'voicemail', '*72']);
  t.same([refused.code, refused.stdout], [1, '']);
  t.equal(
    refused.stderr,
    'hotdesk: dial code voicemail=*72 starts with *7: phones would then refuse hot-desk login (*77*EXT*) as ' +
      '"forbidden". Pick another code, or add --force to store it anyway\n',
  );
  t.same(await readFile(paths.store), snapshot, 'the refused code is not stored');
  const quiet = await runCli(paths.dir, ['status']);
  t.same([quiet.code, quiet.stderr], [0, ''], 'no conflict yet');

  const forced = await runCli(paths.dir, ['dial-codes', 'set', 'voicemail', '*72', '--force']);
  t.same([forced.code, forced.stdout], [0, 'dial code voicemail is *72\n']);
  t.equal(
    forced.stderr,
    'warning: *72 starts with *7: hot-desk login is refused as "forbidden" while this code exists\n',
  );
  t.equal((await loadStoreFile(paths.store)).settings.dialCodes['voicemail'], '*72');

  const [status, statusJson, codes] = await Promise.all([
    runCli(paths.dir, ['status']),
    runCli(paths.dir, ['status', '--json']),
    runCli(paths.dir, ['dial-codes']),
  ]);
  t.equal(status.code, 0);
  t.equal(
    status.stderr,
    'warning: dial code voicemail=*72 starts with *7: hot-desk login is refused as "forbidden" until it is removed\n',
  );
  t.match(status.stdout, /^HD0001\s/m, 'the table is still printed');
  t.same([statusJson.code, statusJson.stderr], [0, ''], 'status --json stays clean JSON');
  t.match(JSON.parse(statusJson.stdout), [{ name: 'HD0001' }]);
  t.match(codes.stdout, /^voicemail\s+\*72\s+CONFLICT: blocks hot-desk login$/m);

  const audit = (await loadStoreFile(paths.store)).audit.filter((entry) => entry.kind === 'dial-code-set');
  t.same(
    audit.map((entry) => entry.detail),
    ['voicemail=*72 (forced)'],
  );

  const removed = await runCli(paths.dir, ['dial-codes', 'remove', 'voicemail']);
  t.equal(removed.code, 0);
  const clean = await runCli(paths.dir, ['status']);
  t.same([clean.code, clean.stderr], [0, ''], 'the warning goes with the code');
});

t.test('emergency list, add, remove', async (t) => {
  const paths = await tempData(t);
  const [text, json] = await Promise.all([
    runCli(paths.dir, ['emergency', 'list']),
    runCli(paths.dir, ['emergency', 'list', '--json']),
  ]);
  t.same([text.code, text.stdout, text.stderr], [0, '112\n911\n', '']);
  t.same([json.code, JSON.parse(json.stdout), json.stderr], [0, ['112', '911'], '']);

  const added = await runCli(paths.dir, ['emergency', 'add', '999']);
  t.same([added.code, added.stdout, added.stderr], [0, 'emergency numbers: 112, 911, 999\n', '']);
  const removed = await runCli(paths.dir, ['emergency', 'remove', '911']);
  t.same([removed.code, removed.stdout, removed.stderr], [0, 'emergency numbers: 112, 999\n', '']);
  t.equal((await runCli(paths.dir, ['emergency', 'remove', '999'])).code, 0);

  const refused = await Promise.all([
    runCli(paths.dir, ['emergency', 'add', '112']),
    runCli(paths.dir, ['emergency', 'add', 'help']),
    runCli(paths.dir, ['emergency', 'remove', '911']),
    runCli(paths.dir, ['emergency', 'remove', '112']),
    runCli(paths.dir, ['emergency', 'add']),
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
  t.equal(refused[0]!.stderr, 'hotdesk: 112 is already an emergency number\n');
  t.equal(refused[1]!.stderr, 'hotdesk: "help" is not an emergency number (2 to 6 digits)\n');
  t.equal(refused[2]!.stderr, 'hotdesk: 911 is not an emergency number here\n');
  t.equal(refused[3]!.stderr, 'hotdesk: 112 is the last emergency number; add another before removing it\n');
  t.match(refused[4]!.stderr, /missing required argument 'number'/);

  const after = await runCli(paths.dir, ['emergency', 'list', '--json']);
  t.same(JSON.parse(after.stdout), ['112']);
});

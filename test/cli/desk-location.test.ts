/**
 * Desk locations as a real process: `settings set civic-address`, `phone set
 * --building/--floor/--room/--emergency-callback`, `trunk set --main-number
 * --emergency-location`, and how `settings`, `phones`, `status` and
 * `trunk show` show them.
 */
import t from 'tap';
import { runCli } from '../support/run-cli.js';
import { loadStoreFile, tempData } from '../support/temp-data.js';

t.test('the office civic address: set, shown as set, merged, refused when wrong', async (t) => {
  const paths = await tempData(t);
  const set = await runCli(paths.dir, [
    'settings',
    'set',
    'civic-address',
    'country=US',
    'region=CA',
    'city=Springfield',
    'street=Main Street',
    'number=12',
    'postal-code=90210',
  ]);
  t.same([set.code, set.stderr], [0, '']);
  t.match(set.stdout, 'office civic address: Main Street 12, 90210 Springfield, CA, US');
  t.same((await loadStoreFile(paths.store)).settings.civicAddress, {
    country: 'US',
    region: 'CA',
    city: 'Springfield',
    street: 'Main Street',
    number: '12',
    'postal-code': '90210',
  });
  const shown = await runCli(paths.dir, ['settings']);
  t.match(
    shown.stdout,
    /^civic-address {4}country=US region=CA city=Springfield 'street=Main Street' number=12 postal-code=90210$/m,
    'spelt as settings set takes it',
  );
  t.match(JSON.parse((await runCli(paths.dir, ['settings', '--json'])).stdout), {
    civicAddress: { country: 'US', street: 'Main Street' },
  });
  const merged = await runCli(paths.dir, ['settings', 'set', 'civic-address', 'region=', 'building=HQ']);
  t.equal(merged.code, 0);
  t.same((await loadStoreFile(paths.store)).settings.civicAddress, {
    country: 'US',
    city: 'Springfield',
    street: 'Main Street',
    number: '12',
    'postal-code': '90210',
    building: 'HQ',
  });

  const bad = await runCli(paths.dir, ['settings', 'set', 'civic-address', 'country=usa']);
  t.equal(bad.code, 1);
  t.match(bad.stderr, /country is a two-letter ISO 3166 code/);
  const unknown = await runCli(paths.dir, ['settings', 'set', 'civic-address', 'planet=Earth']);
  t.equal(unknown.code, 1);
  t.match(unknown.stderr, /"planet=Earth" is not FIELD=VALUE/);
  const twoValues = await runCli(paths.dir, ['settings', 'set', 'time-zone', 'Europe/Rome', 'extra']);
  t.equal(twoValues.code, 2, 'other settings still take one value');
  t.equal((await loadStoreFile(paths.store)).settings.civicAddress?.country, 'US', 'refusals changed nothing');
  const none = await runCli(paths.dir, ['settings', 'set', 'civic-address', 'none']);
  t.equal(none.code, 0);
  t.equal((await loadStoreFile(paths.store)).settings.civicAddress, undefined);
  t.notMatch((await runCli(paths.dir, ['settings'])).stdout, /civic-address/, 'no row once there is no address');
});

t.test('a desk location and callback number: phone set, phones, status', async (t) => {
  const paths = await tempData(t);
  for (const mac of ['001565aabb01', '001565aabb02'])
    t.equal((await runCli(paths.dir, ['add-phone', '--model', 'yealink-t54w', '--mac', mac])).code, 0);
  const before = await runCli(paths.dir, ['status']);
  t.notMatch(before.stdout, /LOCATION/, 'no column while no phone has a location');

  const set = await runCli(
    paths.dir,
    'phone set HD0001 --building A --floor 2 --room 214 --emergency-callback +15551234567'.split(' '),
  );
  t.same(
    [set.code, set.stdout, set.stderr],
    [0, 'HD0001: building A, floor 2, room 214, emergency callback +15551234567\n', ''],
  );
  const stored = (await loadStoreFile(paths.store)).phones[0]!;
  t.same([stored.location, stored.emergencyCallback], [{ building: 'A', floor: '2', room: '214' }, '+15551234567']);

  const [phones, phonesJson, status, statusJson] = await Promise.all([
    runCli(paths.dir, ['phones']),
    runCli(paths.dir, ['phones', '--json']),
    runCli(paths.dir, ['status']),
    runCli(paths.dir, ['status', '--json']),
  ]);
  t.match(phones.stdout, /^NAME\s+MODEL\s+MAC\s+CONNECTION\s+STATE\s+LOCATION\s+CALLBACK$/m);
  t.match(phones.stdout, /^HD0001 .*idle\s+building A, floor 2, room 214\s+\+15551234567$/m);
  t.match(phones.stdout, /^HD0002 .*idle\s+-\s+-$/m);
  const listed = JSON.parse(phonesJson.stdout) as Record<string, unknown>[];
  t.same(
    [listed[0]!['location'], listed[0]!['emergencyCallback']],
    [{ building: 'A', floor: '2', room: '214' }, '+15551234567'],
  );
  t.notOk('location' in listed[1]!, 'a phone with none has no location member');
  t.match(status.stdout, /SYNC\s+LOCATION$/m);
  t.match(status.stdout, /^HD0001 .*building A, floor 2, room 214, ELIN \+15551234567$/m);
  t.match(JSON.parse(statusJson.stdout)[0], {
    name: 'HD0001',
    location: 'building A, floor 2, room 214',
    emergencyCallback: '+15551234567',
  });

  const moved = await runCli(paths.dir, ['phone', 'set', 'hd0001', '--room', '215', '--building', '', '--json']);
  t.equal(moved.code, 0);
  t.match(JSON.parse(moved.stdout), {
    phone: 'HD0001',
    location: { floor: '2', room: '215' },
    emergencyCallback: '+15551234567',
    pinned: null,
  });

  const bad = await runCli(paths.dir, ['phone', 'set', 'HD0001', '--emergency-callback', '555-1234']);
  t.equal(bad.code, 1);
  t.match(
    bad.stderr,
    /emergency-callback: "555-1234" is not valid \(expected an emergency callback number is in E\.164 form/,
  );
  const nothing = await runCli(paths.dir, ['phone', 'set', 'HD0001']);
  t.equal(nothing.code, 2);
  t.match(nothing.stderr, /phone set needs --pinned EXT, --no-pinned, or a location/);
  t.same(
    (await loadStoreFile(paths.store)).phones[0]!.location,
    { floor: '2', room: '215' },
    'refusals changed nothing',
  );
});

t.test('trunk set --main-number --emergency-location, trunk show', async (t) => {
  const paths = await tempData(t);
  const set = await runCli(paths.dir, [
    'trunk',
    'set',
    'sip:198.51.100.1',
    '--main-number',
    '+15550001000',
    '--emergency-location',
    'pidf-lo',
  ]);
  t.same([set.code, set.stderr], [0, '']);
  t.same((await loadStoreFile(paths.store)).settings.trunk, {
    uri: 'sip:198.51.100.1',
    mainNumber: '+15550001000',
    emergencyLocation: 'pidf-lo',
  });
  const shown = await runCli(paths.dir, ['trunk', 'show']);
  t.equal(shown.stdout, 'sip:198.51.100.1\nmain number: +15550001000; emergency location: pidf-lo\n');
  t.match(JSON.parse((await runCli(paths.dir, ['trunk', 'show', '--json'])).stdout), {
    mainNumber: '+15550001000',
    emergencyLocation: 'pidf-lo',
  });
  const wrongMode = await runCli(paths.dir, ['trunk', 'set', 'sip:198.51.100.1', '--emergency-location', 'http']);
  t.equal(wrongMode.code, 2, 'an unknown mode is a usage error');
  const wrongNumber = await runCli(paths.dir, ['trunk', 'set', 'sip:198.51.100.1', '--main-number', '5550001000']);
  t.equal(wrongNumber.code, 1);
  t.match(wrongNumber.stderr, /the main number is in E\.164 form/);
  const plain = await runCli(paths.dir, ['trunk', 'set', 'sip:198.51.100.1']);
  t.equal(plain.code, 0);
  t.same(
    (await loadStoreFile(paths.store)).settings.trunk,
    { uri: 'sip:198.51.100.1' },
    'like every trunk option, not given is cleared (none by default)',
  );
  t.equal((await runCli(paths.dir, ['trunk', 'show'])).stdout, 'sip:198.51.100.1\n');
});

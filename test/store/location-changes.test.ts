/**
 * Desk locations through `applyChange`: the office civic address, a phone's
 * building/floor/room and callback number (ELIN), the trunk's main number and
 * emergency-location mode, and the control socket's schema for all of them.
 */
import t from 'tap';
import { applyChange, type Change } from '../../src/store/changes.js';
import { parseChange } from '../../src/store/change-schema.js';
import { parseStore, serializeStore } from '../../src/store/migrate.js';
import type { StoreData } from '../../src/store/schema.js';
import { addExtension, addPhone, CATALOGUE, NOW, office } from '../support/office.js';

const apply = (data: StoreData, change: Change) => applyChange(data, change, { now: NOW, catalogue: CATALOGUE });

function applied(data: StoreData, change: Change) {
  const outcome = apply(data, change);
  if (!outcome.ok) throw new Error(`${change.kind} refused: ${JSON.stringify(outcome.reason)}`);
  return outcome.value;
}

const base = () => office(addExtension('100'), addPhone('001565000001'), addPhone('001565000002'));

t.test('the office civic address: set, merged, cleared field by field, audited', async (t) => {
  const first = applied(base(), {
    kind: 'set-civic-address',
    set: {
      country: 'US',
      region: 'CA',
      city: 'Springfield',
      street: 'Main Street',
      number: '12',
      'postal-code': '90210',
    },
    cleared: [],
  });
  t.same(first.data.settings.civicAddress, {
    country: 'US',
    region: 'CA',
    city: 'Springfield',
    street: 'Main Street',
    number: '12',
    'postal-code': '90210',
  });
  t.same(first.result, {
    kind: 'done',
    message: 'office civic address: Main Street 12, 90210 Springfield, CA, US',
    warnings: [],
  });
  t.match(first.data.audit.at(-1), {
    kind: 'settings-changed',
    actor: 'admin',
    detail: 'civic address: Main Street 12, 90210 Springfield, CA, US',
  });
  const second = applied(first.data, {
    kind: 'set-civic-address',
    set: { building: 'HQ', number: '14' },
    cleared: ['region'],
  });
  t.same(
    second.data.settings.civicAddress,
    { country: 'US', city: 'Springfield', street: 'Main Street', number: '14', 'postal-code': '90210', building: 'HQ' },
    'other fields stay',
  );
  t.same(second.data.phones, base().phones, 'no phone is re-provisioned');
  const gone = applied(second.data, {
    kind: 'set-civic-address',
    set: {},
    cleared: ['country', 'region', 'city', 'street', 'number', 'postal-code', 'building', 'floor', 'room'],
  });
  t.equal(gone.data.settings.civicAddress, undefined, 'every field cleared: no address at all');
  t.equal(gone.result.kind === 'done' && gone.result.message, 'office civic address: not set');
  const noCountry = applied(base(), { kind: 'set-civic-address', set: { city: 'Berlin' }, cleared: [] });
  t.match(noCountry.result, { warnings: [/no country/] }, 'an address without a country is kept, with a warning');
  const refusals: [string, Change][] = [
    ['a lowercase country', { kind: 'set-civic-address', set: { country: 'us' }, cleared: [] }],
    ['a control character', { kind: 'set-civic-address', set: { street: 'Main\nStreet' }, cleared: [] }],
    ['a very long value', { kind: 'set-civic-address', set: { city: 'x'.repeat(65) }, cleared: [] }],
  ];
  for (const [name, change] of refusals)
    t.match(apply(base(), change), { ok: false, reason: { kind: 'invalid-setting', name: 'civic-address' } }, name);
});

t.test("a phone's desk location and callback number", async (t) => {
  const data = base();
  const set = applied(data, {
    kind: 'set-phone',
    phone: 'hd0001',
    location: { building: 'A', floor: '2', room: '214' },
    emergencyCallback: '+15551234567',
  });
  t.same(
    set.data.phones[0],
    { ...data.phones[0], location: { building: 'A', floor: '2', room: '214' }, emergencyCallback: '+15551234567' },
    'nothing else changes, not even the generation',
  );
  t.same(set.result, {
    kind: 'done',
    message: 'HD0001: building A, floor 2, room 214, emergency callback +15551234567',
    warnings: [],
  });
  t.match(set.data.audit.at(-1), {
    kind: 'settings-changed',
    phone: 'HD0001',
    detail: 'location: building A, floor 2, room 214, emergency callback +15551234567',
  });
  const moved = applied(set.data, { kind: 'set-phone', phone: 'HD0001', location: { room: '215', building: null } });
  t.same(moved.data.phones[0]!.location, { floor: '2', room: '215' }, 'a field is changed or cleared, the others stay');
  t.equal(moved.data.phones[0]!.emergencyCallback, '+15551234567');
  const cleared = applied(moved.data, {
    kind: 'set-phone',
    phone: 'HD0001',
    location: { floor: null, room: null },
    emergencyCallback: null,
  });
  t.equal(cleared.data.phones[0]!.location, undefined);
  t.equal(cleared.data.phones[0]!.emergencyCallback, undefined);
  t.notOk(
    'location' in cleared.data.phones[0]! || 'emergencyCallback' in cleared.data.phones[0]!,
    'no empty fields are left in the store',
  );

  const pinnedToo = applied(data, { kind: 'set-phone', phone: 'HD0002', location: { room: '9' }, pinned: '100' });
  t.same(
    [pinnedToo.data.phones[1]!.location, pinnedToo.data.phones[1]!.pinned],
    [{ room: '9' }, '100'],
    'pinning and a location in one change',
  );
  t.equal(pinnedToo.result.kind, 'sessions');

  const refusals: [string, Change, string][] = [
    [
      'a callback number that is not E.164',
      { kind: 'set-phone', phone: 'HD0001', emergencyCallback: '5551234567' },
      'invalid-setting',
    ],
    [
      'a callback number too short',
      { kind: 'set-phone', phone: 'HD0001', emergencyCallback: '+1555' },
      'invalid-setting',
    ],
    ['an empty room', { kind: 'set-phone', phone: 'HD0001', location: { room: '' } }, 'invalid-setting'],
    [
      'a room with a line break',
      { kind: 'set-phone', phone: 'HD0001', location: { room: '2\r\n14' } },
      'invalid-setting',
    ],
    ['an unknown phone', { kind: 'set-phone', phone: 'HD0099', location: { room: '1' } }, 'unknown-phone'],
  ];
  for (const [name, change, reason] of refusals)
    t.match(apply(data, change), { ok: false, reason: { kind: reason } }, name);
});

t.test("the trunk's main number and emergency-location mode", async (t) => {
  const data = base();
  const set = applied(data, {
    kind: 'set-trunk',
    uri: 'sip:trunk.example',
    mainNumber: '+15550001000',
    emergencyLocation: 'pidf-lo',
  });
  t.same(set.data.settings.trunk, {
    uri: 'sip:trunk.example',
    mainNumber: '+15550001000',
    emergencyLocation: 'pidf-lo',
  });
  t.match(set.result, { message: /main number \+15550001000, emergency calls carry the desk location/ });
  const none = applied(set.data, { kind: 'set-trunk', uri: 'sip:trunk.example', emergencyLocation: 'none' });
  t.same(none.data.settings.trunk, { uri: 'sip:trunk.example' }, 'none (the default) is not stored');
  t.match(apply(data, { kind: 'set-trunk', uri: 'sip:trunk.example', mainNumber: '0301234' }), {
    ok: false,
    reason: { kind: 'invalid-trunk', detail: /main number is in E\.164 form/ },
  });
});

t.test('control socket schema and store round trip', async (t) => {
  const changes: Change[] = [
    { kind: 'set-phone', phone: 'HD0001', location: { building: 'A', floor: null }, emergencyCallback: null },
    { kind: 'set-civic-address', set: { country: 'DE', 'postal-code': '10117' }, cleared: ['room'] },
    { kind: 'set-trunk', uri: 'sip:trunk.example', mainNumber: '+4930123456', emergencyLocation: 'pidf-lo' },
  ];
  for (const change of changes) t.same(parseChange(JSON.parse(JSON.stringify(change))), change, change.kind);
  t.equal(
    parseChange({ kind: 'set-civic-address', set: {}, cleared: ['planet'] }),
    undefined,
    'unknown fields are refused',
  );
  t.equal(parseChange({ kind: 'set-trunk', uri: 'sip:x', emergencyLocation: 'carrier-pigeon' }), undefined);

  let data = base();
  for (const change of changes) data = applied(data, change).data;
  const reread = parseStore(serializeStore(data));
  t.same(reread, { ok: true, data, migrated: false }, 'the new fields survive a save and a load');
  const old = parseStore(serializeStore(base()));
  t.ok(old.ok && old.data.settings.civicAddress === undefined, 'a store without them still loads');
  const forged = JSON.parse(serializeStore(data));
  forged.phones[0].emergencyCallback = '911';
  t.match(
    parseStore(JSON.stringify(forged)),
    { ok: false, problem: /emergencyCallback/ },
    'a hand-edited callback number that is not E.164 is caught on load',
  );
});

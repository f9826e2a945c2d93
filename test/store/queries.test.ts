import t from 'tap';
import { applyChange, type Change } from '../../src/store/changes.js';
import { lockRecordOf, lockState, loginBlock, phoneLockKey, statusRows } from '../../src/store/queries.js';
import type { StoreData } from '../../src/store/schema.js';
import { addExtension, addPhone, CATALOGUE, NOW, office } from '../support/office.js';

const T0 = Date.parse(NOW);
const MIN = 60_000;
const at = (ms: number) => new Date(ms).toISOString();

function failMany(data: StoreData, count: number, change: Change): StoreData {
  for (let i = 0; i < count; i++) {
    const outcome = applyChange(data, change, { now: NOW, catalogue: CATALOGUE });
    if (!outcome.ok) throw new Error('refused');
    data = outcome.value.data;
  }
  return data;
}

const base = () =>
  office(
    addPhone('001565000001'),
    addPhone('001565000002'),
    ...['100', '101', '102', '103', '104'].map((n) => addExtension(n)),
  );

t.test('phoneLockKey: pool phones by name or MAC, anything else as given', async (t) => {
  const data = base();
  t.equal(phoneLockKey(data, 'hd0002'), 'HD0002');
  t.equal(phoneLockKey(data, '00:15:65:00:00:01'), 'HD0001');
  t.equal(phoneLockKey(data, ' 201 '), '201');
});

t.test('lockRecordOf reads own members only', async (t) => {
  t.equal(lockRecordOf({}, 'constructor'), undefined);
  t.equal(lockRecordOf({}, '__proto__'), undefined);
  t.same(lockRecordOf({ '100': { failures: 1, level: 0, lockedUntil: null } }, '100'), {
    failures: 1,
    level: 0,
    lockedUntil: null,
  });
});

const threePhones = () =>
  office(
    addPhone('001565000001'),
    addPhone('001565000002'),
    addPhone('001565000003'),
    ...['100', '101', '102', '103', '104'].map((n) => addExtension(n)),
  );

t.test('lockState lists running locks only, each kind apart, in name order', async (t) => {
  t.same(lockState(base(), NOW), { extensions: [], phones: [], pairs: [] });
  let data = failMany(threePhones(), 5, { kind: 'pin-failed', extension: '101', phone: 'HD0002' });
  data = failMany(data, 5, { kind: 'pin-failed', extension: '100', phone: 'HD0002' });
  data = failMany(data, 3, { kind: 'pin-failed', extension: '102', phone: 'HD0001' });
  data = failMany(data, 1, { kind: 'pin-failed', extension: '102', phone: 'HD0003' });
  data = failMany(data, 1, { kind: 'pin-failed', extension: '102', phone: 'HD0002' });
  t.same(lockState(data, NOW), {
    extensions: [{ extension: '102', until: at(T0 + MIN), level: 1 }],
    phones: [{ phone: 'HD0002', until: at(T0 + MIN), level: 1 }],
    pairs: [
      { phone: 'HD0002', extension: '100', until: at(T0 + MIN), level: 1 },
      { phone: 'HD0002', extension: '101', until: at(T0 + MIN), level: 1 },
    ],
  });
  t.same(lockState(data, T0 + MIN), { extensions: [], phones: [], pairs: [] }, 'nothing once the locks run out');
});

t.test('loginBlock says what stops a PIN check', async (t) => {
  const data = threePhones();
  t.equal(loginBlock(data, '100', 'HD0001', NOW), undefined);
  const pairLocked = failMany(data, 5, { kind: 'pin-failed', extension: '100', phone: 'HD0001' });
  t.same(loginBlock(pairLocked, '100', '00:15:65:00:00:01', NOW), {
    kind: 'pair-locked',
    phone: 'HD0001',
    extension: '100',
    until: at(T0 + MIN),
  });
  t.equal(loginBlock(pairLocked, '100', 'HD0002', NOW), undefined, 'the user may log in on another phone');
  t.equal(loginBlock(pairLocked, '101', 'HD0001', NOW), undefined, 'other extensions on that phone may still try');
  t.equal(loginBlock(pairLocked, '100', 'HD0001', at(T0 + MIN)), undefined, 'the lock runs out');

  let phoneLocked = data;
  for (const extension of ['100', '101', '102', '103', '104', '100', '101', '102', '103', '104']) {
    phoneLocked = failMany(phoneLocked, 1, { kind: 'pin-failed', extension, phone: 'HD0002' });
  }
  t.same(loginBlock(phoneLocked, '101', '00:15:65:00:00:02', NOW), {
    kind: 'phone-locked',
    phone: 'HD0002',
    until: at(T0 + MIN),
  });
  t.equal(loginBlock(phoneLocked, '101', 'HD0001', NOW), undefined, 'the user may log in on another phone');

  const extensionLocked = failMany(
    failMany(phoneLocked, 1, { kind: 'pin-failed', extension: '100', phone: 'HD0001' }),
    1,
    { kind: 'pin-failed', extension: '100', phone: 'HD0003' },
  );
  t.same(
    loginBlock(extensionLocked, '100', 'HD0002', NOW),
    { kind: 'extension-locked', extension: '100', until: at(T0 + MIN) },
    'the extension lock is named first',
  );
  t.same(
    loginBlock(extensionLocked, '100', 'HD0001', NOW)?.kind,
    'extension-locked',
    'three phones: every phone is held back',
  );
  t.equal(loginBlock(extensionLocked, '101', 'HD0001', NOW), undefined, 'other extensions are not');
});

t.test('status rows carry a desk location and callback number only when set', async (t) => {
  const data = office(addPhone('001565000001'), addPhone('001565000002'), {
    kind: 'set-phone',
    phone: 'HD0001',
    location: { building: 'A', room: '214' },
    emergencyCallback: '+15551234567',
  });
  const [located, bare] = statusRows(data, CATALOGUE);
  t.match(located, { name: 'HD0001', location: 'building A, room 214', emergencyCallback: '+15551234567' });
  t.notOk(bare && ('location' in bare || 'emergencyCallback' in bare), 'no members for a phone with none');
});

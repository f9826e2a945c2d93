import t from 'tap';
import {
  callbackDesks,
  callbackMinutesOf,
  checkCallbackMinutes,
  deskLocationText,
  describeEmergencyCall,
  emergencyAlerts,
  emergencyLogLine,
  inCallbackWindow,
  phoneEmergencyFields,
  recordEmergencyCall,
  sameCallbackNumber,
  type EmergencyCall,
  type EmergencyState,
} from '../../src/core/emergency-calls.js';

const AT = '2026-11-22T08:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(AT) + minutes * 60_000).toISOString();
const ms = (minutes: number) => Date.parse(at(minutes));

const desk: EmergencyCall = {
  at: AT,
  number: '112',
  account: '101',
  phone: 'HD0003',
  extension: '101',
  user: 'Ada Lovelace',
  callback: '+15551234567',
  location: 'building A, floor 2, room 214',
};

t.test('the words: desk, location, user, number; idle desks and softphones too', async (t) => {
  const cases: [string, EmergencyCall, string, string][] = [
    [
      'a logged-in desk',
      desk,
      'emergency call from desk HD0003, building A, floor 2, room 214, by Ada Lovelace, extension 101, to 112',
      'EMERGENCY call from HD0003 ext 101 to 112',
    ],
    [
      'an idle desk without location',
      { at: AT, number: '911', account: 'HD0004', phone: 'HD0004' },
      'emergency call from desk HD0004, to 911',
      'EMERGENCY call from HD0004 ext - to 911',
    ],
    [
      'a softphone of an extension',
      { at: AT, number: '112', account: '102', extension: '102', user: 'Bob' },
      'emergency call from extension 102, by Bob, to 112',
      'EMERGENCY call from 102 ext 102 to 112',
    ],
    [
      'a user without a name',
      { ...desk, user: undefined } as unknown as EmergencyCall,
      'emergency call from desk HD0003, building A, floor 2, room 214, by extension 101, to 112',
      'EMERGENCY call from HD0003 ext 101 to 112',
    ],
  ];
  for (const [name, call, words, line] of cases) {
    const { user, ...rest } = call;
    const clean = user === undefined ? rest : call;
    t.equal(describeEmergencyCall(clean), words, name);
    t.equal(emergencyLogLine(clean), line, `${name}: the monitoring line`);
  }
  t.notMatch(emergencyLogLine(desk), /Ada|room/, 'the monitoring line has no names or places');
});

t.test('the alert lasts an hour; the callback window follows the setting (default 60)', async (t) => {
  const state: EmergencyState = { active: [desk] };
  const cases: [number, boolean][] = [
    [0, true],
    [59, true],
    [60, false],
    [-5, true],
  ];
  for (const [minutes, shown] of cases)
    t.equal(emergencyAlerts(state, at(minutes)).length, shown ? 1 : 0, `alert ${minutes} min after`);
  t.same(emergencyAlerts(undefined, AT), [], 'no block, no alert');

  t.equal(callbackMinutesOf(undefined), 60);
  t.equal(callbackMinutesOf({ callbackMinutes: 5 }), 5);
  const windows: [EmergencyState, number, boolean][] = [
    [state, 59, true],
    [state, 60, false],
    [{ ...state, callbackMinutes: 5 }, 4, true],
    [{ ...state, callbackMinutes: 5 }, 5, false],
    [{ ...state, callbackMinutes: 0 }, 0, false],
    [{ ...state, callbackMinutes: 120 }, 90, true],
  ];
  for (const [s, minutes, open] of windows) {
    t.equal(
      inCallbackWindow(s, 'HD0003', ms(minutes)),
      open,
      `${s.callbackMinutes ?? 'default'} min window, ${minutes} min after`,
    );
  }
  t.equal(inCallbackWindow(state, 'HD0001', ms(1)), false, 'another phone is not held');
});

t.test('callback numbers: the same digits in the forms trunks deliver', async (t) => {
  const cases: [string, string, boolean][] = [
    ['+15551234567', '+15551234567', true],
    ['15551234567', '+15551234567', true],
    ['5551234567', '+15551234567', true],
    ['0015551234567', '+15551234567', true],
    ['1234567', '+15551234567', true],
    ['234567', '+15551234567', false],
    ['+15551234568', '+15551234567', false],
    ['', '+15551234567', false],
    ['abc', '+15551234567', false],
  ];
  for (const [dialled, callback, same] of cases)
    t.equal(sameCallbackNumber(dialled, callback), same, `${dialled} vs ${callback}`);
});

t.test('which desks a trunk call rings: the ELIN or the user, within the window', async (t) => {
  const other: EmergencyCall = { at: at(10), number: '112', account: 'HD0004', phone: 'HD0004' };
  const softphone: EmergencyCall = { at: at(10), number: '112', account: '102', extension: '102' };
  const state: EmergencyState = { active: [desk, other, softphone] };
  const cases: [string, number, string[]][] = [
    ['+15551234567', 1, ['HD0003']],
    ['5551234567', 30, ['HD0003']],
    ['101', 30, ['HD0003']],
    ['102', 30, []],
    ['HD0004', 30, []],
    ['+15551234567', 60, []],
    ['100', 1, []],
  ];
  for (const [dialled, minutes, desks] of cases)
    t.same(callbackDesks(state, dialled, ms(minutes)), desks, `${dialled} at ${minutes} min`);
  const twice: EmergencyState = { active: [desk, { ...desk, at: at(5), phone: 'HD0005' }] };
  t.same(callbackDesks(twice, '101', ms(6)), ['HD0005', 'HD0003'], 'the newest call first');
});

t.test('recording keeps only the calls still within a window', async (t) => {
  const first = recordEmergencyCall(undefined, desk);
  t.same(first, { active: [desk] });
  const later = { ...desk, at: at(61) };
  t.same(
    recordEmergencyCall({ notify: ['100'], active: [desk] }, later),
    { notify: ['100'], active: [later] },
    'the hour-old call is dropped, notify kept',
  );
  t.same(
    recordEmergencyCall({ callbackMinutes: 120, active: [desk] }, later).active,
    [desk, later],
    'a longer callback window keeps it',
  );
});

t.test('phone fields are read defensively', async (t) => {
  t.same(phoneEmergencyFields(undefined), { desk: {} });
  t.same(phoneEmergencyFields({}), { desk: {} });
  t.same(
    phoneEmergencyFields({ location: { building: 'A', floor: '', room: '214' }, emergencyCallback: '+15551234567' }),
    { desk: { building: 'A', room: '214' }, callback: '+15551234567' },
    'an empty field counts as not set',
  );
  t.equal(deskLocationText({ location: { building: 'A', floor: '2', room: '214' } }), 'building A, floor 2, room 214');
  t.equal(deskLocationText({ location: { room: '' } }), '');
});

t.test('the callback window setting', async (t) => {
  const cases: [number, boolean][] = [
    [0, true],
    [60, true],
    [1440, true],
    [1441, false],
    [-1, false],
    [1.5, false],
    [Number.NaN, false],
  ];
  for (const [value, valid] of cases) t.equal(checkCallbackMinutes(value) === undefined, valid, String(value));
});

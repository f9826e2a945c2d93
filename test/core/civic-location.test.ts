import t from 'tap';
import {
  checkCallbackNumber,
  checkCivicValue,
  CIVIC_FIELDS,
  deskAddress,
  describeDesk,
  describeOffice,
  hasDeskLocation,
  parseCivicAssignments,
} from '../../src/core/civic-location.js';

t.same(
  Object.values(CIVIC_FIELDS),
  ['country', 'A1', 'A3', 'RD', 'HNO', 'PC', 'BLD', 'FLR', 'ROOM'],
  'RFC 5139 element names',
);

const values: [Parameters<typeof checkCivicValue>[0], string, RegExp | undefined][] = [
  ['country', 'DE', undefined],
  ['country', 'de', /two-letter/],
  ['country', 'DEU', /two-letter/],
  ['city', 'Berlin', undefined],
  ['city', ' Berlin', /spaces/],
  ['city', '', /empty/],
  ['room', 'x'.repeat(65), /at most 64/],
  ['room', '2\n14', /control/],
  ['street', 'Unter den Linden', undefined],
];
for (const [field, value, problem] of values) {
  const verdict = checkCivicValue(field, value);
  if (problem) t.match(verdict, problem, `${field}=${JSON.stringify(value)} refused`);
  else t.equal(verdict, undefined, `${field}=${value} accepted`);
}

t.same(parseCivicAssignments(['country=DE', 'city=Berlin', 'street=Unter den Linden', 'number=5', 'floor=']), {
  kind: 'ok',
  set: { country: 'DE', city: 'Berlin', street: 'Unter den Linden', number: '5' },
  cleared: ['floor'],
});
t.match(parseCivicAssignments(['town=Berlin']), { kind: 'invalid', problem: /FIELD one of country, region/ });
t.match(parseCivicAssignments(['Berlin']), { kind: 'invalid', problem: /not FIELD=VALUE/ });
t.match(parseCivicAssignments(['country=Germany']), { kind: 'invalid', problem: /two-letter/ });
t.match(parseCivicAssignments(['toString=x']), { kind: 'invalid' }, 'inherited names are no fields');

const office = { country: 'DE', city: 'Berlin', building: 'Main', floor: '1' };
t.same(
  deskAddress(office, { floor: '2', room: '214' }),
  { country: 'DE', city: 'Berlin', building: 'Main', floor: '2', room: '214' },
  'the desk lies over the office',
);
t.same(deskAddress(undefined, { room: '7' }), { room: '7' });
t.same(deskAddress(office, undefined), office);

t.equal(hasDeskLocation({}), false);
t.equal(hasDeskLocation(undefined), false);
t.equal(hasDeskLocation({ room: '214' }), true);
t.equal(describeDesk({ building: 'A', floor: '2', room: '214' }), 'building A, floor 2, room 214');
t.equal(describeDesk({ room: '214' }), 'room 214');
t.equal(describeDesk(undefined), '');
t.equal(
  describeOffice({ country: 'DE', city: 'Berlin', street: 'Unter den Linden', number: '5', 'postal-code': '10117' }),
  'Unter den Linden 5, 10117 Berlin, DE',
);
t.equal(describeOffice(undefined), '');

for (const good of ['+15551234567', '+493012345678']) t.equal(checkCallbackNumber(good), undefined, `${good} is E.164`);
for (const bad of ['15551234567', '+0551234567', '+1555', '+1234567890123456', '+1 555 123 4567'])
  t.match(checkCallbackNumber(bad), /E\.164/, `${bad} is not`);

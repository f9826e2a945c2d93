import t from 'tap';
import { checkPinTry, type PendingTries, type PinTryVerdict } from '../../src/store/pin-try.js';
import type { StoreData } from '../../src/store/schema.js';
import { addExtension, addPhone, NOW, office } from '../support/office.js';

const base = office(addExtension('100'), addPhone('001565000001'));
const later = new Date(Date.parse(NOW) + 3600_000).toISOString();
const withSecurity = (security: Partial<StoreData['security']>): StoreData => ({
  ...base,
  security: { ...base.security, ...security },
});
const record = (failures: number, lockedUntil: string | null = null) => ({
  failures,
  level: lockedUntil ? 1 : 0,
  lockedUntil,
});
const none: PendingTries = { phone: 0, pair: 0, extensionPhones: [] };

const cases: [string, StoreData, PendingTries, PinTryVerdict][] = [
  ['nothing on record', base, none, 'allowed'],
  ['pair: four on record, none in flight', withSecurity({ pairs: { '100': { HD0001: record(4) } } }), none, 'allowed'],
  [
    'pair: four on record, one in flight: a fifth could lock',
    withSecurity({ pairs: { '100': { HD0001: record(4) } } }),
    { ...none, pair: 1 },
    'in-flight',
  ],
  ['pair: five in flight', base, { ...none, pair: 5 }, 'in-flight'],
  ['pair locked', withSecurity({ pairs: { '100': { HD0001: record(0, later) } } }), none, 'locked'],
  [
    "another phone's pair locked: not this one",
    withSecurity({ pairs: { '100': { HD0002: record(0, later) } } }),
    none,
    'allowed',
  ],
  ['extension locked', withSecurity({ extensions: { '100': record(0, later) } }), none, 'locked'],
  ['lock ended', withSecurity({ extensions: { '100': record(0, NOW) } }), none, 'allowed'],
  [
    "an old store's extension count alone does not hold a try back",
    withSecurity({ extensions: { '100': record(4) } }),
    none,
    'allowed',
  ],
  [
    'two other phones failed lately, a third in flight',
    withSecurity({ extensions: { '100': { ...record(2), failedFrom: { HD0002: NOW, HD0003: NOW } } } }),
    { ...none, extensionPhones: ['HD0004'] },
    'in-flight',
  ],
  [
    'two other phones failed lately',
    withSecurity({ extensions: { '100': { ...record(2), failedFrom: { HD0002: NOW, HD0003: NOW } } } }),
    none,
    'allowed',
  ],
  ['phone locked', withSecurity({ phones: { HD0001: record(0, later) } }), none, 'locked'],
  [
    'phone: nine on record, one in flight',
    withSecurity({ phones: { HD0001: record(9) } }),
    { ...none, phone: 1 },
    'in-flight',
  ],
  ['phone: nine on record', withSecurity({ phones: { HD0001: record(9) } }), none, 'allowed'],
];
for (const [name, data, pending, expected] of cases)
  t.equal(checkPinTry(data, '100', 'HD0001', pending, NOW), expected, name);
t.equal(
  checkPinTry(base, '100', '001565000001', { ...none, phone: 10 }, NOW),
  'in-flight',
  'a phone found by MAC counts as itself',
);
t.equal(
  checkPinTry(withSecurity({ pairs: { '100': { HD0001: record(0, later) } } }), '100', '00:15:65:00:00:01', none, NOW),
  'locked',
  'its pair found by MAC too',
);

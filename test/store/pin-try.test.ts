import t from 'tap';
import { checkPinTry, type PinTryVerdict } from '../../src/store/pin-try.js';
import type { StoreData } from '../../src/store/schema.js';
import { addExtension, addPhone, NOW, office } from '../support/office.js';

const base = office(addExtension('100'), addPhone('001565000001'));
const later = new Date(Date.parse(NOW) + 3600_000).toISOString();
const withSecurity = (security: Partial<StoreData['security']>): StoreData => ({ ...base, security: { ...base.security, ...security } });
const record = (failures: number, lockedUntil: string | null = null) => ({ failures, level: lockedUntil ? 1 : 0, lockedUntil });

const cases: [string, StoreData, { extension: number; phone: number }, PinTryVerdict][] = [
  ['nothing on record', base, { extension: 0, phone: 0 }, 'allowed'],
  ['four on record, none in flight', withSecurity({ extensions: { '100': record(4) } }), { extension: 0, phone: 0 }, 'allowed'],
  ['four on record, one in flight: a fifth could lock', withSecurity({ extensions: { '100': record(4) } }), { extension: 1, phone: 0 }, 'in-flight'],
  ['five in flight', base, { extension: 5, phone: 0 }, 'in-flight'],
  ['extension locked', withSecurity({ extensions: { '100': record(0, later) } }), { extension: 0, phone: 0 }, 'locked'],
  ['lock ended', withSecurity({ extensions: { '100': record(0, NOW) } }), { extension: 0, phone: 0 }, 'allowed'],
  ['phone locked', withSecurity({ phones: { HD0001: record(0, later) } }), { extension: 0, phone: 0 }, 'locked'],
  ['phone: nine on record, one in flight', withSecurity({ phones: { HD0001: record(9) } }), { extension: 0, phone: 1 }, 'in-flight'],
  ['phone: nine on record', withSecurity({ phones: { HD0001: record(9) } }), { extension: 0, phone: 0 }, 'allowed'],
];
for (const [name, data, pending, expected] of cases) t.equal(checkPinTry(data, '100', 'HD0001', pending, NOW), expected, name);
t.equal(checkPinTry(base, '100', '001565000001', { extension: 0, phone: 10 }, NOW), 'in-flight', 'a phone found by MAC counts as itself');

import t from 'tap';
import type { ChangeResult } from '../../src/store/changes.js';
import { describeChangeResult } from '../../src/tui/describe-change-result.js';
import { deskOffice } from '../support/tui-office.js';

const data = deskOffice();
const phone = data.phones[2]!;

const cases: [string, ChangeResult, string][] = [
  [
    'a new phone with its provisioning URL',
    { kind: 'phone', phone },
    'HD0003 added: poly-vvx250, MAC 00:15:65:00:00:03, lan; provisioning URL http://192.0.2.10:8088/provisioning/tok-0123456789abcdef/',
  ],
  [
    'a done message with warnings',
    { kind: 'done', message: 'set', warnings: ['w1', 'w2'] },
    'set; warning: w1; warning: w2',
  ],
  ['a done message', { kind: 'done', message: 'removed HD0001', warnings: [] }, 'removed HD0001'],
  [
    'a logout',
    { kind: 'sessions', released: [{ phone: 'HD0001', extension: '202' }], reprovision: ['HD0001'] },
    'logged out 202 from HD0001',
  ],
  ['nobody logged out', { kind: 'sessions', released: [], reprovision: [] }, 'nobody was logged out'],
  [
    'a PIN check',
    { kind: 'pin-check', locked: true, until: '2026-11-22T08:05:00.000Z', phoneLocked: false },
    'locked until 2026-11-22T08:05:00.000Z',
  ],
  [
    'a phone lock',
    { kind: 'pin-check', locked: false, phoneLocked: true, phoneUntil: '2026-11-22T08:05:00.000Z' },
    'phone locked until 2026-11-22T08:05:00.000Z',
  ],
  [
    'a pair lock',
    { kind: 'pin-check', locked: false, phoneLocked: false, pairLocked: true, pairUntil: '2026-11-22T08:05:00.000Z' },
    'locked on this phone until 2026-11-22T08:05:00.000Z',
  ],
  ['no lock', { kind: 'pin-check', locked: false, phoneLocked: false }, 'not locked'],
];

for (const [name, result, expected] of cases) t.equal(describeChangeResult(result, data), expected, name);
t.equal(
  describeChangeResult({ kind: 'phone', phone }, undefined),
  'HD0003 added: poly-vvx250, MAC 00:15:65:00:00:03, lan',
  'no store: no URL',
);

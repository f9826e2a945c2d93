import t from 'tap';
import { DEFAULT_DIAL_CODES } from '../../src/core/dial-codes.js';
import { parseHotdeskCode, type HotdeskCode } from '../../src/core/hotdesk-code.js';

const moved = { login: '*88*', logout: '*88*9*', 'logout-everywhere': '*88*0*' };

const rows: [string, string, Record<string, string>, HotdeskCode | undefined][] = [
  ['login', '*77*100*', DEFAULT_DIAL_CODES, { kind: 'login', extension: '100' }],
  ['login, 8 digits', '*77*12345678*', DEFAULT_DIAL_CODES, { kind: 'login', extension: '12345678' }],
  ['login, 2 digits', '*77*10*', DEFAULT_DIAL_CODES, { kind: 'login', extension: '10' }],
  ['login, one digit is too short', '*77*1*', DEFAULT_DIAL_CODES, undefined],
  ['login, 9 digits is too long', '*77*123456789*', DEFAULT_DIAL_CODES, undefined],
  ['login without the closing star', '*77*100', DEFAULT_DIAL_CODES, undefined],
  ['login with letters', '*77*10a*', DEFAULT_DIAL_CODES, undefined],
  ['the prefix alone', '*77*', DEFAULT_DIAL_CODES, undefined],
  ['logout', '*77*5*', DEFAULT_DIAL_CODES, { kind: 'logout' }],
  ['logout everywhere', '*77*0*100*', DEFAULT_DIAL_CODES, { kind: 'logout-everywhere', extension: '100' }],
  [
    'the exact logout code wins',
    '*77*5*',
    { ...DEFAULT_DIAL_CODES, 'logout-everywhere': '*77*5*' },
    { kind: 'logout' },
  ],
  ['an extension', '100', DEFAULT_DIAL_CODES, undefined],
  ['codes moved: login', '*88*100*', moved, { kind: 'login', extension: '100' }],
  ['codes moved: the old login is nothing', '*77*100*', moved, undefined],
  ['codes moved: logout', '*88*9*', moved, { kind: 'logout' }],
  ['codes moved: logout everywhere', '*88*0*100*', moved, { kind: 'logout-everywhere', extension: '100' }],
  [
    'a store without logout-everywhere keeps its default',
    '*77*0*100*',
    { login: '*77*', logout: '*77*5*' },
    {
      kind: 'logout-everywhere',
      extension: '100',
    },
  ],
];

for (const [name, dialled, codes, expected] of rows) t.same(parseHotdeskCode(dialled, codes), expected, name);

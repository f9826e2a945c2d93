import t from 'tap';
import { normaliseDialled, routeCall, type Caller, type RouteDecision } from '../../src/sip/router.js';
import { DEFAULT_DIAL_CODES } from '../../src/core/dial-codes.js';

const settings = {
  dialCodes: { ...DEFAULT_DIAL_CODES },
  emergencyNumbers: ['112', '911'],
  trunk: { uri: 'sip:trunk.test' },
};
const noTrunk = { ...settings, trunk: null };
const withConflict = { ...settings, dialCodes: { ...DEFAULT_DIAL_CODES, park: '*70' } };
const oldStore = { ...settings, dialCodes: { login: '*77*', logout: '*77*5*' } };
const moved = { ...settings, dialCodes: { ...DEFAULT_DIAL_CODES, 'logout-everywhere': '*78*' } };
const isExtension = (number: string) => ['100', '101', '201'].includes(number);
const ext: Caller = { kind: 'extension', extension: '101' };
const idle: Caller = { kind: 'idle-phone', phone: 'HD0001' };
const trunk: Caller = { kind: 'trunk' };

const cases: [string, string, Caller, typeof settings | typeof noTrunk | typeof oldStore, RouteDecision][] = [
  ['login', '*77*100*', idle, settings, { kind: 'login', extension: '100' }],
  ['login, URL-encoded', '%2A77%2A100%2A', ext, settings, { kind: 'login', extension: '100' }],
  ['logout', '*77*5*', ext, settings, { kind: 'logout' }],
  [
    'login refused while *70 exists',
    '*77*100*',
    idle,
    withConflict,
    { kind: 'refuse', reason: { kind: 'dial-code-conflict', name: 'park', code: '*70' } },
  ],
  [
    'logout refused while *70 exists',
    '*77*5*',
    ext,
    withConflict,
    { kind: 'refuse', reason: { kind: 'dial-code-conflict', name: 'park', code: '*70' } },
  ],
  [
    'malformed login code is not a login',
    '*77*abc*',
    ext,
    noTrunk,
    { kind: 'refuse', reason: { kind: 'no-route', dialled: '*77*abc*' } },
  ],
  ['emergency from idle phone', '112', idle, settings, { kind: 'emergency', number: '112' }],
  ['emergency from an extension', '911', ext, settings, { kind: 'emergency', number: '911' }],
  ['emergency with no trunk', '112', idle, noTrunk, { kind: 'refuse', reason: { kind: 'no-trunk', dialled: '112' } }],
  [
    'idle phone dials an extension',
    '201',
    idle,
    settings,
    { kind: 'refuse', reason: { kind: 'idle-phone-restricted', phone: 'HD0001', dialled: '201' } },
  ],
  [
    'idle phone dials outside',
    '0800123',
    idle,
    settings,
    { kind: 'refuse', reason: { kind: 'idle-phone-restricted', phone: 'HD0001', dialled: '0800123' } },
  ],
  ['extension to extension', '201', ext, settings, { kind: 'extension', extension: '201' }],
  ['separators are dropped', '2-0-1', ext, settings, { kind: 'extension', extension: '201' }],
  ['outside number to trunk', '0800123', ext, settings, { kind: 'trunk', number: '0800123' }],
  [
    'outside number with no trunk',
    '0800123',
    ext,
    noTrunk,
    { kind: 'refuse', reason: { kind: 'no-route', dialled: '0800123' } },
  ],
  ['trunk calls an extension', '100', trunk, settings, { kind: 'extension', extension: '100' }],
  [
    'trunk may not loop back out',
    '0800123',
    trunk,
    settings,
    { kind: 'refuse', reason: { kind: 'no-route', dialled: '0800123' } },
  ],
  [
    'trunk may not log in',
    '*77*100*',
    trunk,
    settings,
    { kind: 'refuse', reason: { kind: 'no-route', dialled: '*77*100*' } },
  ],
  // Logout everywhere: *77*0* + EXT + *, from any phone; never a login as "0*100".
  ['logout everywhere from an extension', '*77*0*100*', ext, settings, { kind: 'logout-everywhere', extension: '100' }],
  [
    'logout everywhere from an idle phone',
    '*77*0*100*',
    idle,
    settings,
    { kind: 'logout-everywhere', extension: '100' },
  ],
  [
    'logout everywhere, URL-encoded',
    '%2A77%2A0%2A12345678%2A',
    ext,
    settings,
    { kind: 'logout-everywhere', extension: '12345678' },
  ],
  [
    'logout everywhere needs 2 to 8 digits',
    '*77*0*1*',
    ext,
    noTrunk,
    { kind: 'refuse', reason: { kind: 'no-route', dialled: '*77*0*1*' } },
  ],
  [
    'logout everywhere needs the closing *',
    '*77*0*100',
    ext,
    noTrunk,
    { kind: 'refuse', reason: { kind: 'no-route', dialled: '*77*0*100' } },
  ],
  [
    'a login as an extension starting with 0 is still a login',
    '*77*0100*',
    idle,
    settings,
    { kind: 'login', extension: '0100' },
  ],
  [
    'a store without the code uses its default',
    '*77*0*100*',
    ext,
    oldStore,
    { kind: 'logout-everywhere', extension: '100' },
  ],
  ['the code moved', '*78*100*', ext, moved, { kind: 'logout-everywhere', extension: '100' }],
  [
    'the old spelling after a move is no login either',
    '*77*0*100*',
    ext,
    { ...moved, trunk: null },
    { kind: 'refuse', reason: { kind: 'no-route', dialled: '*77*0*100*' } },
  ],
  [
    'logout everywhere refused while *70 exists',
    '*77*0*100*',
    ext,
    withConflict,
    { kind: 'refuse', reason: { kind: 'dial-code-conflict', name: 'park', code: '*70' } },
  ],
  [
    'the trunk may not log anyone out',
    '*77*0*100*',
    trunk,
    settings,
    { kind: 'refuse', reason: { kind: 'no-route', dialled: '*77*0*100*' } },
  ],
];

for (const [name, dialled, caller, office, expected] of cases) {
  t.same(routeCall({ dialled, caller, settings: office, isExtension }), expected, name);
}

t.equal(normaliseDialled('%ZZ1'), '%ZZ1', 'broken escapes are kept');
t.equal(normaliseDialled('(0800) 123.45'), '080012345');

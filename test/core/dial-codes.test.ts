import t from 'tap';
import {
  checkDialCodeSyntax,
  conflictsWithHotdesk,
  DEFAULT_DIAL_CODES,
  findDialCodeConflicts,
  HOTDESK_CODE_NAMES,
  hotdeskCode,
  isHotdeskCodeName,
} from '../../src/core/dial-codes.js';

t.same(DEFAULT_DIAL_CODES, { login: '*77*', logout: '*77*5*', 'logout-everywhere': '*77*0*' });
t.same([...HOTDESK_CODE_NAMES].sort(), Object.keys(DEFAULT_DIAL_CODES).sort(), 'every hot-desk code has a default');
t.equal(isHotdeskCodeName('logout-everywhere'), true, 'logout everywhere is a hot-desk code');
t.equal(conflictsWithHotdesk('logout-everywhere', '*77*0*'), false, 'so its *7 start is no conflict');
t.equal(conflictsWithHotdesk('logout-everywhere', '*79*'), false, 'whatever it is changed to');

const stored: [Record<string, string>, Parameters<typeof hotdeskCode>[1], string][] = [
  [{ login: '*77*', logout: '*77*5*' }, 'logout-everywhere', '*77*0*'], // a store from before the code existed
  [{ 'logout-everywhere': '*78*' }, 'logout-everywhere', '*78*'],
  [{}, 'login', '*77*'],
  [{ login: '*66*' }, 'login', '*66*'],
  // inherited members are not stored codes
  [Object.create({ logout: '*1' }) as Record<string, string>, 'logout', '*77*5*'],
];
for (const [codes, name, expected] of stored)
  t.equal(hotdeskCode(codes, name), expected, `${name} of ${JSON.stringify(codes)}`);
t.equal(conflictsWithHotdesk('park', '*70'), true);
t.equal(conflictsWithHotdesk('park', '*7'), true);
t.equal(conflictsWithHotdesk('login', '*77*'), false, 'the hot-desk codes themselves are fine');
t.equal(conflictsWithHotdesk('pickup', '*8'), false);
t.equal(conflictsWithHotdesk('pickup', '**7'), false);
t.same(findDialCodeConflicts({ ...DEFAULT_DIAL_CODES, park: '*70', pickup: '*8' }), [['park', '*70']]);

const syntax: [string, string, RegExp | undefined][] = [
  ['pickup', '*8', undefined],
  ['voicemail', '*97', undefined],
  ['Pickup', '*8', /lowercase/],
  ['pick up', '*8', /lowercase/],
  ['pickup', '8*', /start with/],
  ['pickup', '*8a', /characters/],
  ['pickup', '', /characters/],
  ['pickup', '*12345678901234567', /characters/],
];
for (const [name, code, problem] of syntax) {
  const verdict = checkDialCodeSyntax(name, code);
  if (problem) t.match(verdict, problem, `${name}=${code} refused`);
  else t.equal(verdict, undefined, `${name}=${code} accepted`);
}

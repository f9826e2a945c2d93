import t from 'tap';
import {
  checkDialCodeSyntax,
  conflictsWithHotdesk,
  DEFAULT_DIAL_CODES,
  findDialCodeConflicts,
} from '../../src/core/dial-codes.js';

t.same(DEFAULT_DIAL_CODES, { login: '*77*', logout: '*77*5*' });
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

/** Random tokens and SIP passwords. */
import t from 'tap';
import { randomNumber, randomPassword, randomToken, sipTag } from '../../src/adapters/secrets.js';
import { checkSipPassword } from '../../src/core/extension-rules.js';

t.test('randomToken: URL-safe and unguessable', async (t) => {
  const token = randomToken();
  t.match(token, /^[A-Za-z0-9_-]{24}$/, '18 bytes are 24 base64url characters');
  t.match(randomToken(3), /^[A-Za-z0-9_-]{4}$/);
  t.equal(new Set(Array.from({ length: 200 }, () => randomToken())).size, 200, 'no repeats');
});

t.test('randomPassword: letters and digits without look-alikes', async (t) => {
  const passwords = Array.from({ length: 300 }, () => randomPassword());
  for (const password of passwords.slice(0, 20)) {
    t.equal(password.length, 20);
    t.equal(checkSipPassword(password), undefined, 'a valid SIP password');
  }
  const all = passwords.join('');
  t.match(all, /^[a-km-zA-HJ-NP-Z2-9]+$/, 'no 0, 1, O, I or l');
  t.equal(new Set(passwords).size, passwords.length, 'no repeats');
  // Every character of the alphabet turns up: the sampling covers it all.
  t.equal(new Set(all).size, 57, 'all 57 characters are used');
  for (const length of [1, 8, 64, 200]) t.equal(randomPassword(length).length, length, `length ${length}`);
});

t.test('sipTag: 64 random bits as SIP token characters, across pool refills', async (t) => {
  // 4 KiB pool / 8 bytes a tag: 2,000 tags cross three refills.
  const tags = Array.from({ length: 2000 }, () => sipTag());
  for (const tag of tags.slice(0, 50)) t.match(tag, /^[A-Za-z0-9_-]{11}$/, 'base64url is within RFC 3261 token');
  t.equal(new Set(tags).size, tags.length, 'no repeats, none reused after a refill');
});

t.test('randomNumber: within range and spread', async (t) => {
  const numbers = Array.from({ length: 500 }, () => randomNumber(10_000));
  t.ok(
    numbers.every((n) => Number.isInteger(n) && n >= 0 && n < 10_000),
    'integers in [0, 10000)',
  );
  t.ok(new Set(numbers).size > 400, 'not a constant or a short cycle');
});

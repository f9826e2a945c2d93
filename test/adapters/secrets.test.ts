/** Random tokens and SIP passwords. */
import t from 'tap';
import { randomPassword, randomToken } from '../../src/adapters/secrets.js';
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

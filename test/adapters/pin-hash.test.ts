/** PIN hashing with scrypt: format, verification, and malformed hashes. */
import t from 'tap';
import { hashPin, verifyPin } from '../../src/adapters/pin-hash.js';

const FORMAT = /^scrypt\$16384\$8\$1\$([A-Za-z0-9+/]{22}==)\$([A-Za-z0-9+/]{43}=)$/;

t.test('the hash format', async (t) => {
  const hash = await hashPin('739164');
  t.match(hash, FORMAT, 'scrypt$N$r$p$salt$hash with a 16-byte salt and a 32-byte key');
  t.notOk(hash.includes('739164'), 'the PIN is not in the hash');
  const again = await hashPin('739164');
  t.not(again, hash, 'a fresh salt every time');
  t.not(FORMAT.exec(again)?.[1], FORMAT.exec(hash)?.[1]);
});

t.test('verification', async (t) => {
  const hash = await hashPin('739164');
  t.equal(await verifyPin('739164', hash), true, 'the right PIN');
  for (const wrong of ['739165', '73916', '7391640', '', ' 739164', '639164']) {
    t.equal(await verifyPin(wrong, hash), false, `wrong PIN ${JSON.stringify(wrong)}`);
  }
  t.equal(await verifyPin('739164', await hashPin('582047')), false, "another PIN's hash");
});

t.test('a malformed hash is false, never an error', async (t) => {
  const hash = await hashPin('739164');
  const [, n, r, p, salt, key] = hash.split('$') as [string, string, string, string, string, string];
  const malformed: [string, string][] = [
    ['empty', ''],
    ['the PIN itself', '739164'],
    ['another scheme', ['bcrypt', n, r, p, salt, key].join('$')],
    ['too few parts', ['scrypt', n, r, p, salt].join('$')],
    ['too many parts', `${hash}$extra`],
    ['N not a number', ['scrypt', 'many', r, p, salt, key].join('$')],
    ['N empty', ['scrypt', '', r, p, salt, key].join('$')],
    ['N zero', ['scrypt', '0', r, p, salt, key].join('$')],
    ['N not a power of two', ['scrypt', '1000', r, p, salt, key].join('$')],
    ['N fractional', ['scrypt', '16384.5', r, p, salt, key].join('$')],
    ['N huge', ['scrypt', String(2 ** 30), r, p, salt, key].join('$')],
    ['r zero', ['scrypt', n, '0', p, salt, key].join('$')],
    ['p zero', ['scrypt', n, r, '0', salt, key].join('$')],
    ['r negative', ['scrypt', n, '-8', p, salt, key].join('$')],
    ['beyond the memory limit', ['scrypt', String(2 ** 20), '32', '16', salt, key].join('$')],
    ['short key', ['scrypt', n, r, p, salt, key.slice(0, 20)].join('$')],
    ['empty key', ['scrypt', n, r, p, salt, ''].join('$')],
  ];
  for (const [what, stored] of malformed) {
    const verdict = await verifyPin('739164', stored).catch((error: Error) => `threw ${error.message}`);
    t.equal(verdict, false, what);
  }
});

import t from 'tap';
import { checkExtensionAmong } from '../../src/core/extension-rules.js';

const cases: [string, string[], boolean, RegExp | undefined][] = [
  ['101', [], false, undefined],
  ['102', ['101'], false, undefined],
  ['1010', ['101'], false, undefined],
  ['0101', [], false, /do not start with 0/],
  ['0101', [], true, undefined],
  ['0101', ['101'], true, /0101 and 101 differ only by leading zeros/],
  ['101', ['0101'], true, /101 and 0101 differ only by leading zeros/],
  ['00101', ['0101'], true, /differ only by leading zeros/],
];
for (const [value, others, allow, expected] of cases) {
  const verdict = checkExtensionAmong(value, others, allow);
  if (expected === undefined) t.equal(verdict, undefined, `${value} among ${others.join(',')} (leading zero ${allow})`);
  else t.match(verdict, expected, `${value} among ${others.join(',')} (leading zero ${allow}) is refused`);
}

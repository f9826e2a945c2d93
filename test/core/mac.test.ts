import t from 'tap';
import { formatMac, parseMac } from '../../src/core/mac.js';

const cases: [string, string | undefined][] = [
  ['00:15:65:AA:BB:CC', '001565aabbcc'],
  ['00-15-65-aa-bb-cc', '001565aabbcc'],
  ['001565aabbcc', '001565aabbcc'],
  ['001565AABBCC', '001565aabbcc'],
  ['0015.65aa.bbcc', '001565aabbcc'],
  ['  00:15:65:aa:bb:cc ', '001565aabbcc'],
  ['00:15:65:aa:bb', undefined],
  ['00:15:65-aa:bb:cc', undefined],
  ['00155aabbcc', undefined],
  ['0015g5aabbcc', undefined],
  ['', undefined],
  ['00:15:65:aa:bb:cc:dd', undefined],
];

for (const [input, expected] of cases) {
  t.equal(parseMac(input), expected, `parseMac(${JSON.stringify(input)})`);
}
t.equal(formatMac('001565aabbcc'), '00:15:65:aa:bb:cc');

import t from 'tap';
import { checkPhoneMac, formatMac, parseMac } from '../../src/core/mac.js';

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

t.test('checkPhoneMac: a phone has a unicast MAC, neither all zeros nor all ones', async (t) => {
  const cases: [string, RegExp | undefined][] = [
    ['001565aabbcc', undefined],
    ['805ec0123456', undefined],
    ['020000000001', undefined], // locally administered unicast is still a unicast MAC
    ['000000000000', /all-zero/],
    ['ffffffffffff', /broadcast/],
    ['01005e000001', /multicast/],
    ['333300000001', /multicast/],
    ['0180c2000000', /multicast/],
  ];
  for (const [mac, expected] of cases) {
    const verdict = checkPhoneMac(mac);
    if (expected === undefined) t.equal(verdict, undefined, `${mac} is usable`);
    else t.match(verdict, expected, `${mac} is refused`);
  }
});

import t from 'tap';
import { checkMacInput, type MacVerdict } from '../../src/tui/check-mac-input.js';

const cases: [string, MacVerdict][] = [
  ['00:15:65:AA:BB:CC', { ok: true, mac: '001565aabbcc' }],
  ['0015.65aa.bbcc', { ok: true, mac: '001565aabbcc' }],
  [' 001565aabbcc ', { ok: true, mac: '001565aabbcc' }],
  ['', { ok: false, problem: 'type 12 hex digits, e.g. 00:15:65:aa:bb:cc' }],
  ['   ', { ok: false, problem: 'type 12 hex digits, e.g. 00:15:65:aa:bb:cc' }],
  ['00:15:6', { ok: false, problem: '5 of 12 hex digits' }],
  ['00:1g', { ok: false, problem: '"g" is not a hex digit (0-9, a-f)' }],
  ['00 15', { ok: false, problem: '" " is not a hex digit (0-9, a-f)' }],
  ['00:15:65:aa:bb:cc:dd', { ok: false, problem: '14 hex digits; a MAC has 12' }],
  [
    '00:15:65-aa:bb:cc',
    {
      ok: false,
      problem:
        'separators must be all ":" or all "-" between pairs (00:15:65:aa:bb:cc), or dots in Cisco style ' +
        '(0015.65aa.bbcc)',
    },
  ],
];

for (const [input, expected] of cases) t.same(checkMacInput(input), expected, JSON.stringify(input));

t.test('the MAC of a phone already in the pool is refused as it is typed', async (t) => {
  const taken = new Map([['001565aabbcc', 'HD0002']]);
  t.same(checkMacInput('00-15-65-AA-BB-CC', taken), {
    ok: false,
    problem: 'HD0002 already has this MAC (hotdesk remove-phone HD0002 first to replace it)',
  });
  t.same(checkMacInput('00:15:65:aa:bb:cd', taken), { ok: true, mac: '001565aabbcd' });
});

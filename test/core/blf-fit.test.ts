import t from 'tap';
import { checkBlfFits } from '../../src/core/blf-fit.js';
import type { Catalogue } from '../../src/core/catalogue.js';

const catalogue: Catalogue = [
  { id: 'yealink-t54w', vendor: 'yealink', name: 'T54W', keys: 27 },
  { id: 'snom-d785', vendor: 'snom', name: 'D785', keys: 24 },
  { id: 'fanvil-x3u', vendor: 'fanvil', name: 'X3U', keys: 6 },
];

const cases: [number, string | undefined][] = [
  [0, undefined],
  [26, undefined],
  [27, '27 BLF positions fit on no phone (at most 26; per model: yealink-t54w 26, snom-d785 23, fanvil-x3u 5)'],
  [200, '200 BLF positions fit on no phone (at most 26; per model: yealink-t54w 26, snom-d785 23, fanvil-x3u 5)'],
];
for (const [count, expected] of cases) t.equal(checkBlfFits(count, catalogue), expected, `${count} positions`);
t.equal(checkBlfFits(500, []), undefined, 'no catalogue: nothing to measure against');

import t from 'tap';
import { filterModels } from '../../src/tui/filter-models.js';
import { CATALOGUE } from '../support/office.js';

const cases: [string, string[]][] = [
  ['', ['yealink-t54w', 'yealink-t53', 'poly-vvx250', 'snom-d717']],
  ['t5', ['yealink-t54w', 'yealink-t53']],
  ['T54', ['yealink-t54w']],
  ['vvx 250', ['poly-vvx250']],
  ['Poly VVX', ['poly-vvx250']],
  ['yealinkt53', ['yealink-t53']],
  ['snom-d7', ['snom-d717']],
  ['cisco', []],
];

for (const [typed, expected] of cases) {
  t.same(
    filterModels(CATALOGUE, typed).map((model) => model.id),
    expected,
    JSON.stringify(typed),
  );
}

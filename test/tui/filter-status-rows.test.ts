import t from 'tap';
import { statusRows } from '../../src/store/queries.js';
import { filterStatusRows } from '../../src/tui/filter-status-rows.js';
import { CATALOGUE } from '../support/office.js';
import { deskOffice } from '../support/tui-office.js';

const rows = statusRows(deskOffice(), CATALOGUE);

const cases: [string, string[]][] = [
  ['', ['HD0001', 'HD0002', 'HD0003']],
  ['  ', ['HD0001', 'HD0002', 'HD0003']],
  ['hd0002', ['HD0002']],
  ['ALICE', ['HD0002']],
  ['202', ['HD0001']],
  ['snom', ['HD0002']],
  ['00:15:65:00:00:03', ['HD0003']],
  ['001565000001', ['HD0001']],
  ['idle', ['HD0003']],
  ['logged-in', ['HD0001', 'HD0002']],
  ['lan', ['HD0001', 'HD0002', 'HD0003']],
  ['nobody', []],
];

for (const [text, expected] of cases) {
  t.same(
    filterStatusRows(rows, text).map((row) => row.name),
    expected,
    JSON.stringify(text),
  );
}

import t from 'tap';
import { fitColumns, type ColumnNeed } from '../../src/tui/fit-columns.js';

const A: ColumnNeed = { natural: 10, min: 4 };
const B: ColumnNeed = { natural: 16, min: 5, steps: [11, 5] };
const C: ColumnNeed = { natural: 6, min: 6 };

const cases: [string, number, number[]][] = [
  // natural: 10 + 16 + 6 + 2 gaps of 2 = 36
  ['everything fits', 36, [10, 16, 6]],
  ['wider than needed', 120, [10, 16, 6]],
  ['A gives up what is missing', 33, [7, 16, 6]],
  ['A down to its least is enough', 30, [4, 16, 6]],
  ['A down to its least, then B to the next form that fits, and A gets back what is spare', 29, [8, 11, 6]],
  ['B jumps to its smallest form when the middle one is not enough; A gets back what is spare', 24, [9, 5, 6]],
  ['still too wide: A is dropped first', 18, [0, 5, 6]],
  ['then B; C never shrinks', 8, [0, 0, 6]],
];

for (const [name, width, widths] of cases) {
  t.same(
    fitColumns({
      columns: [A, B, C],
      width,
      gap: 2,
      shrink: [
        [0, 0],
        [1, 0],
      ],
      drop: [0, 1],
    }),
    widths,
    name,
  );
}

t.same(
  fitColumns({ columns: [B], width: 14, gap: 2, shrink: [[0, 0]], drop: [] }),
  [11],
  'a stepped column takes the largest form that fits',
);
t.same(
  fitColumns({ columns: [A], width: 2, gap: 2, shrink: [[0, 0]], drop: [] }),
  [4],
  'nothing to drop: as small as it goes',
);

t.test('steps with floors: a column shrinks in stages, between other columns', async (t) => {
  const columns = [A, B, C];
  const shrink = [
    [1, 11],
    [0, 7],
    [1, 0],
    [0, 0],
  ] as const;
  const fit = (width: number) => fitColumns({ columns, width, gap: 2, shrink, drop: [] });
  t.same(fit(36), [10, 16, 6], 'fits');
  t.same(fit(35), [10, 11, 6], 'B to its middle form first');
  t.same(fit(28), [7, 11, 6], 'then A down to its floor 7');
  t.same(fit(27), [10, 5, 6], 'then B to its smallest form, A gets back the room');
  t.same(fit(21), [6, 5, 6], 'then A as far as needed');
  t.same(fit(10), [4, 5, 6], 'and no further than its least');
});

import t from 'tap';
import { buildKeyLayout } from '../../src/core/key-layout.js';

const names: Record<string, string> = { '201': 'Alice', '202': 'Bob', '203': 'Carol' };
const nameOf = (number: string) => names[number];

t.test('Logout first, empties dropped, labels from names', async (t) => {
  const layout = buildKeyLayout({ blf: ['201', null, '202', null, '999'], keyCount: 6, logoutCode: '*77*5*', nameOf });
  t.same(layout.keys, [
    { kind: 'logout', code: '*77*5*', label: 'Logout' },
    { kind: 'blf', target: '201', label: 'Alice' },
    { kind: 'blf', target: '202', label: 'Bob' },
    { kind: 'blf', target: '999', label: '999' },
  ]);
  t.equal(layout.unused, 2);
  t.same(layout.overflow, []);
});

t.test('what does not fit is reported in order', async (t) => {
  const layout = buildKeyLayout({ blf: ['201', '202', null, '203'], keyCount: 2, logoutCode: '*77*5*', nameOf });
  t.same(
    layout.keys.map((key) => key.label),
    ['Logout', 'Alice'],
  );
  t.same(
    layout.overflow.map((key) => key.target),
    ['202', '203'],
  );
  t.equal(layout.unused, 0);
});

t.test('an idle phone gets the Logout key alone', async (t) => {
  const layout = buildKeyLayout({ blf: [], keyCount: 4, logoutCode: '*9*', nameOf });
  t.same(layout.keys, [{ kind: 'logout', code: '*9*', label: 'Logout' }]);
  t.equal(layout.unused, 3);
});

t.test('a model with no keys gets none and reports every BLF', async (t) => {
  const layout = buildKeyLayout({ blf: ['201'], keyCount: 0, logoutCode: '*77*5*', nameOf });
  t.same(layout.keys, []);
  t.same(
    layout.overflow.map((key) => key.target),
    ['201'],
  );
  t.equal(layout.unused, 0);
});

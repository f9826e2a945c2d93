import t from 'tap';
import { buildKeyPreview } from '../../src/tui/build-key-preview.js';
import { CATALOGUE } from '../support/office.js';
import { deskOffice } from '../support/tui-office.js';

const data = deskOffice();

t.test('a user whose keys overflow a small model', async (t) => {
  const preview = buildKeyPreview(data, CATALOGUE, 'HD0002');
  if (!preview.ok) return t.fail(preview.problem);
  t.equal(preview.user, 'Alice');
  t.equal(preview.extension, '201');
  t.equal(preview.model?.keys, 3);
  t.same(preview.layout.keys, [
    { kind: 'logout', code: '*77*5*', label: 'Logout' },
    { kind: 'blf', target: '202', label: 'Bob' },
    { kind: 'blf', target: '203', label: 'Carol' },
  ]);
  t.same(
    preview.layout.overflow.map((key) => key.target),
    ['204', '299'],
  );
});

t.test('a phone name in any case', async (t) => {
  const preview = buildKeyPreview(data, CATALOGUE, 'hd0001');
  t.ok(preview.ok && preview.user === 'Bob' && preview.layout.keys.length === 1 && preview.layout.unused === 26);
});

t.test('a model the catalogue does not know: every BLF key overflows', async (t) => {
  const preview = buildKeyPreview(
    data,
    CATALOGUE.filter((model) => model.id !== 'snom-d717'),
    'HD0002',
  );
  if (!preview.ok) return t.fail(preview.problem);
  t.equal(preview.model, undefined);
  t.equal(preview.modelId, 'snom-d717');
  t.same(preview.layout.keys, []);
  t.equal(preview.layout.overflow.length, 4);
});

t.test('idle and unknown phones', async (t) => {
  t.same(buildKeyPreview(data, CATALOGUE, 'HD0003'), {
    ok: false,
    problem: "HD0003 is idle now: nobody's keys to show",
  });
  t.same(buildKeyPreview(data, CATALOGUE, 'HD0042'), { ok: false, problem: 'HD0042 is no longer in the pool' });
});

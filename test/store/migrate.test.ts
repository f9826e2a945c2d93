import t from 'tap';
import { parseStore, serializeStore } from '../../src/store/migrate.js';
import { STORE_VERSION } from '../../src/store/schema.js';
import { addPhone, emptyOffice, office } from '../support/office.js';

t.test('a current store round-trips', async (t) => {
  const data = office(addPhone('001565000001'));
  const parsed = parseStore(serializeStore(data));
  t.same(parsed, { ok: true, data, migrated: false });
});

t.test('an unversioned early file is migrated', async (t) => {
  const {
    version: _version,
    audit: _audit,
    nextPhoneNumber: _next,
    bindings: _bindings,
    security: _security,
    ...early
  } = office(addPhone('001565000001'), addPhone('001565000002'));
  const parsed = parseStore(JSON.stringify(early));
  t.equal(parsed.ok, true);
  if (!parsed.ok) return;
  t.equal(parsed.migrated, true);
  t.equal(parsed.data.version, STORE_VERSION);
  t.equal(parsed.data.nextPhoneNumber, 3, 'new phones do not reuse existing names');
  t.same(parsed.data.audit, []);
  t.same(parsed.data.security, { extensions: {}, phones: {} });
});

t.test('a version 1 store gains an empty binding list', async (t) => {
  const { bindings: _bindings, security: _security, ...v1 } = { ...office(addPhone('001565000001')), version: 1 };
  const parsed = parseStore(JSON.stringify(v1));
  t.ok(parsed.ok && parsed.migrated && parsed.data.version === STORE_VERSION);
  if (parsed.ok) t.same(parsed.data.bindings, []);
});

t.test('a version 2 store gains empty PIN lockout records', async (t) => {
  const { security: _security, ...v2 } = { ...office(addPhone('001565000001')), version: 2 };
  const parsed = parseStore(JSON.stringify(v2));
  t.ok(parsed.ok && parsed.migrated && parsed.data.version === 3);
  if (!parsed.ok) return;
  t.same(parsed.data.security, { extensions: {}, phones: {} });
  t.same(parsed.data.phones, v2.phones, 'nothing else changes');
});

t.test('lockout records survive a round trip', async (t) => {
  const data = office(addPhone('001565000001'));
  const locked = {
    ...data,
    security: {
      extensions: { '100': { failures: 0, level: 2, lockedUntil: '2026-11-22T08:05:00.000Z' } },
      phones: { HD0001: { failures: 3, level: 0, lockedUntil: null } },
    },
  };
  t.same(parseStore(serializeStore(locked)), { ok: true, data: locked, migrated: false });
  const bad = parseStore(
    JSON.stringify({
      ...locked,
      security: { extensions: { '100': { failures: -1, level: 0, lockedUntil: null } }, phones: {} },
    }),
  );
  t.ok(!bad.ok && /security\.extensions\.100\.failures/.test(bad.problem));
});

const refused: [string, string, RegExp][] = [
  ['garbage', '{"version":', /not valid JSON/],
  ['empty', '', /not valid JSON/],
  ['array', '[]', /expected a JSON object/],
  ['newer', JSON.stringify({ ...emptyOffice(), version: STORE_VERSION + 1 }), /newer than this hotdesk understands/],
  ['odd version', JSON.stringify({ ...emptyOffice(), version: 'one' }), /unknown store version/],
  ['wrong shape', JSON.stringify({ ...emptyOffice(), phones: [{ name: 'HD0001' }] }), /invalid store: phones\.0\./],
  [
    'bad mac',
    JSON.stringify({
      ...office(addPhone('001565000001')),
      phones: [{ ...office(addPhone('001565000001')).phones[0], mac: 'AA' }],
    }),
    /phones\.0\.mac/,
  ],
];
for (const [name, text, problem] of refused) {
  t.test(`refused: ${name}`, async (t) => {
    const parsed = parseStore(text);
    t.equal(parsed.ok, false);
    if (!parsed.ok) t.match(parsed.problem, problem);
  });
}

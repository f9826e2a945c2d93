import t from 'tap';
import { applyLogin, applyLogout } from '../../src/core/sessions.js';
import type { Phone } from '../../src/core/model.js';

const phone = (name: string, extension?: string): Phone => ({
  name,
  model: 'yealink-t54w',
  mac: name.toLowerCase().padStart(12, '0').slice(-12).replace(/[^0-9a-f]/g, '0'),
  connection: { mode: 'lan' },
  idlePassword: 'x',
  session: extension ? { extension, since: '2026-01-01T00:00:00.000Z' } : null,
  desiredGeneration: 5,
  appliedGeneration: 5,
});
const now = '2026-11-22T09:00:00.000Z';

t.test('login on an idle phone bumps its generation', async (t) => {
  const outcome = applyLogin([phone('HD0001')], { extension: '100', phone: 'HD0001', now, policy: 'exclusive' });
  t.ok(outcome.ok);
  if (!outcome.ok) return;
  t.same(outcome.value.phones[0]!.session, { extension: '100', since: now });
  t.equal(outcome.value.phones[0]!.desiredGeneration, 6);
  t.same(outcome.value.released, []);
  t.same(outcome.value.reprovision, ['HD0001']);
});

t.test('login as B while A is logged in switches without a logout', async (t) => {
  const outcome = applyLogin([phone('HD0001', '100')], { extension: '101', phone: 'HD0001', now, policy: 'exclusive' });
  t.ok(outcome.ok);
  if (!outcome.ok) return;
  t.same(outcome.value.phones[0]!.session, { extension: '101', since: now });
  t.same(outcome.value.released, [{ phone: 'HD0001', extension: '100' }]);
});

t.test('logging in again on the same phone changes nothing', async (t) => {
  const phones = [phone('HD0001', '100')];
  const outcome = applyLogin(phones, { extension: '100', phone: 'HD0001', now, policy: 'exclusive' });
  t.ok(outcome.ok && outcome.value.phones[0] === phones[0] && outcome.value.reprovision.length === 0);
});

t.test('multi-login policies', async (t) => {
  const phones = [phone('HD0001', '100'), phone('HD0002')];
  const exclusive = applyLogin(phones, { extension: '100', phone: 'HD0002', now, policy: 'exclusive' });
  t.ok(exclusive.ok && exclusive.value.phones[0]!.session === null && exclusive.value.phones[0]!.desiredGeneration === 6);
  const allow = applyLogin(phones, { extension: '100', phone: 'HD0002', now, policy: 'allow' });
  t.ok(allow.ok && allow.value.phones[0]!.session?.extension === '100' && allow.value.phones[1]!.session?.extension === '100');
  const deny = applyLogin(phones, { extension: '100', phone: 'HD0002', now, policy: 'deny' });
  t.same(deny, { ok: false, reason: { kind: 'already-logged-in', extension: '100', phone: 'HD0001' } });
});

t.test('logout targets', async (t) => {
  const phones = [phone('HD0001', '100'), phone('HD0002', '100'), phone('HD0003', '101'), phone('HD0004')];
  const byExtension = applyLogout(phones, { extension: '100' });
  t.ok(byExtension.ok && byExtension.value.reprovision.join() === 'HD0001,HD0002');
  const byPhone = applyLogout(phones, { phone: 'HD0003' });
  t.ok(byPhone.ok && byPhone.value.released.length === 1 && byPhone.value.phones[2]!.session === null);
  const all = applyLogout(phones, { all: true });
  t.ok(all.ok && all.value.released.length === 3);
  const none = applyLogout([phone('HD0004')], { all: true });
  t.ok(none.ok && none.value.released.length === 0, '--all on an idle office is not an error');
  t.same(applyLogout(phones, { phone: 'HD0004' }), { ok: false, reason: { kind: 'not-logged-in', target: 'HD0004' } });
  t.same(applyLogout(phones, { phone: 'HD0009' }), { ok: false, reason: { kind: 'unknown-phone', value: 'HD0009' } });
});

import t from 'tap';
import { applyChange, type Change } from '../../src/store/changes.js';
import type { StoreData } from '../../src/store/schema.js';
import { addExtension, addPhone, CATALOGUE, NOW, office } from '../support/office.js';

const apply = (data: StoreData, change: Change) => applyChange(data, change, { now: NOW, catalogue: CATALOGUE });
const setPolicy = (value: 'exclusive' | 'deny' | 'allow'): Change => ({ kind: 'set-policy', name: 'multi-login', value });
const login = (extension: string, phone: string): Change => ({ kind: 'login', extension, phone, actor: 'admin' });

t.test('the multi-login policy is stored under multiLogin and audited', async (t) => {
  const data = office(addPhone('001565000001'));
  const outcome = apply(data, setPolicy('deny'));
  t.ok(outcome.ok);
  if (!outcome.ok) return;
  t.same(outcome.value.result, { kind: 'done', message: 'multi-login policy is deny', warnings: [] });
  t.same(outcome.value.data.settings.policies, { multiLogin: 'deny' });
  t.match(outcome.value.data.audit.at(-1), { kind: 'settings-changed', actor: 'admin', detail: 'multi-login policy exclusive to deny' });
  t.same(outcome.value.data.phones, data.phones, 'no phone is re-provisioned');

  const again = apply(outcome.value.data, setPolicy('deny'));
  t.ok(again.ok && again.value.data === outcome.value.data, 'setting the same value changes nothing');
  t.ok(again.ok && again.value.result.kind === 'done' && again.value.result.message === 'multi-login policy is deny (unchanged)');
});

t.test('other policies are kept', async (t) => {
  const data = office();
  const withOther = { ...data, settings: { ...data.settings, policies: { laterPolicy: { on: true } } } };
  const outcome = apply(withOther, setPolicy('allow'));
  t.ok(outcome.ok && outcome.value.data.settings.policies['laterPolicy'] !== undefined);
});

t.test('an unknown value is refused', async (t) => {
  const outcome = apply(office(), { kind: 'set-policy', name: 'multi-login', value: 'sometimes' } as unknown as Change);
  t.same(outcome, { ok: false, reason: { kind: 'invalid-setting', name: 'multi-login', value: 'sometimes', expected: 'exclusive, deny, allow' } });
});

t.test('login follows the policy', async (t) => {
  const seeded = office(addPhone('001565000001'), addPhone('001565000002'), addExtension('100'), login('100', 'HD0001'));
  const exclusive = apply(seeded, login('100', 'HD0002'));
  t.ok(exclusive.ok && exclusive.value.data.phones.filter((phone) => phone.session).length === 1, 'exclusive by default');

  const denying = apply(seeded, setPolicy('deny'));
  if (!denying.ok) throw new Error('set-policy refused');
  const denied = apply(denying.value.data, login('100', 'HD0002'));
  t.same(denied, { ok: false, reason: { kind: 'already-logged-in', extension: '100', phone: 'HD0001' } });

  const allowing = apply(seeded, setPolicy('allow'));
  if (!allowing.ok) throw new Error('set-policy refused');
  const both = apply(allowing.value.data, login('100', 'HD0002'));
  t.ok(both.ok && both.value.data.phones.every((phone) => phone.session?.extension === '100'), 'allow keeps both');

  if (!both.ok) return;
  const back = apply(both.value.data, setPolicy('exclusive'));
  t.ok(back.ok);
  if (back.ok && back.value.result.kind === 'done') {
    t.same(back.value.result.warnings, ['100 stays logged in on HD0001, HD0002 until it logs in again or is logged out']);
    t.equal(back.value.data.phones.filter((phone) => phone.session).length, 2, 'open sessions stay');
  }
});

t.test('a junk stored value counts as the default', async (t) => {
  const seeded = office(addPhone('001565000001'), addPhone('001565000002'), addExtension('100'), login('100', 'HD0001'));
  const junk = { ...seeded, settings: { ...seeded.settings, policies: { multiLogin: 'sometimes' } } };
  const moved = apply(junk, login('100', 'HD0002'));
  t.ok(moved.ok && moved.value.result.kind === 'sessions' && moved.value.result.released.length === 1, 'exclusive');
});

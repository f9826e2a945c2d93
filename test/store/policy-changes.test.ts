import t from 'tap';
import { applyChange, type Change } from '../../src/store/changes.js';
import { parseChange } from '../../src/store/change-schema.js';
import type { StoreData } from '../../src/store/schema.js';
import { addExtension, addPhone, CATALOGUE, NOW, office } from '../support/office.js';

const apply = (data: StoreData, change: Change) => applyChange(data, change, { now: NOW, catalogue: CATALOGUE });
const setPolicy = (value: 'exclusive' | 'deny' | 'allow'): Change => ({
  kind: 'set-policy',
  name: 'multi-login',
  value,
});
const login = (extension: string, phone: string): Change => ({ kind: 'login', extension, phone, actor: 'admin' });

t.test('the multi-login policy is stored under multiLogin and audited', async (t) => {
  const data = office(addPhone('001565000001'));
  const outcome = apply(data, setPolicy('deny'));
  t.ok(outcome.ok);
  if (!outcome.ok) return;
  t.same(outcome.value.result, { kind: 'done', message: 'multi-login policy is deny', warnings: [] });
  t.same(outcome.value.data.settings.policies, { multiLogin: 'deny' });
  t.match(outcome.value.data.audit.at(-1), {
    kind: 'settings-changed',
    actor: 'admin',
    detail: 'multi-login policy exclusive to deny',
  });
  t.same(outcome.value.data.phones, data.phones, 'no phone is re-provisioned');

  const again = apply(outcome.value.data, setPolicy('deny'));
  t.ok(again.ok && again.value.data === outcome.value.data, 'setting the same value changes nothing');
  t.ok(
    again.ok &&
      again.value.result.kind === 'done' &&
      again.value.result.message === 'multi-login policy is deny (unchanged)',
  );
});

t.test('other policies are kept', async (t) => {
  const data = office();
  const withOther = { ...data, settings: { ...data.settings, policies: { laterPolicy: { on: true } } } };
  const outcome = apply(withOther, setPolicy('allow'));
  t.ok(outcome.ok && outcome.value.data.settings.policies['laterPolicy'] !== undefined);
});

t.test('an unknown value is refused', async (t) => {
  const outcome = apply(office(), { kind: 'set-policy', name: 'multi-login', value: 'sometimes' } as unknown as Change);
  t.same(outcome, {
    ok: false,
    reason: { kind: 'invalid-setting', name: 'multi-login', value: 'sometimes', expected: 'exclusive, deny, allow' },
  });
});

t.test('login follows the policy', async (t) => {
  const seeded = office(
    addPhone('001565000001'),
    addPhone('001565000002'),
    addExtension('100'),
    login('100', 'HD0001'),
  );
  const exclusive = apply(seeded, login('100', 'HD0002'));
  t.ok(
    exclusive.ok && exclusive.value.data.phones.filter((phone) => phone.session).length === 1,
    'exclusive by default',
  );

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
    t.same(back.value.result.warnings, [
      '100 stays logged in on HD0001, HD0002 until it logs in again or is logged out',
    ]);
    t.equal(back.value.data.phones.filter((phone) => phone.session).length, 2, 'open sessions stay');
  }
});

t.test('a junk stored value counts as the default', async (t) => {
  const seeded = office(
    addPhone('001565000001'),
    addPhone('001565000002'),
    addExtension('100'),
    login('100', 'HD0001'),
  );
  const junk = { ...seeded, settings: { ...seeded.settings, policies: { multiLogin: 'sometimes' } } };
  const moved = apply(junk, login('100', 'HD0002'));
  t.ok(moved.ok && moved.value.result.kind === 'sessions' && moved.value.result.released.length === 1, 'exclusive');
});

t.test('schedules and durations are checked by the store too (changes may come over the control socket)', async (t) => {
  const cases: [Change, boolean][] = [
    [{ kind: 'set-policy', name: 'auto-logout', value: '0 20 * * 1-5' }, true],
    [{ kind: 'set-policy', name: 'auto-logout', value: null }, true],
    [{ kind: 'set-policy', name: 'auto-logout', value: '0 25 * * *' }, false],
    [{ kind: 'set-policy', name: 'backup-at', value: null }, false],
    [{ kind: 'set-policy', name: 'max-session', value: 600 }, true],
    [{ kind: 'set-policy', name: 'max-session', value: 0 }, false],
    [{ kind: 'set-policy', name: 'max-session', value: 30 * 24 * 60 + 1 }, false],
    [{ kind: 'set-policy', name: 'idle-logout', value: null }, true],
    [{ kind: 'set-policy', name: 'warning', value: 0 }, true],
    [{ kind: 'set-policy', name: 'extend', value: null }, false],
    [{ kind: 'set-policy', name: 'backups', value: 1001 }, false],
  ];
  for (const [change, accepted] of cases) {
    const outcome = apply(office(), change);
    t.equal(outcome.ok, accepted, JSON.stringify(change));
    if (!outcome.ok) t.equal(outcome.reason.kind, 'invalid-setting');
  }
  const set = apply(office(), { kind: 'set-policy', name: 'auto-logout', value: ' 0  20 * * 1-5 ' });
  t.ok(set.ok && set.value.data.settings.policies['autoLogoutAt'] === '0 20 * * 1-5', 'stored tidied');
});

t.test('policy changes from the control socket', async (t) => {
  const good: Change[] = [
    { kind: 'set-policy', name: 'auto-logout', value: '0 20 * * 1-5' },
    { kind: 'set-policy', name: 'max-session', value: null },
    { kind: 'set-policy', name: 'backups', value: 14 },
    { kind: 'logout', target: { phone: 'HD0001' }, actor: 'system', reason: 'idle' },
  ];
  for (const change of good) t.same(parseChange(change), change, JSON.stringify(change));
  const bad: unknown[] = [
    { kind: 'set-policy', name: 'max-session', value: '10h' },
    { kind: 'set-policy', name: 'auto-logout', value: 5 },
    { kind: 'set-policy', name: 'coffee', value: 1 },
    { kind: 'logout', target: { phone: 'HD0001' }, actor: 'system', reason: 'bored' },
  ];
  for (const change of bad) t.equal(parseChange(change), undefined, JSON.stringify(change));
});

t.test('a logout records its reason in the audit entry', async (t) => {
  const seeded = office(addPhone('001565000001'), addExtension('100'), login('100', 'HD0001'));
  const policy = apply(seeded, { kind: 'logout', target: { phone: 'HD0001' }, actor: 'system', reason: 'max-session' });
  t.ok(policy.ok);
  if (policy.ok)
    t.match(policy.value.data.audit.at(-1), {
      kind: 'logout',
      actor: 'system',
      phone: 'HD0001',
      extension: '100',
      detail: 'max-session',
    });
  const admin = apply(seeded, { kind: 'logout', target: { phone: 'HD0001' }, actor: 'admin' });
  t.ok(
    admin.ok && admin.value.data.audit.at(-1)?.detail === undefined,
    'no reason given: none recorded (the actor says who)',
  );
});

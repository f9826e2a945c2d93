/** The provisioning changes: credentials set and removed, fetched generations recorded. */
import t from 'tap';
import { createHash } from 'node:crypto';
import { applyChange, type Change } from '../../src/store/changes.js';
import { parseChange } from '../../src/store/change-schema.js';
import { parseStore, serializeStore } from '../../src/store/migrate.js';
import type { StoreData } from '../../src/store/schema.js';
import { buildProvisioningAuth } from '../../src/core/provisioning-auth.js';
import { addPhone, CATALOGUE, NOW, office } from '../support/office.js';

const hash = (algorithm: 'MD5' | 'SHA-256', text: string) =>
  createHash(algorithm === 'MD5' ? 'md5' : 'sha256')
    .update(text)
    .digest('hex');
const apply = (data: StoreData, change: Change) => applyChange(data, change, { now: NOW, catalogue: CATALOGUE });

t.test('provisioning credentials: set, kept in the file, removed', async (t) => {
  const auth = buildProvisioningAuth('phones', 'correct horse', hash);
  const data = office();
  const set = apply(data, { kind: 'set-provisioning-auth', auth });
  if (!set.ok) throw new Error('refused');
  t.same(set.value.data.settings.provisioningAuth, auth);
  t.match(set.value.data.audit.at(-1), { kind: 'settings-changed', detail: 'provisioning auth for user phones' });
  t.notMatch(JSON.stringify(set.value.data.audit), auth.ha1.md5, 'no hash in the audit trail');
  t.same(data.settings.provisioningAuth, undefined, 'the old data is untouched');

  const reread = parseStore(serializeStore(set.value.data));
  t.same(reread.ok && reread.data.settings.provisioningAuth, auth, 'the store file keeps it');
  const without = parseStore(serializeStore(data));
  t.equal(without.ok && 'provisioningAuth' in without.data.settings, false, 'a store without it loads as before');

  const removed = apply(set.value.data, { kind: 'remove-provisioning-auth' });
  t.equal(removed.ok && removed.value.data.settings.provisioningAuth, undefined);
  t.equal(removed.ok && 'provisioningAuth' in removed.value.data.settings, false);
  const again = apply(data, { kind: 'remove-provisioning-auth' });
  t.equal(again.ok && again.value.data, data, 'removing none changes nothing');

  const bad = apply(data, { kind: 'set-provisioning-auth', auth: { ...auth, username: 'a b' } });
  t.match(bad, { ok: false, reason: { kind: 'invalid-setting', name: 'provisioning auth' } });
  t.match(
    apply(data, { kind: 'set-provisioning-auth', auth: { ...auth, ha1: { md5: 'x', sha256: auth.ha1.sha256 } } }),
    { ok: false },
  );
});

t.test('provisioning-fetched moves the applied generation forward only', async (t) => {
  const data = office(addPhone('001565000001'));
  const phone = data.phones[0]!;
  t.same([phone.desiredGeneration, phone.appliedGeneration], [1, 0]);
  const fetched = apply(data, { kind: 'provisioning-fetched', phone: 'HD0001', generation: 1 });
  if (!fetched.ok) throw new Error('refused');
  t.equal(fetched.value.data.phones[0]!.appliedGeneration, 1);
  t.equal(fetched.value.data.audit.length, data.audit.length, 'no audit entry');
  const same = apply(fetched.value.data, { kind: 'provisioning-fetched', phone: 'HD0001', generation: 1 });
  t.equal(same.ok && same.value.data, fetched.value.data, 'unchanged: the same data (nothing to write)');
  const older = apply(fetched.value.data, { kind: 'provisioning-fetched', phone: 'HD0001', generation: 0 });
  t.equal(older.ok && older.value.data, fetched.value.data, 'an older generation changes nothing');
  const future = apply(data, { kind: 'provisioning-fetched', phone: 'HD0001', generation: 9 });
  t.equal(future.ok && future.value.data.phones[0]!.appliedGeneration, 1, 'never past the desired generation');
  t.match(apply(data, { kind: 'provisioning-fetched', phone: 'HD0099', generation: 1 }), {
    ok: false,
    reason: { kind: 'unknown-phone' },
  });
});

t.test('the control socket accepts the new changes', async (t) => {
  const auth = buildProvisioningAuth('phones', 'correct horse', hash);
  for (const change of [
    { kind: 'set-provisioning-auth', auth },
    { kind: 'remove-provisioning-auth' },
    { kind: 'provisioning-fetched', phone: 'HD0001', generation: 3 },
  ]) {
    t.same(parseChange(change), change, change.kind);
  }
  t.equal(parseChange({ kind: 'provisioning-fetched', phone: 'HD0001', generation: -1 }), undefined);
  t.equal(parseChange({ kind: 'set-provisioning-auth', auth: { username: 'x' } }), undefined);
});

t.test('provisioning-bound binds a phone to its first address; provisioning-release unbinds it', async (t) => {
  const data = office(addPhone('001565000001'));
  const bound = apply(data, { kind: 'provisioning-bound', phone: 'HD0001', address: '192.0.2.10' });
  if (!bound.ok) throw new Error('refused');
  t.equal(bound.value.data.phones[0]!.provisioningAddress, '192.0.2.10', 'bound');
  const reread = parseStore(serializeStore(bound.value.data));
  t.equal(reread.ok && reread.data.phones[0]!.provisioningAddress, '192.0.2.10', 'the store file keeps it');
  const moved = apply(bound.value.data, { kind: 'provisioning-bound', phone: 'HD0001', address: '192.0.2.99' });
  t.equal(moved.ok && moved.value.data, bound.value.data, 'a later registration elsewhere moves nothing');
  t.match(apply(data, { kind: 'provisioning-bound', phone: 'HD0099', address: '192.0.2.10' }), {
    ok: false,
    reason: { kind: 'unknown-phone' },
  });

  const released = apply(bound.value.data, { kind: 'provisioning-release', phone: '00:15:65:00:00:01' });
  if (!released.ok) throw new Error('refused');
  t.equal('provisioningAddress' in released.value.data.phones[0]!, false, 'released (named by its MAC)');
  t.match(released.value.data.audit.at(-1), {
    kind: 'settings-changed',
    phone: 'HD0001',
    detail: 'provisioning released (was bound to 192.0.2.10)',
  });
  const again = apply(released.value.data, { kind: 'provisioning-release', phone: 'HD0001' });
  t.equal(again.ok && again.value.data, released.value.data, 'releasing a phone not bound changes nothing');
  t.match(apply(data, { kind: 'provisioning-release', phone: 'HD0099' }), {
    ok: false,
    reason: { kind: 'unknown-phone' },
  });
  for (const change of [
    { kind: 'provisioning-bound', phone: 'HD0001', address: '192.0.2.10' },
    { kind: 'provisioning-release', phone: 'HD0001' },
  ]) {
    t.same(parseChange(change), change, `${change.kind} over the control socket`);
  }
});

t.test(
  'rotate-provisioning-token: a new token, the old one kept for provisioned phones until they follow',
  async (t) => {
    const start = office(addPhone('001565000001'), addPhone('001565000002'));
    const fetched = apply(start, { kind: 'provisioning-fetched', phone: 'HD0001', generation: 1 });
    if (!fetched.ok) throw new Error('refused');
    const data = fetched.value.data;
    const old = data.settings.provisioningToken;
    const rotated = apply(data, { kind: 'rotate-provisioning-token', token: 'new-token-0123456789', graceDays: 14 });
    if (!rotated.ok) throw new Error('refused');
    const next = rotated.value.data;
    t.equal(next.settings.provisioningToken, 'new-token-0123456789');
    t.same(
      next.settings.previousProvisioningToken,
      { token: old, until: new Date(Date.parse(NOW) + 14 * 86_400_000).toISOString(), phones: ['HD0001'] },
      'kept for the provisioned phone only, 14 days at most',
    );
    t.same(
      next.phones.map((phone) => phone.desiredGeneration - 1),
      data.phones.map((phone) => phone.desiredGeneration),
      'every phone is re-provisioned',
    );
    t.notMatch(JSON.stringify(next.audit), /new-token|tok-/, 'no token in the audit trail');
    const reread = parseStore(serializeStore(next));
    t.same(
      reread.ok && reread.data.settings.previousProvisioningToken,
      next.settings.previousProvisioningToken,
      'the store file keeps it',
    );

    const followed = apply(next, {
      kind: 'provisioning-fetched',
      phone: 'HD0001',
      generation: next.phones[0]!.desiredGeneration,
    });
    t.equal(
      followed.ok && followed.value.data.settings.previousProvisioningToken,
      undefined,
      'once the last phone fetched under the new token the old one is gone',
    );
    // Recorded without a new generation (it was taken under the old token first): still ends its grace.
    const sameGeneration = apply(next, {
      kind: 'provisioning-fetched',
      phone: 'HD0001',
      generation: next.phones[0]!.appliedGeneration,
    });
    t.equal(
      sameGeneration.ok && sameGeneration.value.data.settings.previousProvisioningToken,
      undefined,
      'even when its generation stays',
    );

    const now = apply(data, { kind: 'rotate-provisioning-token', token: 'new-token-0123456789', graceDays: 0 });
    t.equal(
      now.ok && now.value.data.settings.previousProvisioningToken,
      undefined,
      'grace 0: the old token stops at once',
    );
    const nobody = apply(start, { kind: 'rotate-provisioning-token', token: 'new-token-0123456789', graceDays: 14 });
    t.equal(
      nobody.ok && nobody.value.data.settings.previousProvisioningToken,
      undefined,
      'no phone provisioned: nothing kept',
    );
    const twice = apply(next, { kind: 'rotate-provisioning-token', token: 'third-token-0123456789', graceDays: 14 });
    t.match(
      twice,
      { ok: true, value: { result: { warnings: [/HD0001 had not yet followed/] } } },
      'rotating again before phones followed says who is left behind',
    );

    for (const [token, graceDays] of [
      ['short', 14],
      [old, 14],
      ['has space in it 0123456', 14],
      ['new-token-0123456789', -1],
      ['new-token-0123456789', 1.5],
    ] as const) {
      t.match(
        apply(data, { kind: 'rotate-provisioning-token', token, graceDays }),
        { ok: false, reason: { kind: 'invalid-setting' } },
        `${token} ${graceDays} refused`,
      );
    }
    const change = { kind: 'rotate-provisioning-token', token: 'new-token-0123456789', graceDays: 14 };
    t.same(parseChange(change), change, 'over the control socket');
  },
);

import t, { type Test } from 'tap';
import { applyChange, type Change } from '../../src/store/changes.js';
import type { StoreData } from '../../src/store/schema.js';
import { addExtension, addPhone, CATALOGUE, NOW, office } from '../support/office.js';

const apply = (data: StoreData, change: Change) => applyChange(data, change, { now: NOW, catalogue: CATALOGUE });

function refusedWith(t: Test, data: StoreData, change: Change, kind: string) {
  const before = JSON.stringify(data);
  const outcome = apply(data, change);
  t.equal(outcome.ok, false, `${change.kind} is refused`);
  if (!outcome.ok) t.equal(outcome.reason.kind, kind, `reason ${kind}`);
  t.equal(JSON.stringify(data), before, 'the store value is untouched');
}

t.test('phones get stable names that are never reused', async (t) => {
  let data = office(addPhone('00:15:65:00:00:01'), addPhone('00-15-65-00-00-02'));
  t.same(
    data.phones.map((phone) => [phone.name, phone.mac]),
    [
      ['HD0001', '001565000001'],
      ['HD0002', '001565000002'],
    ],
  );
  const removed = apply(data, { kind: 'remove-phone', phone: 'hd0001' });
  t.ok(removed.ok);
  if (removed.ok) data = removed.value.data;
  const added = apply(data, addPhone('001565000003'));
  t.ok(added.ok && added.value.result.kind === 'phone' && added.value.result.phone.name === 'HD0003');
  t.same(
    data.audit.map((entry) => entry.kind),
    ['phone-added', 'phone-added', 'phone-removed'],
  );
});

t.test('bad phones are refused and change nothing', async (t) => {
  const data = office(addPhone('001565000001'));
  refusedWith(t, data, addPhone('not-a-mac'), 'invalid-mac');
  refusedWith(t, data, addPhone('00:15:65:00:00:01'), 'duplicate-mac');
  refusedWith(t, data, addPhone('001565000002', 'yealink-t99'), 'unknown-model');
  refusedWith(
    t,
    data,
    { ...addPhone('001565000002'), connection: { mode: 'sbc', sbc: 'nohost' } } as Change,
    'invalid-connection',
  );
  refusedWith(t, data, { kind: 'remove-phone', phone: 'HD0042' }, 'unknown-phone');
  const unknown = apply(data, addPhone('001565000002', 'yealink-t54'));
  t.ok(
    !unknown.ok && unknown.reason.kind === 'unknown-model' && unknown.reason.suggestions.includes('yealink-t54w'),
    'close matches',
  );
});

t.test('extensions', async (t) => {
  const data = office(addExtension('100', 'Ada'), addExtension('101', 'Bob'));
  refusedWith(t, data, addExtension('100'), 'duplicate-extension');
  refusedWith(t, data, addExtension('1'), 'invalid-extension');
  refusedWith(t, data, addExtension('102', '<script>'), 'invalid-name');
  refusedWith(t, data, { ...addExtension('102'), sipPassword: 'short' } as Change, 'invalid-password');
  refusedWith(t, data, { kind: 'set-extension', number: '999', name: 'X' }, 'unknown-extension');
  refusedWith(t, data, { kind: 'remove-extension', number: '999' }, 'unknown-extension');

  const renamed = apply(data, { kind: 'set-extension', number: '100', name: 'Ada L.', pinHash: 'scrypt$new' });
  t.ok(renamed.ok);
  if (!renamed.ok) return;
  const ada = renamed.value.data.extensions.find((ext) => ext.number === '100');
  t.equal(ada?.name, 'Ada L.');
  t.equal(ada?.pinHash, 'scrypt$new');
  const entry = renamed.value.data.audit.at(-1);
  t.equal(entry?.detail, 'name, pin', 'the audit names changed fields, never their values');
  t.notMatch(JSON.stringify(renamed.value.data.audit), /scrypt|secret-/, 'no secrets in the audit trail');
});

t.test('BLF lists keep empty positions and re-provision the owner', async (t) => {
  const data = office(addPhone('001565000001'), addExtension('100'), addExtension('201', 'Alice'), {
    kind: 'login',
    extension: '100',
    phone: 'HD0001',
    actor: 'admin',
  });
  const before = data.phones[0]!.desiredGeneration;
  const outcome = apply(data, { kind: 'set-blf', extension: '100', targets: ['201', null, '305'] });
  t.ok(outcome.ok);
  if (!outcome.ok) return;
  t.same(outcome.value.data.extensions[0]!.blf, ['201', null, '305']);
  t.equal(outcome.value.data.phones[0]!.desiredGeneration, before + 1);
  t.same(outcome.value.result, {
    kind: 'done',
    message: 'BLF list of 100 has 3 positions',
    warnings: ['not (yet) extensions here: 305'],
  });
  refusedWith(t, data, { kind: 'set-blf', extension: '100', targets: ['x1'] }, 'invalid-extension');
  refusedWith(t, data, { kind: 'set-blf', extension: '999', targets: [] }, 'unknown-extension');
});

t.test('dial codes: *7 conflicts need force, hot-desk codes cannot be removed', async (t) => {
  const data = office();
  refusedWith(t, data, { kind: 'set-dial-code', name: 'park', code: '*70', force: false }, 'dial-code-conflict');
  refusedWith(t, data, { kind: 'set-dial-code', name: 'Park', code: '*8', force: false }, 'invalid-dial-code');
  refusedWith(t, data, { kind: 'remove-dial-code', name: 'login' }, 'reserved-dial-code');
  refusedWith(t, data, { kind: 'remove-dial-code', name: 'nothing' }, 'unknown-dial-code');
  const forced = apply(data, { kind: 'set-dial-code', name: 'park', code: '*70', force: true });
  t.ok(forced.ok && forced.value.result.kind === 'done' && forced.value.result.warnings.length === 1);
  const pickup = apply(data, { kind: 'set-dial-code', name: 'pickup', code: '*8', force: false });
  t.ok(pickup.ok && pickup.value.data.settings.dialCodes['pickup'] === '*8');
  if (!pickup.ok) return;
  const removed = apply(pickup.value.data, { kind: 'remove-dial-code', name: 'pickup' });
  t.ok(removed.ok && !('pickup' in removed.value.data.settings.dialCodes));
});

t.test('emergency numbers', async (t) => {
  const data = office();
  t.same(data.settings.emergencyNumbers, ['112', '911']);
  refusedWith(t, data, { kind: 'add-emergency', number: '112' }, 'duplicate-emergency-number');
  refusedWith(t, data, { kind: 'add-emergency', number: '1a' }, 'invalid-emergency-number');
  refusedWith(t, data, { kind: 'remove-emergency', number: '999' }, 'unknown-emergency-number');
  const one = apply(data, { kind: 'remove-emergency', number: '911' });
  t.ok(one.ok);
  if (!one.ok) return;
  refusedWith(t, one.value.data, { kind: 'remove-emergency', number: '112' }, 'last-emergency-number');
  const added = apply(one.value.data, { kind: 'add-emergency', number: '118' });
  t.ok(added.ok && added.value.data.settings.emergencyNumbers.join() === '112,118');
});

t.test('login and logout', async (t) => {
  const data = office(
    addPhone('001565000001'),
    addPhone('001565000002'),
    addExtension('100'),
    addExtension('101'),
    addExtension('102', 'No Desk', false),
  );
  refusedWith(t, data, { kind: 'login', extension: '102', phone: 'HD0001', actor: 'admin' }, 'hotdesk-disabled');
  refusedWith(t, data, { kind: 'login', extension: '999', phone: 'HD0001', actor: 'admin' }, 'unknown-extension');
  refusedWith(t, data, { kind: 'login', extension: '100', phone: 'HD0009', actor: 'admin' }, 'unknown-phone');
  refusedWith(t, data, { kind: 'logout', target: { extension: '100' }, actor: 'admin' }, 'not-logged-in');

  const first = apply(data, { kind: 'login', extension: '100', phone: '00:15:65:00:00:01', actor: 'admin' });
  t.ok(first.ok);
  if (!first.ok) return;
  t.same(first.value.data.phones[0]!.session, { extension: '100', since: NOW });
  // Exclusive by default: logging in elsewhere releases the first phone.
  const second = apply(first.value.data, { kind: 'login', extension: '100', phone: 'HD0002', actor: 'user' });
  t.ok(second.ok);
  if (!second.ok) return;
  t.same(second.value.result, {
    kind: 'sessions',
    released: [{ phone: 'HD0001', extension: '100' }],
    reprovision: ['HD0001', 'HD0002'],
  });
  t.same(
    second.value.data.audit.slice(-2).map((entry) => [entry.kind, entry.phone, entry.detail]),
    [
      ['logout', 'HD0001', 'takeover'],
      ['login', 'HD0002', undefined],
    ],
  );
  const all = apply(second.value.data, { kind: 'logout', target: { all: true }, actor: 'admin' });
  t.ok(all.ok && all.value.data.phones.every((phone) => phone.session === null));

  const removed = apply(second.value.data, { kind: 'remove-extension', number: '100' });
  t.ok(removed.ok);
  if (!removed.ok) return;
  t.equal(removed.value.data.phones[1]!.session, null, 'removing an extension logs it out');
});

t.test('settings', async (t) => {
  const data = office(addPhone('001565000001'));
  refusedWith(t, data, { kind: 'set-settings', address: 'bad host!' }, 'invalid-setting');
  refusedWith(t, data, { kind: 'set-settings', httpPort: 70000 }, 'invalid-setting');
  const outcome = apply(data, { kind: 'set-settings', address: 'pbx.example.test', httpPort: 8080 });
  t.ok(outcome.ok);
  if (!outcome.ok) return;
  t.equal(outcome.value.data.settings.address, 'pbx.example.test');
  t.equal(outcome.value.data.settings.httpPort, 8080);
  t.equal(outcome.value.data.phones[0]!.desiredGeneration, 2, 'every phone fetches the new address');
});

t.test('trunk', async (t) => {
  const data = office();
  refusedWith(t, data, { kind: 'set-trunk', uri: 'trunk.example' }, 'invalid-trunk');
  refusedWith(t, data, { kind: 'set-trunk', uri: 'sip:100@trunk.example' }, 'invalid-trunk');
  refusedWith(t, data, { kind: 'set-trunk', uri: 'sip:trunk.example:99999' }, 'invalid-trunk');
  refusedWith(t, data, { kind: 'set-trunk', uri: 'sip:trunk.example', username: 'office' }, 'invalid-trunk');
  refusedWith(t, data, { kind: 'remove-trunk' }, 'no-trunk');
  refusedWith(t, data, { kind: 'set-trunk', uri: 'sip:trunk.example', from: ['trunk2.example'] }, 'invalid-trunk');
  refusedWith(t, data, { kind: 'set-trunk', uri: 'sip:trunk.example', from: ['198.51.100.300'] }, 'invalid-trunk');
  const listed = apply(data, { kind: 'set-trunk', uri: 'sip:trunk.example', from: ['198.51.100.7', '2001:db8::7'] });
  t.same(
    listed.ok && listed.value.data.settings.trunk,
    { uri: 'sip:trunk.example', from: ['198.51.100.7', '2001:db8::7'] },
    'the trunk also sends from these',
  );
  const set = apply(data, {
    kind: 'set-trunk',
    uri: 'sip:trunk.example:5080;transport=tcp',
    username: 'office',
    password: 'pw-123',
  });
  t.ok(set.ok);
  if (!set.ok) return;
  t.same(set.value.data.settings.trunk, {
    uri: 'sip:trunk.example:5080;transport=tcp',
    username: 'office',
    password: 'pw-123',
  });
  t.notMatch(JSON.stringify(set.value.data.audit), /pw-123/, 'the trunk password stays out of the audit trail');
  t.notMatch(JSON.stringify(set.value.result), /pw-123/);
  const removed = apply(set.value.data, { kind: 'remove-trunk' });
  t.ok(removed.ok && removed.value.data.settings.trunk === null);
});

import t from 'tap';
import { applyChange, type Change } from '../../src/store/changes.js';
import { parseChange } from '../../src/store/change-schema.js';
import { parseStore, serializeStore } from '../../src/store/migrate.js';
import type { StoreData } from '../../src/store/schema.js';
import { addExtension, addPhone, CATALOGUE, NOW, office } from '../support/office.js';

const apply = (data: StoreData, change: Change, now = NOW) => applyChange(data, change, { now, catalogue: CATALOGUE });
const applied = (data: StoreData, change: Change, now = NOW): StoreData => {
  const outcome = apply(data, change, now);
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.reason));
  return outcome.value.data;
};

t.test('notify extensions: added once, removed, unknown ones refused, audited', async (t) => {
  const data = office(addExtension('100'), addExtension('101'));
  const one = applied(data, { kind: 'add-emergency-notify', extension: '100' });
  t.same(one.emergency, { notify: ['100'] });
  t.match(one.audit.at(-1), { kind: 'settings-changed', actor: 'admin', detail: 'emergency notify 100 added' });
  const again = apply(one, { kind: 'add-emergency-notify', extension: '100' });
  t.ok(again.ok && again.value.data === one, 'adding it again changes nothing');
  t.same(apply(one, { kind: 'add-emergency-notify', extension: '199' }), {
    ok: false,
    reason: { kind: 'unknown-extension', extension: '199' },
  });
  const two = applied(one, { kind: 'add-emergency-notify', extension: '101' });
  t.same(two.emergency?.notify, ['100', '101']);
  const removed = apply(two, { kind: 'remove-emergency-notify', extension: '100' });
  t.ok(removed.ok && removed.value.result.kind === 'done' && removed.value.result.warnings.length === 0);
  const last = apply(removed.ok ? removed.value.data : two, { kind: 'remove-emergency-notify', extension: '101' });
  t.ok(last.ok && last.value.data.emergency?.notify?.length === 0);
  t.match(last.ok && last.value.result, {
    kind: 'done',
    message: 'no extension is told of emergency calls',
    warnings: [/nobody on site/],
  });
  t.match(apply(data, { kind: 'remove-emergency-notify', extension: '100' }), {
    ok: false,
    reason: { kind: 'invalid-setting', name: 'emergency notify', value: '100' },
  });
});

t.test('the callback window: 0 to 1440 minutes', async (t) => {
  const data = office();
  t.same(applied(data, { kind: 'set-emergency-callback', minutes: 30 }).emergency, { callbackMinutes: 30 });
  t.match(apply(data, { kind: 'set-emergency-callback', minutes: 2000 }), {
    ok: false,
    reason: { kind: 'invalid-setting', name: 'emergency-callback-minutes' },
  });
});

t.test('an emergency call is recorded with the time of the change and audited', async (t) => {
  const data = office(addExtension('101', 'Ada Lovelace'), addPhone('001565000001'));
  const call = {
    number: '112',
    account: '101',
    phone: 'HD0001',
    extension: '101',
    user: 'Ada Lovelace',
    location: 'room 214',
  };
  const next = applied(data, { kind: 'emergency-call', call });
  t.same(next.emergency?.active, [{ ...call, at: NOW }]);
  t.same(next.audit.at(-1), {
    at: NOW,
    kind: 'emergency-call',
    actor: 'user',
    phone: 'HD0001',
    extension: '101',
    detail: 'emergency call from desk HD0001, room 214, by Ada Lovelace, extension 101, to 112',
  });
  t.same(data.phones, next.phones, 'no phone is re-provisioned');
  const reread = parseStore(serializeStore(next));
  t.same(reread.ok && reread.data.emergency, next.emergency, 'the block survives the file');
});

t.test('the control socket takes the new changes and refuses malformed ones', async (t) => {
  t.same(parseChange({ kind: 'add-emergency-notify', extension: '100' }), {
    kind: 'add-emergency-notify',
    extension: '100',
  });
  t.same(parseChange({ kind: 'set-emergency-callback', minutes: 10 }), { kind: 'set-emergency-callback', minutes: 10 });
  t.equal(parseChange({ kind: 'emergency-call', call: { number: '112' } }), undefined, 'a call without its account');
  t.equal(parseChange({ kind: 'set-emergency-callback', minutes: '10' }), undefined);
});

t.test('removing an extension takes it off the notify list', async (t) => {
  const data = office(
    addExtension('100'),
    addExtension('101'),
    { kind: 'add-emergency-notify', extension: '100' },
    { kind: 'add-emergency-notify', extension: '101' },
  );
  t.same(applied(data, { kind: 'remove-extension', number: '100' }).emergency?.notify, ['101']);
  const untouched = office(addExtension('100'), addExtension('102'), {
    kind: 'add-emergency-notify',
    extension: '100',
  });
  t.same(applied(untouched, { kind: 'remove-extension', number: '102' }).emergency, { notify: ['100'] });
});

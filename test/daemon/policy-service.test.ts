/**
 * The policy service with a fake clock and an in-memory store: it follows the
 * auto-logout schedule in the office time zone (across a DST change), submits
 * logouts through the change path with the reason, waits for calls, places
 * warnings (again while the phone is not registered) and postpones a logout
 * when the warning is answered with 1.
 */
import t, { type Test } from 'tap';
import { applyChange, type Change } from '../../src/store/changes.js';
import type { StoreData } from '../../src/store/schema.js';
import { createStoreService } from '../../src/daemon/store-service.js';
import { startPolicyService, type PolicyServiceOptions } from '../../src/daemon/policy-service.js';
import type { ControlResponse } from '../../src/adapters/control-socket.js';
import { createLogger } from '../../src/adapters/log.js';
import type { PhoneActivity } from '../../src/core/auto-logout.js';
import { addExtension, addPhone, CATALOGUE, office } from '../support/office.js';

const at = (iso: string) => Date.parse(iso);

function harness(t: Test, changes: Change[], fields: Partial<PolicyServiceOptions> = {}) {
  let data: StoreData = office(
    addPhone('001565000001'),
    addPhone('001565000002'),
    addExtension('100'),
    addExtension('101'),
    ...changes,
  );
  const clock = { now: at('2027-03-26T07:00:00Z') };
  const store = createStoreService({
    get data() {
      return data;
    },
    async commit(next) {
      data = next;
    },
  });
  const submitted: Change[] = [];
  const submit = async (change: Change): Promise<ControlResponse> => {
    submitted.push(change);
    return store.update((current): { next?: StoreData; value: ControlResponse } => {
      const outcome = applyChange(current, change, { now: new Date(clock.now).toISOString(), catalogue: CATALOGUE });
      return outcome.ok
        ? { next: outcome.value.data, value: { ok: true, result: outcome.value.result } }
        : { value: { ok: false, reason: outcome.reason } };
    });
  };
  const activity: Record<string, PhoneActivity> = {};
  const service = startPolicyService({
    store,
    log: createLogger({ level: 'silent' }),
    submit,
    activity: (phone) => activity[phone] ?? { inCall: false },
    storeFile: '/nonexistent/hotdesk.json',
    backupDir: '/nonexistent/backups',
    tickMs: 3_600_000,
    now: () => clock.now,
    ...fields,
  });
  t.teardown(() => service.close());
  const login = (extension: string, phone: string) => submit({ kind: 'login', extension, phone, actor: 'admin' });
  const advance = async (iso: string) => {
    clock.now = at(iso);
    await service.tick();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { service, submitted, activity, login, advance, clock, submit, data: () => data };
}

t.test('the schedule in the office time zone, across the change to summer time', async (t) => {
  const h = harness(t, [
    { kind: 'set-settings', timeZone: 'Europe/Berlin' },
    { kind: 'set-policy', name: 'auto-logout', value: '0 20 * * 1-5' },
    { kind: 'set-policy', name: 'warning', value: 0 },
  ]);
  await h.login('100', 'HD0001');
  await h.advance('2027-03-26T18:59:00Z');
  t.equal(h.data().phones[0]!.session?.extension, '100', 'Friday 19:59 in Berlin: still logged in');
  await h.advance('2027-03-26T19:00:00Z');
  t.equal(h.data().phones[0]!.session, null, 'Friday 20:00 (CET, 19:00 UTC): logged out');
  t.same(h.submitted.at(-1), { kind: 'logout', target: { phone: 'HD0001' }, actor: 'system', reason: 'schedule' });
  t.match(h.data().audit.at(-1), { kind: 'logout', actor: 'system', detail: 'schedule' });

  h.clock.now = at('2027-03-29T06:00:00Z');
  await h.login('101', 'HD0002');
  await h.advance('2027-03-29T17:59:00Z');
  t.equal(h.data().phones[1]!.session?.extension, '101', 'Monday 19:59 summer time: still logged in');
  await h.advance('2027-03-29T18:00:00Z');
  t.equal(h.data().phones[1]!.session, null, 'Monday 20:00 (CEST, 18:00 UTC): logged out');
});

t.test('idle, deferred while in a call, then logged out when it ends', async (t) => {
  const h = harness(t, [
    { kind: 'set-policy', name: 'idle-logout', value: 60 },
    { kind: 'set-policy', name: 'warning', value: 0 },
  ]);
  h.clock.now = at('2027-03-26T08:00:00Z');
  await h.login('100', 'HD0001');
  h.activity['HD0001'] = { inCall: false, lastCallMs: at('2027-03-26T08:30:00Z') };
  await h.advance('2027-03-26T09:15:00Z');
  t.equal(h.data().phones[0]!.session?.extension, '100', 'idle counted from the last call');
  await h.advance('2027-03-26T09:30:00Z');
  t.equal(h.data().phones[0]!.session, null, 'an hour after it: logged out');
  t.match(h.data().audit.at(-1), { kind: 'logout', detail: 'idle' });

  const maxSession = harness(t, [
    { kind: 'set-policy', name: 'max-session', value: 60 },
    { kind: 'set-policy', name: 'warning', value: 0 },
  ]);
  maxSession.clock.now = at('2027-03-26T08:00:00Z');
  await maxSession.login('100', 'HD0001');
  maxSession.activity['HD0001'] = { inCall: true };
  await maxSession.advance('2027-03-26T09:05:00Z');
  t.equal(maxSession.data().phones[0]!.session?.extension, '100', 'due, but in a call');
  maxSession.activity['HD0001'] = { inCall: false, lastCallMs: at('2027-03-26T09:06:00Z') };
  await maxSession.advance('2027-03-26T09:06:00Z');
  t.equal(maxSession.data().phones[0]!.session, null, 'logged out when the call ended');
  t.match(maxSession.data().audit.at(-1), { kind: 'logout', detail: 'max-session' });
});

t.test('warnings: retried while the phone is not registered, then 1 postpones the logout', async (t) => {
  const warned: string[] = [];
  let registered = false;
  let press: (() => void) | undefined;
  const h = harness(
    t,
    [
      { kind: 'set-policy', name: 'max-session', value: 60 },
      { kind: 'set-policy', name: 'extend', value: 30 },
    ],
    {
      warn: (phone, warning) => {
        if (!registered) return undefined;
        warned.push(phone);
        press = warning.onExtend;
        return Promise.resolve('extended');
      },
    },
  );
  h.clock.now = at('2027-03-26T08:00:00Z');
  await h.login('100', 'HD0001');
  await h.advance('2027-03-26T08:55:00Z');
  t.same(warned, [], 'not registered: no call');
  registered = true;
  await h.advance('2027-03-26T08:56:00Z');
  t.same(warned, ['HD0001'], 'called at the next tick');
  await h.advance('2027-03-26T08:57:00Z');
  t.same(warned, ['HD0001'], 'once');
  press!();
  await h.advance('2027-03-26T09:10:00Z');
  t.equal(h.data().phones[0]!.session?.extension, '100', 'postponed past 09:00');
  await h.advance('2027-03-26T09:30:00Z');
  t.equal(h.data().phones[0]!.session, null, 'logged out at 09:30, the extension used');
  t.same(warned, ['HD0001'], 'the postponed logout is not warned again');
});

t.test('pinned phones are left alone', async (t) => {
  const h = harness(t, [{ kind: 'set-policy', name: 'max-session', value: 60 }]);
  h.clock.now = at('2027-03-26T08:00:00Z');
  await h.login('100', 'HD0001');
  await h.advance('2027-03-26T08:10:00Z');
  t.ok(await h.submit({ kind: 'set-phone', phone: 'HD0001', pinned: '100' }).then((response) => response.ok), 'pinned');
  await h.advance('2027-03-27T08:00:00Z');
  t.equal(h.data().phones[0]!.session?.extension, '100');
  t.same(
    h.submitted.filter((change) => change.kind === 'logout'),
    [],
    'no policy logout',
  );
});

t.test(
  'a scheduled logout waits while the desk is in an emergency callback window, without a warning call',
  async (t) => {
    const warned: string[] = [];
    const h = harness(
      t,
      [
        { kind: 'set-settings', timeZone: 'Europe/Berlin' },
        { kind: 'set-policy', name: 'auto-logout', value: '0 20 * * 1-5' },
        { kind: 'set-emergency-callback', minutes: 60 },
      ],
      { warn: (phone) => (warned.push(phone), Promise.resolve('not-extended' as const)) },
    );
    await h.login('100', 'HD0001');
    await h.login('101', 'HD0002');
    h.clock.now = at('2027-03-26T18:30:00Z');
    await h.submit({
      kind: 'emergency-call',
      call: { number: '112', account: '100', phone: 'HD0001', extension: '100' },
    });
    await h.advance('2027-03-26T18:56:00Z');
    t.same(warned, ['HD0002'], 'the desk of the emergency call gets no warning call; the other desk does');
    await h.advance('2027-03-26T19:00:00Z');
    t.equal(
      h.data().phones[0]!.session?.extension,
      '100',
      '20:00 Berlin: the desk in its callback window stays logged in',
    );
    t.equal(h.data().phones[1]!.session, null, 'the other desk is logged out on time');
    await h.advance('2027-03-26T19:29:00Z');
    t.equal(h.data().phones[0]!.session?.extension, '100', 'still within the hour');
    await h.advance('2027-03-26T19:30:00Z');
    t.equal(h.data().phones[0]!.session, null, 'logged out once the window closes');
    t.match(h.data().audit.at(-1), { kind: 'logout', phone: 'HD0001', detail: 'schedule' });
  },
);

import t, { type Test } from 'tap';
import { render } from 'ink-testing-library';
import { fail, type Outcome, type Reason } from '../../src/core/reasons.js';
import { applyChange, type Change, type ChangeResult } from '../../src/store/changes.js';
import { Dashboard } from '../../src/tui/dashboard.js';
import { CATALOGUE, NOW } from '../support/office.js';
import { KEY, delay, plain, press, type, until } from '../support/ink-keys.js';
import { deskOffice, fakeSource, type FakeSource } from '../support/tui-office.js';

interface Harness {
  app: ReturnType<typeof render>;
  source: FakeSource;
  submitted: Change[];
  frame(): string;
}

/** `answer`: what submit does; by default applies the change to the source's store like the one writer would. */
async function start(t: Test, answer?: (change: Change) => Promise<Outcome<ChangeResult>>): Promise<Harness> {
  const source = fakeSource(deskOffice());
  const submitted: Change[] = [];
  const submit = async (change: Change): Promise<Outcome<ChangeResult>> => {
    submitted.push(change);
    if (answer) return answer(change);
    const outcome = applyChange(source.data, change, { now: NOW, catalogue: CATALOGUE });
    if (!outcome.ok) return outcome;
    source.data = outcome.value.data;
    return { ok: true, value: outcome.value.result };
  };
  const app = render(
    <Dashboard
      source={source}
      catalogue={CATALOGUE}
      submit={submit}
      newIdlePassword={() => 'idle-secret'}
      describeReason={(reason: Reason) => `refused: ${reason.kind}`}
    />,
  );
  t.teardown(() => app.unmount());
  const frame = () => plain(app.lastFrame());
  await until(() => frame().includes('HD0003'));
  await delay();
  return { app, source, submitted, frame };
}

const selected = (frame: string): string | undefined => /❯ (HD\d{4})/.exec(frame)?.[1];

t.test('up and down move the selected row, stopping at the ends', async (t) => {
  const { app, frame } = await start(t);
  t.equal(selected(frame()), 'HD0001', 'the first row starts selected');
  await press(app, KEY.down);
  t.equal(selected(frame()), 'HD0002');
  await press(app, KEY.down, KEY.down, KEY.down);
  t.equal(selected(frame()), 'HD0003', 'stops at the last row');
  await press(app, KEY.up);
  t.equal(selected(frame()), 'HD0002');
  await press(app, KEY.up, KEY.up, KEY.up);
  t.equal(selected(frame()), 'HD0001', 'stops at the first row');
});

t.test('/ filters the rows by text; Enter keeps the filter, Esc clears it', async (t) => {
  const { app, frame } = await start(t);
  await press(app, '/');
  t.match(frame(), /filter: Enter keeps it, Esc clears it/);
  await type(app, 'alice');
  t.match(frame(), /\/alice/);
  t.match(frame(), /❯ HD0002/, 'the one match is shown and selected');
  t.notMatch(frame(), /HD0001|HD0003/, 'the other phones are hidden');
  await press(app, KEY.enter);
  t.match(frame(), /filter "alice" \(Esc clears\)/);
  t.notMatch(frame(), /HD0001|HD0003/, 'the filter stays after Enter');
  await press(app, KEY.escape);
  t.match(frame(), /HD0001/);
  t.match(frame(), /HD0003/);

  await press(app, '/');
  await type(app, 'idle');
  t.match(frame(), /❯ HD0003/);
  t.notMatch(frame(), /HD0001/);
  await press(app, KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace);
  await type(app, 'nobody');
  t.match(frame(), /no phone matches "nobody"/);
  await press(app, KEY.escape);
  t.match(frame(), /HD0001/, 'Esc in the filter clears it');
});

t.test('q in the filter is text, not quit', async (t) => {
  const { app, frame } = await start(t);
  await press(app, '/', 'q');
  t.match(frame(), /\/q/);
  t.match(frame(), /no phone matches "q"/);
});

t.test('l then y logs out the selected phone', async (t) => {
  const { app, frame, submitted } = await start(t);
  await press(app, 'l');
  t.match(frame(), /Log out Bob \(202\) from HD0001\? y\/n/);
  t.same(submitted, [], 'nothing is sent before the answer');
  await press(app, 'y');
  await until(() => frame().includes('logged out'));
  t.same(submitted, [{ kind: 'logout', target: { phone: 'HD0001' }, actor: 'admin' }]);
  t.match(frame(), /logged out 202 from HD0001/);
  t.match(frame(), /❯ HD0001\s+yealink-t54w\s+00:15:65:00:00:01\s+idle/, 'the table shows the phone idle');
});

t.test('l then n (or Esc) sends nothing', async (t) => {
  const { app, frame, submitted } = await start(t);
  await press(app, KEY.down, 'l');
  t.match(frame(), /Log out Alice \(201\) from HD0002\? y\/n/);
  await press(app, 'n');
  t.match(frame(), /HD0002: nothing changed/);
  t.notMatch(frame(), /y\/n/);
  await press(app, 'l', KEY.escape);
  t.notMatch(frame(), /y\/n/);
  await delay(50);
  t.same(submitted, []);
});

t.test('l on an idle phone says so without asking', async (t) => {
  const { app, frame, submitted } = await start(t);
  await press(app, KEY.down, KEY.down, 'l');
  t.match(frame(), /HD0003 is idle: nobody to log out/);
  t.notMatch(frame(), /y\/n/);
  t.same(submitted, []);
});

t.test('a refusal is shown with describeReason', async (t) => {
  const { app, frame } = await start(t, async () => fail({ kind: 'not-logged-in', target: 'HD0001' }));
  await press(app, 'l', 'y');
  await until(() => frame().includes('refused'));
  t.match(frame(), /refused: not-logged-in/);
  t.match(frame(), /↑↓ select/, 'back on the table');
});

t.test('a failing submit is shown, not thrown', async (t) => {
  const { app, frame } = await start(t, async () => {
    throw new Error('the store is locked by process 4242; try again when it has finished');
  });
  await press(app, 'l', 'y');
  await until(() => frame().includes('locked'));
  t.match(frame(), /the store is locked by process 4242/);
});

t.test('k previews the selected user keys: Logout first, BLF, then the overflow', async (t) => {
  const { app, frame } = await start(t);
  await press(app, KEY.down, 'k');
  const shown = frame();
  t.match(shown, /Keys of Alice \(201\) on HD0002 · snom D717, 3 key slots/);
  const logout = shown.indexOf('1  Logout   *77*5*');
  const bob = shown.indexOf('2  BLF      Bob (202)');
  const carol = shown.indexOf('3  BLF      Carol (203)');
  t.ok(logout >= 0 && bob > logout && carol > bob, 'Logout on key 1, then BLF in list order');
  t.match(shown, /Overflow: 2 BLF keys do not fit this model:\s+Dan \(204\)\s+299/);
  t.notMatch(shown, /4 {2}BLF/, 'no more keys than the model has');
  await press(app, KEY.escape);
  t.match(frame(), /↑↓ select/, 'Esc goes back to the table');
  t.notMatch(frame(), /Keys of/);

  await press(app, KEY.up, 'k');
  t.match(frame(), /Keys of Bob \(202\) on HD0001 · yealink T54W, 27 key slots/);
  t.match(frame(), /1 {2}Logout/);
  t.match(frame(), /26 slots unused/);
  t.notMatch(frame(), /Overflow/);
});

t.test('k on an idle phone says so', async (t) => {
  const { app, frame } = await start(t);
  await press(app, KEY.down, KEY.down, 'k');
  t.match(frame(), /HD0003 is idle: nobody's keys to show/);
  t.notMatch(frame(), /Keys of/);
});

t.test('a opens the wizard and submits its answer as an add-phone change', async (t) => {
  const { app, frame, submitted } = await start(t);
  await press(app, 'a');
  t.match(frame(), /Add a hot-desk phone/);
  t.match(frame(), /❯ yealink-t54w/);
  await type(app, 't53');
  await press(app, KEY.enter);
  await type(app, '00-15-65-00-00-09');
  t.match(frame(), /✓ valid/);
  await press(app, KEY.enter, KEY.enter);
  await until(() => frame().includes('added'));
  t.same(submitted, [
    {
      kind: 'add-phone',
      model: 'yealink-t53',
      mac: '00:15:65:00:00:09',
      connection: { mode: 'lan' },
      idlePassword: 'idle-secret',
    },
  ]);
  t.match(
    frame(),
    new RegExp(
      String.raw`HD0004 added: yealink-t53, MAC 00:15:65:00:00:09, lan; ` +
        String.raw`provisioning URL\s+http:\/\/192\.0\.2\.10:8088\/provisioning\/`,
    ),
  );
  t.match(frame(), /HD0004\s+yealink-t53/, 'the new phone is in the table');
});

t.test('Esc in the wizard goes back to the dashboard, which keeps running', async (t) => {
  const { app, frame, submitted } = await start(t);
  await press(app, 'a', KEY.enter, KEY.escape);
  // A lone Esc is told apart from an escape sequence only after a pause: wait for it.
  await until(() => frame().includes('add-phone cancelled'));
  t.match(frame(), /add-phone cancelled, nothing added/);
  t.match(frame(), /❯ HD0001/);
  await press(app, KEY.down);
  // On a loaded machine the re-render may come after the pause press() allows.
  await until(() => selected(frame()) === 'HD0002').catch(() => undefined);
  t.equal(selected(frame()), 'HD0002', 'the table answers keys again');
  t.same(submitted, []);
});

t.test('the selection follows the phone when the store changes under it', async (t) => {
  const { app, frame, source } = await start(t);
  await press(app, KEY.down);
  const outcome = applyChange(
    source.data,
    { kind: 'remove-phone', phone: 'HD0001' },
    { now: NOW, catalogue: CATALOGUE },
  );
  if (!outcome.ok) throw new Error('remove-phone refused');
  source.push({ kind: 'data', data: outcome.value.data });
  await delay();
  t.notMatch(frame(), /HD0001/);
  t.equal(selected(frame()), 'HD0002');
});

t.test('q quits', async (t) => {
  const { app, source } = await start(t);
  t.equal(source.subscribers, 1);
  await press(app, 'q');
  t.equal(source.subscribers, 0);
});

t.test('an emergency call of the last hour shows as a red ALERT line above the table', async (t) => {
  const { source, frame } = await start(t);
  t.notMatch(frame(), /ALERT/);
  const at = new Date(Date.now() - 60_000).toISOString();
  const call = {
    at,
    number: '112',
    account: '202',
    phone: 'HD0001',
    extension: '202',
    user: 'Bob',
    location: 'building A, floor 2, room 214',
  };
  source.push({ kind: 'data', data: { ...source.data, emergency: { active: [call] } } });
  await delay();
  t.match(
    frame(),
    /ALERT emergency call from desk HD0001, building A, floor 2, room 214, by Bob, extension 202, to 112/,
  );
  t.match(frame(), /HD0001/, 'the table stays');
  source.push({
    kind: 'data',
    data: {
      ...source.data,
      emergency: { active: [{ ...call, at: new Date(Date.now() - 61 * 60_000).toISOString() }] },
    },
  });
  await delay();
  t.notMatch(frame(), /ALERT/, 'an hour later it is gone');
});

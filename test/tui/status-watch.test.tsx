import t from 'tap';
import { render } from 'ink-testing-library';
import { applyChange } from '../../src/store/changes.js';
import type { StoreData } from '../../src/store/schema.js';
import { StatusWatch } from '../../src/tui/status-watch.js';
import { CATALOGUE, NOW, emptyOffice } from '../support/office.js';
import { delay, plain, press, until } from '../support/ink-keys.js';
import { deskOffice, fakeSource } from '../support/tui-office.js';

function changed(data: StoreData, ...changes: Parameters<typeof applyChange>[1][]): StoreData {
  return changes.reduce((current, change) => {
    const outcome = applyChange(current, change, { now: NOW, catalogue: CATALOGUE });
    if (!outcome.ok) throw new Error(outcome.reason.kind);
    return outcome.value.data;
  }, data);
}

t.test('shows every phone, and refreshes when the store changes', async (t) => {
  const source = fakeSource(deskOffice());
  const app = render(<StatusWatch source={source} catalogue={CATALOGUE} />);
  t.teardown(() => app.unmount());
  const frame = () => plain(app.lastFrame());
  await until(() => frame().includes('HD0003'));
  t.match(frame(), /PHONE\s+MODEL\s+MAC\s+STATE\s+EXT\s+USER\s+SINCE\s+SYNC/);
  t.match(frame(), /HD0001\s+yealink-t54w\s+00:15:65:00:00:01\s+logged-in\s+202\s+Bob\s+2026-11-22 08:00\s+pending/);
  t.match(frame(), /HD0002\s+snom-d717\s+00:15:65:00:00:02\s+logged-in\s+201\s+Alice\s+2026-11-22 08:00\s+pending/);
  t.match(frame(), /HD0002: 2 of Alice's BLF keys do not fit a snom-d717/);
  t.match(frame(), /HD0003\s+poly-vvx250\s+00:15:65:00:00:03\s+idle\s+-\s+-\s+-\s+pending/);
  t.match(frame(), /3 phones, 2 logged in/);

  source.push({
    kind: 'data',
    data: changed(source.data, { kind: 'logout', target: { phone: 'HD0001' }, actor: 'admin' }),
  });
  await delay();
  t.match(frame(), /HD0001\s+yealink-t54w\s+00:15:65:00:00:01\s+idle/, 'the logout shows without a key press');
  t.match(frame(), /3 phones, 1 logged in/);
  t.equal(source.loads, 1, 'updates come from the subscription, not by polling');
});

t.test('dial-code conflicts show as a banner', async (t) => {
  const source = fakeSource(emptyOffice());
  const app = render(<StatusWatch source={source} catalogue={CATALOGUE} />);
  t.teardown(() => app.unmount());
  const frame = () => plain(app.lastFrame());
  await until(() => frame().includes('no hot-desk phones yet'));
  t.notMatch(frame(), /warning/);
  source.push({
    kind: 'data',
    data: changed(source.data, { kind: 'set-dial-code', name: 'pickup', code: '*78', force: true }),
  });
  await delay();
  t.match(frame(), /⚠ warning: dial code pickup=\*78 starts with \*7/);
});

t.test('an unreadable store shows an error line and keeps the last good table', async (t) => {
  const source = fakeSource(deskOffice());
  const app = render(<StatusWatch source={source} catalogue={CATALOGUE} />);
  t.teardown(() => app.unmount());
  const frame = () => plain(app.lastFrame());
  await until(() => frame().includes('HD0003'));
  source.push({ kind: 'error', message: 'not valid JSON' });
  await delay();
  t.match(frame(), /✗ cannot read the store: not valid JSON/);
  t.match(frame(), /HD0003/, 'the last good copy stays on screen');
  source.push({ kind: 'data', data: emptyOffice() });
  await delay();
  t.notMatch(frame(), /cannot read/, 'a good read clears the error');
  t.match(frame(), /no hot-desk phones yet/);
});

t.test('a store that cannot be read at start says so', async (t) => {
  const source = fakeSource(emptyOffice());
  source.load = async () => {
    throw new Error('hotdesk.json: not valid JSON');
  };
  const app = render(<StatusWatch source={source} catalogue={CATALOGUE} />);
  t.teardown(() => app.unmount());
  await until(() => plain(app.lastFrame()).includes('cannot read'));
  t.match(plain(app.lastFrame()), /✗ cannot read the store: hotdesk.json: not valid JSON/);
  t.notMatch(plain(app.lastFrame()), /no hot-desk phones/, 'no claim about phones it could not read');
});

t.test('q quits and stops watching', async (t) => {
  const source = fakeSource(deskOffice());
  const app = render(<StatusWatch source={source} catalogue={CATALOGUE} />);
  await until(() => plain(app.lastFrame()).includes('HD0003'));
  t.equal(source.subscribers, 1);
  await press(app, 'x');
  t.equal(source.subscribers, 1, 'other keys do not quit');
  await press(app, 'q');
  t.equal(source.subscribers, 0, 'the subscription is released on exit');
  app.unmount();
});

/**
 * The dashboard and `status --watch` at 80×24 and 160×45 with 200 phones: the
 * title and the header stay on screen, the selected row stays visible through
 * arrows, PgUp/PgDn and Home/End, no line is wider than the terminal, and a
 * resize is followed.
 */
import t, { type Test } from 'tap';
import { render } from 'ink-testing-library';
import type { Change } from '../../src/store/changes.js';
import type { Reason } from '../../src/core/reasons.js';
import { Dashboard } from '../../src/tui/dashboard.js';
import { StatusWatch } from '../../src/tui/status-watch.js';
import { CATALOGUE, addExtension, addPhone, office } from '../support/office.js';
import { KEY, delay, plain, press, until } from '../support/ink-keys.js';
import { fakeSource } from '../support/tui-office.js';
import { macFor } from '../support/temp-data.js';

const PAGE = { up: '\u001B[5~', down: '\u001B[6~', home: '\u001B[H', end: '\u001B[F' } as const;
const MODELS = ['yealink-t54w', 'yealink-t53', 'poly-vvx250', 'snom-d717'];

/** 200 phones, the first 40 with a user with a long name logged in. */
function bigOffice() {
  const changes: Change[] = [];
  for (let i = 1; i <= 200; i++) changes.push(addPhone(macFor(i), MODELS[i % MODELS.length]));
  for (let i = 1; i <= 40; i++) {
    const number = String(300 + i);
    changes.push(addExtension(number, `Maximiliane Brandenburg-Ostheim ${i}`));
    changes.push({ kind: 'login', extension: number, phone: `HD${String(i).padStart(4, '0')}`, actor: 'user' });
  }
  return office(...changes);
}
const DATA = bigOffice();

interface Screen {
  stdout: NodeJS.EventEmitter;
}

/** Plays the terminal being resized: ink and the screens read columns/rows from stdout on 'resize'. */
function resize(app: Screen, columns: number, rows: number): void {
  Object.defineProperty(app.stdout, 'columns', { configurable: true, get: () => columns });
  Object.defineProperty(app.stdout, 'rows', { configurable: true, get: () => rows });
  app.stdout.emit('resize');
}

const selected = (frame: string): string | undefined => /❯ (HD\d{4})/.exec(frame)?.[1];

function checkFits(t: Test, frame: string, columns: number, rows: number, title: RegExp, what: string): void {
  const lines = frame.split('\n');
  t.ok(lines.length <= rows - 1, `${what}: ${lines.length} lines fit ${rows} rows with one to spare`);
  const wide = lines.filter((line) => line.length > columns);
  t.same(wide, [], `${what}: no line wider than ${columns}`);
  t.match(lines[0], title, `${what}: the title is the first line`);
  t.ok(
    lines.some((line) => /^\s+PHONE\s+MODEL\s+MAC\s+STATE\s+EXT\s+USER\s+SINCE\s+SYNC$/.test(line)),
    `${what}: the header is on screen`,
  );
  t.notMatch(frame, /2026-1…/, `${what}: no date cut short`);
}

for (const [columns, rows] of [
  [80, 24],
  [160, 45],
] as const) {
  t.test(`dashboard at ${columns}×${rows} with 200 phones`, async (t) => {
    const source = fakeSource(DATA);
    const app = render(
      <Dashboard
        source={source}
        catalogue={CATALOGUE}
        submit={async () => ({ ok: true, value: { kind: 'nothing' } }) as never}
        newIdlePassword={() => 'idle-secret'}
        describeReason={(reason: Reason) => reason.kind}
      />,
    );
    t.teardown(() => app.unmount());
    resize(app, columns, rows);
    const frame = () => plain(app.lastFrame());
    await until(() => frame().includes('HD0001'));
    await delay();
    const check = (what: string, phone: string) => {
      checkFits(t, frame(), columns, rows, /^hotdesk — 200 phones, 40 logged in/, what);
      t.equal(selected(frame()), phone, `${what}: ${phone} selected and on screen`);
    };
    check('at the start', 'HD0001');
    t.match(frame(), /of 200 phones · PgUp\/PgDn Home\/End/, 'says which rows are shown');

    await press(app, PAGE.down);
    const afterOnePage = selected(frame())!;
    t.ok(Number(afterOnePage.slice(2)) > 5, `PgDn moves a screenful (${afterOnePage})`);
    check('after PgDn', afterOnePage);
    await press(app, PAGE.down, PAGE.down, PAGE.down);
    const afterFour = selected(frame())!;
    check('after 4 PgDn', afterFour);
    t.ok(Number(afterFour.slice(2)) > Number(afterOnePage.slice(2)));

    await press(app, PAGE.end);
    check('after End', 'HD0200');
    t.match(frame(), new RegExp(`–200 of 200 phones`));
    await press(app, KEY.up, KEY.up);
    check('after End and two ups', 'HD0198');
    await press(app, PAGE.up);
    const afterUp = selected(frame())!;
    check('after PgUp', afterUp);
    t.ok(Number(afterUp.slice(2)) < 198);
    await press(app, PAGE.home);
    check('after Home', 'HD0001');
    await press(app, KEY.down);
    check('after Home and down', 'HD0002');

    // l asks about the selected phone: the admin sees which one.
    await press(app, PAGE.end);
    await until(() => selected(frame()) === 'HD0200');
    await press(app, 'l');
    t.match(frame(), /HD0200 is idle: nobody to log out/);
    await press(app, PAGE.home);
    await until(() => selected(frame()) === 'HD0001');
    await press(app, 'l');
    t.match(frame(), /Log out Maximiliane Brandenburg-Ostheim 1 \(301\) from HD0001\? y\/n/);
    checkFits(t, frame(), columns, rows, /^hotdesk/, 'while asking');
    await press(app, 'n');
  });

  t.test(`status --watch at ${columns}×${rows} with 200 phones`, async (t) => {
    const app = render(<StatusWatch source={fakeSource(DATA)} catalogue={CATALOGUE} />);
    t.teardown(() => app.unmount());
    resize(app, columns, rows);
    const frame = () => plain(app.lastFrame());
    await until(() => frame().includes('HD0001'));
    await delay();
    checkFits(t, frame(), columns, rows, /^hotdesk status — 200 phones, 40 logged in/, 'status --watch');
    t.match(frame(), /live: refreshes when the store changes · q quits/, 'the footer is on screen');
  });
}

t.test('a resize is followed: wide, then narrow', async (t) => {
  const app = render(<StatusWatch source={fakeSource(DATA)} catalogue={CATALOGUE} />);
  t.teardown(() => app.unmount());
  const frame = () => plain(app.lastFrame());
  resize(app, 160, 45);
  await until(() => frame().includes('HD0001'));
  await delay();
  t.match(frame(), /00:15:65:00:00:01/, 'wide: the full MAC');
  t.match(frame(), /2026-11-22 08:00/, 'wide: the full SINCE');
  resize(app, 80, 24);
  await delay();
  checkFits(t, frame(), 80, 24, /^hotdesk status/, 'after the resize');
  t.notMatch(frame(), /00:15:65:00:00:01/, 'narrow: the MAC without colons');
});

import t from 'tap';
import type { StatusRow } from '../../src/store/queries.js';
import { cut, formatSince, layoutDeskTable } from '../../src/tui/layout-desk-table.js';

const NOW = '2026-11-22T15:30:00.000Z';

const row = (over: Partial<StatusRow> = {}): StatusRow => ({
  name: 'HD0001',
  model: 'yealink-t54w',
  mac: '001565000001',
  state: 'logged-in',
  extension: '201',
  user: 'Alexandra Montgomery-Smith',
  since: '2026-11-22T08:05:00.000Z',
  connection: 'lan',
  outOfStep: true,
  overflow: 0,
  ...over,
});

const ROWS = [
  row(),
  row({ name: 'HD0002', state: 'idle', extension: null, user: null, since: null, outOfStep: false }),
  row({ name: 'HD0003', since: '2026-11-20T17:45:00.000Z' }),
];

t.test('formatSince: the widest form that fits', async (t) => {
  const cases: [string | null, number, string][] = [
    ['2026-11-22T08:05:00.000Z', 16, '2026-11-22 08:05'],
    ['2026-11-22T08:05:00.000Z', 11, '11-22 08:05'],
    ['2026-11-22T08:05:00.000Z', 5, '08:05'],
    ['2026-11-20T17:45:00.000Z', 5, '11-20'],
    [null, 16, '-'],
  ];
  for (const [since, width, text] of cases) t.equal(formatSince(since, width, NOW), text, `${since} in ${width}`);
});

t.test('cut', async (t) => {
  t.equal(cut('Alexandra', 20), 'Alexandra');
  t.equal(cut('Alexandra', 5), 'Alex…');
  t.equal(cut('Alexandra', 1), 'A');
});

t.test('at each width: no line wider, STATE EXT and SYNC whole, SINCE never cut mid-date', async (t) => {
  for (const width of [200, 120, 100, 78, 70, 60, 50, 40]) {
    const { header, lines } = layoutDeskTable(ROWS, width, NOW);
    for (const line of [header, ...lines]) t.ok(line.length <= width, `${width}: "${line}" fits`);
    t.match(lines[0], /logged-in\s+201/, `${width}: STATE and EXT whole`);
    t.match(lines[0], /pending$/, `${width}: SYNC whole`);
    t.notMatch(lines.join('\n'), /2026-1…|\d…/, `${width}: no date cut short`);
  }
});

t.test('USER and SINCE shorten first, then MODEL, PHONE and MAC; then columns go', async (t) => {
  const wide = layoutDeskTable(ROWS, 200, NOW);
  t.equal(
    wide.header,
    'PHONE   MODEL         MAC                STATE      EXT  USER                        SINCE             SYNC',
  );
  t.match(
    wide.lines[0],
    'HD0001  yealink-t54w  00:15:65:00:00:01  logged-in  201  Alexandra Montgomery-Smith  2026-11-22 08:05  pending',
  );

  const at78 = layoutDeskTable(ROWS, 78, NOW).lines[0];
  t.equal(
    at78,
    'HD0001  yealink-t54w  001565000001  logged-in  201  Alexandra…  08:05  pending',
    'at 78 (80 less the marker)',
  );
  t.match(
    layoutDeskTable(ROWS, 100, NOW).lines[0],
    /logged-in {2}201 {2}Alexandra Montgomery… {2}11-22 08:05 {2}pending$/,
    'at 100: USER shortened, SINCE as day and minute',
  );

  const at60 = layoutDeskTable(ROWS, 60, NOW);
  t.match(at60.lines[0], /08:05 {2}pending$/, 'at 60: SINCE in its short form, today');
  t.match(at60.lines[2], /11-20 {2}pending$/, 'an earlier day shows the day');
  t.match(at60.lines[0], /logged-in {2}201/);

  const at40 = layoutDeskTable(ROWS, 40, NOW);
  t.notMatch(at40.header, /MAC|MODEL/, 'at 40: MAC and MODEL dropped');
  t.match(at40.header, /^PHONE\s+STATE\s+EXT/);
});

t.test('desk locations: a LOCATION column last, the first to shorten and to go', async (t) => {
  const located = [
    row({ location: 'building A, floor 2, room 214' }),
    row({ name: 'HD0002', state: 'idle', extension: null, user: null, since: null, outOfStep: false }),
  ];
  const wide = layoutDeskTable(located, 200, NOW);
  t.match(wide.header, /SYNC\s+LOCATION$/);
  t.match(wide.lines[0], /pending {2}building A, floor 2, room 214$/);
  t.match(wide.lines[1], /ok\s+-$/, 'a phone with no location shows -');
  const at120 = layoutDeskTable(located, 120, NOW);
  t.match(
    at120.lines[0],
    /Alexandra Montgomery-Smith {2}11-22 08:05 {2}pending {2}building A, …$/,
    'at 120 LOCATION shortens first, then SINCE',
  );
  const at78 = layoutDeskTable(located, 78, NOW);
  t.equal(
    at78.lines[0],
    'HD0001  yealink-t54w  001565000001  logged-in  201  Alexandra…  08:05  pending',
    'at 78 it is gone and the rest is as without it',
  );
  for (const width of [200, 120, 100, 78, 60, 40]) {
    for (const line of [layoutDeskTable(located, width, NOW).header, ...layoutDeskTable(located, width, NOW).lines])
      t.ok(line.length <= width, `${width}: fits`);
  }
  t.notMatch(layoutDeskTable(ROWS, 200, NOW).header, /LOCATION/, 'no phone has a location: no column');
});

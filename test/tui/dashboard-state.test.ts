import t from 'tap';
import type { StatusRow } from '../../src/store/queries.js';
import {
  applyDashboardEvent,
  initialDashboardState,
  resolveSelection,
  type DashboardEvent,
  type DashboardState,
} from '../../src/tui/dashboard-state.js';

const row = (name: string, user?: { extension: string; name: string }): StatusRow => ({
  name,
  model: 'yealink-t54w',
  mac: '001565000001',
  state: user ? 'logged-in' : 'idle',
  extension: user?.extension ?? null,
  user: user?.name ?? null,
  since: user ? '2026-11-22T08:00:00.000Z' : null,
  connection: 'lan',
  outOfStep: false,
  overflow: 0,
});

const names = ['HD0001', 'HD0002', 'HD0003'];
const at = (over: Partial<DashboardState>): DashboardState => ({ ...initialDashboardState, ...over });
const info = (text: string) => ({ tone: 'info' as const, text });

const cases: [string, DashboardState, DashboardEvent, DashboardState][] = [
  [
    'down from nothing selected picks the second row',
    at({}),
    { kind: 'move', by: 1, names },
    at({ selected: 'HD0002' }),
  ],
  ['up from nothing selected stays on the first', at({}), { kind: 'move', by: -1, names }, at({ selected: 'HD0001' })],
  [
    'down stops at the last row',
    at({ selected: 'HD0003' }),
    { kind: 'move', by: 1, names },
    at({ selected: 'HD0003' }),
  ],
  [
    'a hidden selection moves from the first visible row',
    at({ selected: 'HD0009' }),
    { kind: 'move', by: 1, names },
    at({ selected: 'HD0002' }),
  ],
  [
    'moving in an empty table does nothing',
    at({ selected: 'HD0002' }),
    { kind: 'move', by: 1, names: [] },
    at({ selected: 'HD0002' }),
  ],
  [
    '/ opens the filter and clears the message',
    at({ message: info('x') }),
    { kind: 'open-filter' },
    at({ view: { kind: 'filter' } }),
  ],
  [
    'typing extends the filter',
    at({ view: { kind: 'filter' }, filter: 'ali' }),
    { kind: 'type-filter', text: 'ce' },
    at({ view: { kind: 'filter' }, filter: 'alice' }),
  ],
  [
    'erasing shortens it',
    at({ view: { kind: 'filter' }, filter: 'al' }),
    { kind: 'erase-filter' },
    at({ view: { kind: 'filter' }, filter: 'a' }),
  ],
  [
    'Enter keeps the filter',
    at({ view: { kind: 'filter' }, filter: 'al' }),
    { kind: 'close-filter', keep: true },
    at({ filter: 'al' }),
  ],
  ['Esc drops it', at({ view: { kind: 'filter' }, filter: 'al' }), { kind: 'close-filter', keep: false }, at({})],
  [
    'l on a logged-in row asks first',
    at({}),
    { kind: 'ask-logout', row: row('HD0001', { extension: '201', name: 'Alice' }) },
    at({ view: { kind: 'confirm-logout', phone: 'HD0001', who: 'Alice (201)' } }),
  ],
  [
    'l on an idle row only says so',
    at({}),
    { kind: 'ask-logout', row: row('HD0003') },
    at({ message: info('HD0003 is idle: nobody to log out') }),
  ],
  ['l with no row', at({}), { kind: 'ask-logout', row: undefined }, at({ message: info('no phone selected') })],
  [
    'k on a logged-in row opens the preview',
    at({}),
    { kind: 'show-keys', row: row('HD0001', { extension: '201', name: 'Alice' }) },
    at({ view: { kind: 'keys', phone: 'HD0001' } }),
  ],
  [
    'k on an idle row only says so',
    at({}),
    { kind: 'show-keys', row: row('HD0003') },
    at({ message: info("HD0003 is idle: nobody's keys to show") }),
  ],
  ['a opens the wizard', at({ message: info('x') }), { kind: 'open-wizard' }, at({ view: { kind: 'add-phone' } })],
  ['Esc leaves a sub-view', at({ view: { kind: 'keys', phone: 'HD0001' } }), { kind: 'leave' }, at({})],
  [
    'start shows what is being done',
    at({ view: { kind: 'confirm-logout', phone: 'HD0001', who: 'x' } }),
    { kind: 'start', doing: 'logging out HD0001' },
    at({ view: { kind: 'busy', doing: 'logging out HD0001' } }),
  ],
  [
    'finish goes back to the table with the message',
    at({ view: { kind: 'busy', doing: 'x' } }),
    { kind: 'finish', message: info('done') },
    at({ message: info('done') }),
  ],
];

for (const [name, state, event, expected] of cases) t.same(applyDashboardEvent(state, event), expected, name);

const selections: [readonly string[], string | undefined, string | undefined][] = [
  [names, 'HD0002', 'HD0002'],
  [names, undefined, 'HD0001'],
  [names, 'HD0009', 'HD0001'],
  [[], 'HD0002', undefined],
];
for (const [visible, remembered, expected] of selections) {
  t.equal(resolveSelection(visible, remembered), expected, `resolveSelection(${visible.length} rows, ${remembered})`);
}

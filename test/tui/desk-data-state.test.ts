import t from 'tap';
import {
  applyDeskDataEvent,
  deskData,
  initialDeskData,
  type DeskDataEvent,
  type DeskDataState,
} from '../../src/tui/desk-data-state.js';
import { emptyOffice } from '../support/office.js';

const one = emptyOffice();
const two = { ...emptyOffice(), nextPhoneNumber: 2 };
const loaded = (data = two): DeskDataEvent => ({ kind: 'loaded', data });
const failed: DeskDataEvent = { kind: 'failed', problem: 'not valid JSON' };

const cases: [string, DeskDataState, DeskDataEvent, DeskDataState][] = [
  ['the first read', initialDeskData, loaded(), { kind: 'ready', data: two }],
  ['the first read fails', initialDeskData, failed, { kind: 'failed', problem: 'not valid JSON' }],
  ['a newer store replaces the old', { kind: 'ready', data: one }, loaded(), { kind: 'ready', data: two }],
  [
    'a failed re-read keeps the last good copy',
    { kind: 'ready', data: one },
    failed,
    { kind: 'stale', data: one, problem: 'not valid JSON' },
  ],
  [
    'still failing keeps it too',
    { kind: 'stale', data: one, problem: 'old' },
    failed,
    { kind: 'stale', data: one, problem: 'not valid JSON' },
  ],
  [
    'a good read after a failure recovers',
    { kind: 'stale', data: one, problem: 'old' },
    loaded(),
    { kind: 'ready', data: two },
  ],
  ['a good read after failing at start', { kind: 'failed', problem: 'old' }, loaded(), { kind: 'ready', data: two }],
];

for (const [name, state, event, expected] of cases) t.same(applyDeskDataEvent(state, event), expected, name);

t.equal(deskData(initialDeskData), undefined);
t.equal(deskData({ kind: 'failed', problem: 'x' }), undefined);
t.equal(deskData({ kind: 'ready', data: one }), one);
t.equal(deskData({ kind: 'stale', data: one, problem: 'x' }), one);

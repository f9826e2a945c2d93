import t from 'tap';
import {
  applyCallEvent,
  dialogsOf,
  emptyDialogs,
  type CallEvent,
  type DialogState,
  type DialogTable,
} from '../../src/sip/dialog-state.js';

/** An event for extension 201 answering call `c1` from 100, overridable. */
const event = (phase: DialogState, extra: Partial<CallEvent> = {}): CallEvent => ({
  kind: 'call',
  callId: 'c1',
  extension: '201',
  direction: 'recipient',
  remote: 'sip:100@pbx.example',
  phase,
  ...extra,
});

/** Runs events; for each, what 201's watchers would be shown (`-` when nothing changed). */
function run(events: CallEvent[], table: DialogTable = emptyDialogs()): { table: DialogTable; steps: string[] } {
  const steps: string[] = [];
  for (const next of events) {
    const result = applyCallEvent(table, next);
    table = result.table;
    steps.push(
      result.changed.length === 0
        ? '-'
        : result.changed
            .map(
              (change) =>
                `${change.extension}:` +
                (change.dialogs
                  .map((dialog) => `${dialog.state}${dialog.reason ? `(${dialog.reason})` : ''}`)
                  .join(',') || 'idle'),
            )
            .join(' '),
    );
  }
  return { table, steps };
}

const flows: [string, CallEvent[], string[]][] = [
  [
    'an answered call goes trying → early → confirmed → terminated, each a change',
    [
      event('trying'),
      event('early', { localTag: 'to1', remoteTag: 'from1' }),
      event('confirmed', { localTag: 'to1', remoteTag: 'from1' }),
      event('terminated', { reason: 'remote-bye' }),
    ],
    ['201:trying', '201:early', '201:confirmed', '201:terminated(remote-bye)'],
  ],
  [
    'proceeding sits between trying and early',
    [event('trying'), event('proceeding'), event('early', { localTag: 'a' })],
    ['201:trying', '201:proceeding', '201:early'],
  ],
  [
    'a retransmitted 180 changes nothing',
    [event('trying'), event('early', { localTag: 'a' }), event('early', { localTag: 'a' })],
    ['201:trying', '201:early', '-'],
  ],
  [
    'a late 180 after the 200 does not move the dialog back',
    [event('trying'), event('confirmed', { localTag: 'a' }), event('early', { localTag: 'a' }), event('trying')],
    ['201:trying', '201:confirmed', '-', '-'],
  ],
  [
    'a forked early dialog with another To tag changes nothing',
    [event('early', { localTag: 'a' }), event('early', { localTag: 'b' })],
    ['201:early', '-'],
  ],
  [
    'terminated is reported once, then the dialog is gone',
    [event('trying'), event('terminated', { reason: 'cancelled' }), event('terminated', { reason: 'cancelled' })],
    ['201:trying', '201:terminated(cancelled)', '-'],
  ],
  ['the end of a call never seen is not news', [event('terminated', { reason: 'rejected' })], ['-']],
  [
    'a reason only counts on terminated',
    [event('trying', { reason: 'error' }), event('confirmed', { reason: 'error' })],
    ['201:trying', '201:confirmed'],
  ],
  [
    'a new display name of the other party is a change',
    [
      event('confirmed'),
      event('confirmed', { remoteDisplay: 'Alice' }),
      event('confirmed', { remoteDisplay: 'Alice' }),
    ],
    ['201:confirmed', '201:confirmed', '-'],
  ],
  [
    'call waiting: two dialogs, ending one leaves the other',
    [
      event('confirmed'),
      event('early', { callId: 'c2', remote: 'sip:102@pbx.example' }),
      event('confirmed', { callId: 'c2', remote: 'sip:102@pbx.example' }),
      event('terminated', { callId: 'c1', reason: 'remote-bye' }),
      event('terminated', { callId: 'c2', reason: 'local-bye' }),
    ],
    [
      '201:confirmed',
      '201:confirmed,early',
      '201:confirmed,confirmed',
      '201:terminated(remote-bye),confirmed',
      '201:terminated(local-bye)',
    ],
  ],
  [
    'the same Call-ID both ways on one extension is two dialogs',
    [event('trying', { direction: 'initiator' }), event('early', { direction: 'recipient' })],
    ['201:trying', '201:trying,early'],
  ],
];

for (const [name, events, expected] of flows) {
  t.test(name, async (t) => {
    t.same(run(events).steps, expected);
  });
}

t.test('the dialog a watcher sees, field by field, with no undefined fields', async (t) => {
  let { table } = run([
    event('trying'),
    event('early', { localTag: 'to1', remoteTag: 'from1', remoteDisplay: 'Anna' }),
  ]);
  const confirmed = applyCallEvent(table, event('confirmed', { localTag: 'to1', remoteTag: 'from1' }));
  t.strictSame(confirmed.changed, [
    {
      extension: '201',
      dialogs: [
        {
          id: '1',
          callId: 'c1',
          direction: 'recipient',
          state: 'confirmed',
          remote: 'sip:100@pbx.example',
          remoteDisplay: 'Anna',
          localTag: 'to1',
          remoteTag: 'from1',
        },
      ],
    },
  ]);
  table = confirmed.table;
  t.strictSame(dialogsOf(table, '201'), confirmed.changed[0]!.dialogs, 'the table holds what was reported');
  const ended = applyCallEvent(table, event('terminated', { reason: 'local-bye' }));
  t.strictSame(ended.changed[0]!.dialogs, [
    { ...confirmed.changed[0]!.dialogs[0]!, state: 'terminated', reason: 'local-bye' },
  ]);
  t.same(dialogsOf(ended.table, '201'), [], 'idle afterwards');
  t.equal(ended.table.byExtension.has('201'), false, 'an idle extension takes no room');
});

t.test('the 2xx settles the tags of a forked call', async (t) => {
  const { table } = run([
    event('early', { localTag: 'branch-a', remoteTag: 'f' }),
    event('early', { localTag: 'branch-b', remoteTag: 'f' }),
  ]);
  t.equal(dialogsOf(table, '201')[0]!.localTag, 'branch-a', 'first early tag kept');
  const answered = applyCallEvent(table, event('confirmed', { localTag: 'branch-b', remoteTag: 'f' }));
  t.equal(dialogsOf(answered.table, '201')[0]!.localTag, 'branch-b', 'the answering branch wins');
  const tagless = applyCallEvent(run([event('early', { localTag: 'x' })]).table, event('confirmed'));
  t.equal(dialogsOf(tagless.table, '201')[0]!.localTag, 'x', 'a 2xx event without tags keeps the known ones');
});

t.test('a call between two local extensions changes each one on its own', async (t) => {
  const caller = event('trying', { extension: '100', direction: 'initiator', remote: 'sip:201@pbx.example' });
  const callee = event('trying', { extension: '201', direction: 'recipient', remote: 'sip:100@pbx.example' });
  const first = applyCallEvent(emptyDialogs(), caller);
  const second = applyCallEvent(first.table, callee);
  t.same(
    first.changed.map((change) => change.extension),
    ['100'],
  );
  t.same(
    second.changed.map((change) => change.extension),
    ['201'],
  );
  t.not(dialogsOf(second.table, '100')[0]!.id, dialogsOf(second.table, '201')[0]!.id, 'ids never repeat');
  t.equal(dialogsOf(second.table, '100')[0]!.direction, 'initiator');
});

t.test('bounded: past the cap the oldest dialog of the extension is dropped', async (t) => {
  let table = emptyDialogs();
  for (let i = 1; i <= 5; i++)
    table = applyCallEvent(table, event('trying', { callId: `c${i}` }), { maxDialogsPerExtension: 3 }).table;
  t.same(
    dialogsOf(table, '201').map((dialog) => [dialog.callId, dialog.id]),
    [
      ['c3', '3'],
      ['c4', '4'],
      ['c5', '5'],
    ],
  );
  let flooded = emptyDialogs();
  for (let i = 0; i < 1000; i++) flooded = applyCallEvent(flooded, event('trying', { callId: `flood-${i}` })).table;
  t.equal(dialogsOf(flooded, '201').length, 16, 'the default cap holds under an INVITE flood');
});

t.test('tables are values: applying leaves the old one alone', async (t) => {
  const before = applyCallEvent(emptyDialogs(), event('trying')).table;
  const after = applyCallEvent(before, event('confirmed')).table;
  t.equal(dialogsOf(before, '201')[0]!.state, 'trying');
  t.equal(dialogsOf(after, '201')[0]!.state, 'confirmed');
  const same = applyCallEvent(after, event('confirmed'));
  t.equal(same.table, after, 'no change: the same table');
  t.same(dialogsOf(emptyDialogs(), '999'), []);
});

import t from 'tap';
import {
  CONFIRMED_DIALOG_MS,
  EARLY_DIALOG_MS,
  expireDialogs,
  findDialog,
  recordDialog,
  removeDialog,
  removeEarlyDialogs,
  touchDialog,
  type KnownDialog,
  type KnownDialogs,
} from '../../src/sip/known-dialogs.js';

const phone = { protocol: 'UDP', address: '192.0.2.10', port: 5062 } as const;
const trunk = { protocol: 'UDP', address: '198.51.100.1', port: 5060 } as const;
const dialog = (
  callId: string,
  state: KnownDialog['state'] = 'confirmed',
  calleeTag = 'b',
): Omit<KnownDialog, 'expiresAt'> => ({
  callId,
  caller: { tag: 'a', endpoint: phone, account: '100' },
  callee: { tag: calleeTag, endpoint: trunk, trunk: true },
  state,
});
const empty: KnownDialogs = new Map();

t.test('a request is matched by Call-ID and both tags, from either side', async (t) => {
  const table = recordDialog(empty, dialog('c1'), 1000);
  const cases: [string, string, string, 'caller' | 'callee' | undefined][] = [
    ['c1', 'a', 'b', 'caller'],
    ['c1', 'b', 'a', 'callee'],
    ['c1', 'a', 'x', undefined],
    ['c1', 'x', 'b', undefined],
    ['c2', 'a', 'b', undefined],
    ['c1', 'a', 'a', undefined],
    ['c1', 'b', 'b', undefined],
  ];
  for (const [callId, from, to, side] of cases) {
    const match = findDialog(table, callId, from, to, 2000);
    t.equal(
      match ? (match.from === match.dialog.caller ? 'caller' : 'callee') : undefined,
      side,
      `${callId} ${from}→${to}`,
    );
  }
  const match = findDialog(table, 'c1', 'b', 'a', 2000)!;
  t.same(match.to.endpoint, phone, 'a request from the callee goes to the caller');
  t.equal(table.size, 1);
  t.equal(empty.size, 0, 'tables are values');
});

t.test('lifetimes: early for minutes, confirmed for a day, refreshed by traffic', async (t) => {
  const early = recordDialog(empty, dialog('c1', 'early'), 0);
  t.ok(findDialog(early, 'c1', 'a', 'b', EARLY_DIALOG_MS - 1));
  t.notOk(findDialog(early, 'c1', 'a', 'b', EARLY_DIALOG_MS), 'an early dialog past its time is gone');
  const confirmed = recordDialog(early, dialog('c1', 'confirmed'), 10);
  t.equal(confirmed.get([...confirmed.keys()][0]!)?.state, 'confirmed');
  const again = recordDialog(confirmed, dialog('c1', 'early'), 20);
  t.equal([...again.values()][0]?.state, 'confirmed', 'a late provisional response does not make it early again');
  const touched = touchDialog(again, [...again.values()][0]!, CONFIRMED_DIALOG_MS);
  t.ok(findDialog(touched, 'c1', 'a', 'b', CONFIRMED_DIALOG_MS + 100), 'traffic keeps it alive');
  t.same([...expireDialogs(touched, 3 * CONFIRMED_DIALOG_MS).keys()], [], 'expired dialogs are swept');
  t.equal(expireDialogs(touched, 0), touched, 'nothing to sweep: the same table');
});

t.test('ending dialogs', async (t) => {
  let table = recordDialog(empty, dialog('c1', 'early', 'b1'), 0);
  table = recordDialog(table, dialog('c1', 'early', 'b2'), 0);
  table = recordDialog(table, dialog('c2', 'confirmed'), 0);
  const failed = removeEarlyDialogs(table, 'c1', 'a');
  t.same(
    [...failed.values()].map((entry) => entry.callId),
    ['c2'],
    'a failed INVITE ends its early dialogs (every fork)',
  );
  t.equal(removeEarlyDialogs(table, 'c2', 'a'), table, 'never a confirmed one');
  const ended = removeDialog(failed, dialog('c2'));
  t.equal(ended.size, 0, 'a BYE ends it');
  t.equal(removeDialog(ended, dialog('c2')), ended, 'twice: the same table');
});

t.test('the table is bounded, oldest out first', async (t) => {
  let table = empty;
  for (let i = 0; i < 5; i++) table = recordDialog(table, dialog(`c${i}`), i, 3);
  t.same(
    [...table.values()].map((entry) => entry.callId),
    ['c2', 'c3', 'c4'],
  );
});

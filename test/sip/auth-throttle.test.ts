import t from 'tap';
import {
  blockedKeys,
  checkThrottle,
  clearThrottle,
  DEFAULT_THROTTLE_OPTIONS,
  emptyThrottle,
  pruneThrottle,
  recordFailure,
  recordSuccess,
  throttleSize,
  type ThrottleTable,
  type ThrottleVerdict,
} from '../../src/sip/auth-throttle.js';

const start = 5_000_000;
const ip = '192.0.2.66';

/** `count` failures from `key`, `gapMs` apart from `from`; returns the table and when the last one happened. */
function fail(table: ThrottleTable, key: string, count: number, from: number, gapMs = 1000) {
  let at = from;
  for (let index = 0; index < count; index++) {
    at = from + index * gapMs;
    table = recordFailure(table, key, at);
  }
  return { table, at };
}

t.same(
  DEFAULT_THROTTLE_OPTIONS,
  {
    windowMs: 60_000,
    delayAfter: 5,
    blockAfter: 20,
    blockMs: 600_000,
    baseDelayMs: 250,
    maxDelayMs: 4_000,
    maxEntries: 4096,
    buckets: 64,
  },
  'the policy',
);

const ladder: [number, ThrottleVerdict][] = [
  [0, { kind: 'allow' }],
  [1, { kind: 'allow' }],
  [4, { kind: 'allow' }],
  [5, { kind: 'delay', ms: 250 }],
  [6, { kind: 'delay', ms: 500 }],
  [7, { kind: 'delay', ms: 1000 }],
  [8, { kind: 'delay', ms: 2000 }],
  [9, { kind: 'delay', ms: 4000 }],
  [10, { kind: 'delay', ms: 4000 }],
  [19, { kind: 'delay', ms: 4000 }],
  [20, { kind: 'block', untilMs: start + 19_000 + 600_000 }],
];
for (const [failures, expected] of ladder) {
  const { table, at } = fail(emptyThrottle(), ip, failures, start);
  t.same(checkThrottle(table, ip, at), expected, `after ${failures} failures`);
}

t.test('allow → delay → block → unblock, over a fake clock', async (t) => {
  let { table, at } = fail(emptyThrottle(), ip, 5, start);
  t.equal(checkThrottle(table, ip, at).kind, 'delay');
  ({ table, at } = fail(table, ip, 15, at + 1000));
  const untilMs = at + 600_000;
  t.same(checkThrottle(table, ip, at), { kind: 'block', untilMs });
  t.same(checkThrottle(table, ip, untilMs - 1), { kind: 'block', untilMs }, 'still blocked a ms before the end');
  t.same(checkThrottle(table, '192.0.2.67', at), { kind: 'allow' }, 'other sources unaffected');
  t.equal(recordFailure(table, ip, at + 1), table, 'failures during a block change nothing');
  t.equal(recordSuccess(table, ip), table, 'a success does not lift a block');
  t.same(checkThrottle(table, ip, untilMs), { kind: 'allow' }, 'unblocked when the time is up');
  table = recordFailure(table, ip, untilMs + 1);
  t.same(checkThrottle(table, ip, untilMs + 1), { kind: 'allow' }, 'a new run starts from one');
  t.same(checkThrottle(fail(table, ip, 4, untilMs + 2).table, ip, untilMs + 5), { kind: 'delay', ms: 250 });
});

t.test('decay: a run ends after a window without failures', async (t) => {
  const { table, at } = fail(emptyThrottle(), ip, 8, start);
  t.same(checkThrottle(table, ip, at + 60_000), { kind: 'delay', ms: 2000 }, 'still counted at the window edge');
  t.same(checkThrottle(table, ip, at + 60_001), { kind: 'allow' }, 'decayed just after');
  const later = recordFailure(table, ip, at + 60_001);
  t.same(checkThrottle(later, ip, at + 60_001), { kind: 'allow' }, 'the next failure starts a new run');
  t.same(checkThrottle(fail(later, ip, 3, at + 60_002).table, ip, at + 60_010), { kind: 'allow' }, '4 in the new run');
});

t.test('slow guessing inside the window still ends in a block', async (t) => {
  const { table, at } = fail(emptyThrottle(), ip, 20, start, 59_000);
  t.equal(checkThrottle(table, ip, at).kind, 'block');
});

t.test('success forgets the failures', async (t) => {
  const { table, at } = fail(emptyThrottle(), ip, 7, start);
  const cleared = recordSuccess(table, ip);
  t.same(checkThrottle(cleared, ip, at), { kind: 'allow' });
  t.equal(throttleSize(cleared), 0);
  t.equal(recordSuccess(cleared, ip), cleared, 'nothing to forget: same table');
  t.same(checkThrottle(table, ip, at), { kind: 'delay', ms: 1000 }, 'the old table is untouched');
});

t.test('options', async (t) => {
  const strict = emptyThrottle({ delayAfter: 1, blockAfter: 3, blockMs: 1000, baseDelayMs: 100, maxDelayMs: 150 });
  const steps: [number, ThrottleVerdict][] = [
    [1, { kind: 'delay', ms: 100 }],
    [2, { kind: 'delay', ms: 150 }],
    [3, { kind: 'block', untilMs: start + 2 * 1000 + 1000 }],
  ];
  for (const [failures, expected] of steps) {
    const { table, at } = fail(strict, ip, failures, start);
    t.same(checkThrottle(table, ip, at), expected, `${failures} failures`);
  }
});

t.test('size cap: a spoofed flood stays bounded, least recently failed goes first', async (t) => {
  let table = emptyThrottle({ buckets: 1, maxEntries: 3 });
  for (const [key, at] of [
    ['a', 1],
    ['b', 2],
    ['c', 3],
    ['a', 4],
    ['d', 5],
  ] as const)
    table = recordFailure(table, key, start + at);
  t.equal(throttleSize(table), 3);
  t.same([...table.buckets[0]!.keys()], ['c', 'a', 'd'], 'b failed least recently');
  t.same(table.buckets[0]!.get('a'), { failures: 2, lastFailureMs: start + 4 });

  let flood = emptyThrottle({ maxEntries: 256, buckets: 16 });
  for (let index = 0; index < 10_000; index++)
    flood = recordFailure(flood, `10.${index >> 16}.${(index >> 8) & 255}.${index & 255}`, start + index);
  t.ok(throttleSize(flood) <= 256, `${throttleSize(flood)} entries after 10 000 sources`);
  t.ok(
    flood.buckets.every((bucket) => bucket.size <= 16),
    'every bucket within its share',
  );
});

t.test('a full bucket drops decayed entries first, then unblocked ones, keeping blocks', async (t) => {
  let table = emptyThrottle({ buckets: 1, maxEntries: 3, blockAfter: 2 });
  table = fail(table, 'attacker', 2, start).table; // blocked
  table = recordFailure(table, 'old', start + 10);
  table = recordFailure(table, 'recent', start + 70_000);
  table = recordFailure(table, 'new', start + 70_001);
  t.same([...table.buckets[0]!.keys()], ['attacker', 'recent', 'new'], 'the decayed entry went first');
  for (let index = 0; index < 10; index++) table = recordFailure(table, `spoofed-${index}`, start + 70_100 + index);
  t.equal(checkThrottle(table, 'attacker', start + 70_200).kind, 'block', 'the flood did not evict the block');
  t.equal(throttleSize(table), 3);

  let allBlocked = emptyThrottle({ buckets: 1, maxEntries: 2, blockAfter: 1 });
  for (const key of ['x', 'y', 'z']) allBlocked = recordFailure(allBlocked, key, start);
  t.same([...allBlocked.buckets[0]!.keys()], ['y', 'z'], 'all blocked: the oldest block goes');
});

t.test('prune drops decayed entries and ended blocks', async (t) => {
  let table = emptyThrottle({ buckets: 4 });
  table = fail(table, 'blocked', 20, start).table;
  table = recordFailure(table, 'fresh', start + 100_000);
  table = recordFailure(table, 'stale', start);
  t.equal(throttleSize(table), 3);
  const pruned = pruneThrottle(table, start + 100_000);
  t.equal(throttleSize(pruned), 2, 'the decayed entry is gone');
  t.equal(checkThrottle(pruned, 'blocked', start + 100_000).kind, 'block');
  t.equal(pruneThrottle(pruned, start + 100_000), pruned, 'nothing to prune: same table');
  t.equal(
    throttleSize(pruneThrottle(pruned, start + 19_000 + 600_000 + 60_000)),
    0,
    'after the block and the window, empty',
  );
});

t.test('blockedKeys lists what is blocked now; clearThrottle lifts a block at once', async (t) => {
  const first = fail(emptyThrottle(), ip, 20, start);
  const at = first.at;
  let table = first.table;
  ({ table } = fail(table, '192.0.2.9', 3, at));
  t.same(blockedKeys(table, at), [{ key: ip, untilMs: at + 600_000 }], 'only the blocked key, with its end');
  t.same(blockedKeys(table, at + 600_001), [], 'nothing once the block is over');
  const cleared = clearThrottle(table, ip);
  t.equal(checkThrottle(cleared, ip, at).kind, 'allow', 'cleared: allowed again');
  t.same(blockedKeys(cleared, at), []);
  t.equal(checkThrottle(cleared, '192.0.2.9', at + 1).kind, 'allow', 'other keys keep their count');
  t.equal(throttleSize(cleared), 1);
  t.equal(clearThrottle(cleared, 'not-there'), cleared, 'clearing an unknown key changes nothing');
});

import t from 'tap';
import { nonceIssuedMs } from '../../src/sip/nonce.js';
import {
  applyNonceCount,
  emptyNonceCounts,
  nonceBuckets,
  nonceCountBuckets,
  nonceCountKeys,
  nonceCountOf,
  pruneNonceCounts,
  type NonceCounts,
} from '../../src/sip/nonce-counts.js';

const now = 1_000_000;

/** Applies counts in order; returns which were fresh. */
function run(steps: [nonce: string, nc: string][], start: NonceCounts = emptyNonceCounts()) {
  let state = start;
  const fresh = steps.map(([nonce, nc], index) => {
    const result = applyNonceCount(state, nonce, nc, now + index);
    state = result.state;
    return result.fresh;
  });
  return { state, fresh };
}

const sequences: [string, [string, string][], boolean[]][] = [
  ['first use at 1', [['n', '00000001']], [true]],
  [
    'counting up',
    [
      ['n', '00000001'],
      ['n', '00000002'],
      ['n', '00000003'],
    ],
    [true, true, true],
  ],
  [
    'gaps are fine',
    [
      ['n', '00000001'],
      ['n', '0000000a'],
    ],
    [true, true],
  ],
  [
    'same nc again is a replay',
    [
      ['n', '00000001'],
      ['n', '00000001'],
    ],
    [true, false],
  ],
  [
    'a lower nc not used yet is taken once (requests on one nonce may arrive out of order)',
    [
      ['n', '00000005'],
      ['n', '00000004'],
      ['n', '00000004'],
      ['n', '00000005'],
      ['n', '00000001'],
      ['n', '00000001'],
    ],
    [true, true, false, false, true, false],
  ],
  [
    'a lower nc more than the window below the highest is a replay',
    [
      ['n', '00000001'],
      ['n', '00000023'],
      ['n', '00000002'],
      ['n', '00000022'],
    ],
    [true, true, false, true],
  ],
  [
    'the window moves with the highest: exactly NC_WINDOW below is still taken, the count it pushed out is not',
    [
      ['n', '00000003'],
      ['n', '00000023'],
      ['n', '00000003'],
      ['n', '00000004'],
      ['n', '00000024'],
      ['n', '00000004'],
    ],
    [true, true, false, true, true, false],
  ],
  [
    'nonces count apart',
    [
      ['n', '00000001'],
      ['m', '00000001'],
    ],
    [true, true],
  ],
  [
    'hex compared as numbers, any case',
    [
      ['n', '00000009'],
      ['n', '0000000A'],
      ['n', '0000000b'],
    ],
    [true, true, true],
  ],
  ['zero is never fresh', [['n', '00000000']], [false]],
  ['7 digits', [['n', '0000001']], [false]],
  ['9 digits', [['n', '000000001']], [false]],
  ['not hex', [['n', '0000000g']], [false]],
  ['signs', [['n', '+0000001']], [false]],
  [
    'highest count',
    [
      ['n', 'ffffffff'],
      ['n', 'ffffffff'],
    ],
    [true, false],
  ],
  [
    'a refused count does not reset the nonce',
    [
      ['n', '00000003'],
      ['n', 'zz'],
      ['n', '00000003'],
      ['n', '00000002'],
    ],
    [true, false, false, true],
  ],
];
for (const [name, steps, expected] of sequences) t.same(run(steps).fresh, expected, name);

t.test('the table is a value: refused counts return it unchanged, accepted ones a new one', async (t) => {
  const first = applyNonceCount(emptyNonceCounts(), 'n', '00000001', now);
  const replay = applyNonceCount(first.state, 'n', '00000001', now + 1);
  t.equal(replay.state, first.state);
  const second = applyNonceCount(first.state, 'n', '00000002', now + 2);
  t.not(second.state, first.state);
  t.same(nonceCountOf(first.state, 'n'), { nc: 1, seenMs: now, issuedMs: now }, 'the old table is untouched');
  t.same(
    nonceCountOf(second.state, 'n'),
    { nc: 2, seenMs: now + 2, issuedMs: now, below: 1 },
    'issued when first seen (not one of our nonces); nc 1 is below, taken',
  );
});

/** A nonce shaped like nonce.ts makes them, issued at `issuedMs` (the MAC is not checked here). */
const ours = (issuedMs: number, tail: string) =>
  `${issuedMs.toString(16).padStart(12, '0')}${tail.repeat(16)}-${'m'.repeat(43)}`;

t.test(
  'attack: the cap never forgets a nonce: it drops the one issued first and makes every nonce as old stale',
  async (t) => {
    const [a, b, c, d] = [ours(now, 'a'), ours(now + 1, 'b'), ours(now + 2, 'c'), ours(now + 4, 'd')];
    let state = emptyNonceCounts(1);
    const verdicts: string[] = [];
    for (const [nonce, nc, at] of [
      [a, 1, 0],
      [b, 1, 1],
      [c, 1, 2],
      [a, 2, 3],
      [d, 1, 4],
    ] as const) {
      const result = applyNonceCount(state, nonce, nc.toString(16).padStart(8, '0'), now + at, 3);
      state = result.state;
      verdicts.push(result.verdict);
    }
    t.same(verdicts, ['fresh', 'fresh', 'fresh', 'fresh', 'fresh']);
    t.same(nonceCountKeys(state), [b, c, d], 'a was issued first: it goes, though used lately');
    t.same(
      nonceBuckets(state).map((bucket) => bucket.floor),
      [now],
      'the bucket remembers how old the dropped nonce was',
    );
    const replay = applyNonceCount(state, a, '00000001', now + 5, 3);
    t.equal(replay.verdict, 'stale', 'the dropped nonce replayed: stale, not fresh');
    t.equal(replay.state, state, 'and nothing changes');
    t.equal(applyNonceCount(state, a, '00000009', now + 6, 3).verdict, 'stale', 'at any count');
    t.equal(applyNonceCount(state, b, '00000001', now + 7, 3).verdict, 'replay', 'a held nonce is still counted');
    t.equal(applyNonceCount(state, b, '00000002', now + 8, 3).verdict, 'fresh');
    // A string not shaped like our nonces has no issue time but when first seen: callers check nonces (nonce.ts) first.
  },
);

t.test('our nonces carry their issue time: a replay of one dropped for room is stale however long after', async (t) => {
  const [first, second, third] = [ours(now - 3000, 'a'), ours(now - 2000, 'b'), ours(now - 1000, 'c')];
  t.equal(nonceIssuedMs(first), now - 3000);
  let state = emptyNonceCounts(1);
  // Used in another order than issued: the cap still drops the one issued first.
  for (const nonce of [second, first, third]) state = applyNonceCount(state, nonce, '00000001', now, 2).state;
  t.same(nonceCountKeys(state), [second, third]);
  t.equal(applyNonceCount(state, first, '00000002', now + 60_000, 2).verdict, 'stale');
  t.equal(
    applyNonceCount(state, ours(now - 4000, 'd'), '00000001', now, 2).verdict,
    'stale',
    'an unused nonce older than the floor is stale too',
  );
  t.equal(applyNonceCount(state, ours(now, 'e'), '00000001', now, 2).verdict, 'fresh', 'newer nonces are taken');
});

const prunes: [string, number, string[]][] = [
  ['nothing expired yet', now + 999, ['old', 'new']],
  ['at the lifetime', now + 1000 + 0, ['old', 'new']],
  ['past the older one', now + 1001, ['new']],
  ['past both', now + 1501, []],
];
for (const [name, at, expected] of prunes) {
  t.test(`prune: ${name}`, async (t) => {
    let state = applyNonceCount(emptyNonceCounts(), 'old', '00000001', now).state;
    state = applyNonceCount(state, 'new', '00000001', now + 500).state;
    const pruned = pruneNonceCounts(state, at, 1000);
    t.same(nonceCountKeys(pruned).sort(), [...expected].sort());
    if (expected.length === 2) t.equal(pruned, state, 'nothing pruned: same table');
  });
}

t.test('many buckets: a change copies one bucket, the others are shared; the cap holds per bucket', async (t) => {
  let state = emptyNonceCounts();
  for (let i = 0; i < 1000; i++) state = applyNonceCount(state, `nonce-${i}`, '00000001', now + i).state;
  t.equal(nonceCountKeys(state).length, 1000, 'a thousand nonces held');
  const next = applyNonceCount(state, 'nonce-7', '00000002', now + 2000).state;
  const before = nonceBuckets(state);
  const changed = nonceBuckets(next).filter((bucket, index) => bucket !== before[index]).length;
  t.equal(changed, 1, 'one bucket copied');
  t.equal(next.groups.filter((group, index) => group !== state.groups[index]).length, 1, 'and one group of buckets');
  t.ok(next.groups.length <= 64 && next.groupSize <= 64, 'a change copies a few dozen references at most');
  t.same(nonceCountOf(next, 'nonce-7'), { nc: 2, seenMs: now + 2000, issuedMs: now + 7, below: 1 });
  t.same(nonceCountOf(state, 'nonce-7'), { nc: 1, seenMs: now + 7, issuedMs: now + 7 }, 'the old table is untouched');
  let capped = emptyNonceCounts(4);
  for (let i = 0; i < 100; i++) capped = applyNonceCount(capped, `n${i}`, '00000001', now + i, 20).state;
  t.ok(
    nonceBuckets(capped).every((bucket) => bucket.entries.size <= 5),
    'no bucket holds more than its share of the cap',
  );
  t.ok(nonceCountKeys(capped).length <= 20, 'nor the table more than the cap');
  t.ok(nonceCountOf(capped, 'n99'), 'the newest nonce is kept');
});

t.test(
  'an exact retransmission of the accepted request is accepted again; anything else at that nc is a replay',
  async (t) => {
    const proof = 'z9hG4bKa|cn1|resp1';
    const first = applyNonceCount(emptyNonceCounts(), 'n', '00000001', now, undefined, proof);
    t.equal(first.verdict, 'fresh');
    const cases: { name: string; nc: string; proof: string | undefined; at: number; want: string }[] = [
      { name: 'same nc, branch, cnonce and response', nc: '00000001', proof, at: now + 500, want: 'retransmission' },
      { name: 'at the end of 32 s', nc: '00000001', proof, at: now + 32_000, want: 'retransmission' },
      { name: 'after 32 s', nc: '00000001', proof, at: now + 32_001, want: 'replay' },
      { name: 'another branch', nc: '00000001', proof: 'z9hG4bKb|cn1|resp1', at: now + 1, want: 'replay' },
      { name: 'another cnonce', nc: '00000001', proof: 'z9hG4bKa|cn2|resp1', at: now + 1, want: 'replay' },
      { name: 'no proof', nc: '00000001', proof: undefined, at: now + 1, want: 'replay' },
      { name: 'the next count', nc: '00000002', proof: 'z9hG4bKc|cn1|resp2', at: now + 1, want: 'fresh' },
    ];
    for (const c of cases) {
      const result = applyNonceCount(first.state, 'n', c.nc, c.at, undefined, c.proof);
      t.equal(result.verdict, c.want, c.name);
      t.equal(result.fresh, c.want !== 'replay', `${c.name}: accepted or not`);
      if (c.want === 'retransmission') t.equal(result.state, first.state, `${c.name}: the table unchanged`);
    }
    const second = applyNonceCount(first.state, 'n', '00000002', now + 2, undefined, 'z9hG4bKc|cn1|resp2');
    t.equal(
      applyNonceCount(second.state, 'n', '00000001', now + 3, undefined, proof).verdict,
      'replay',
      'once a later count was accepted, the earlier request is a replay',
    );
  },
);

t.test('buckets of 16, or of the square root of a small cap, so a small table turns over as a whole', async (t) => {
  t.equal(nonceCountBuckets(), 2048, 'the default: 2,048 buckets of 16');
  t.equal(nonceCountBuckets(64), 8, '8 of 8');
  t.equal(nonceCountBuckets(100), 10, '10 of 10');
  t.equal(nonceCountBuckets(1), 1);
  t.equal(nonceCountBuckets(1_000_000), 62_500, 'a million: 62,500 of 16');
  const big = emptyNonceCounts(nonceCountBuckets(1_000_000));
  t.equal(nonceBuckets(big).length, 62_500);
  t.ok(big.groups.length <= 251 && big.groupSize <= 251, 'in groups of about the square root');
  // A cap of 64: after 600 newer nonces, the first is dropped (stale) whichever bucket it fell in.
  for (let trial = 0; trial < 20; trial++) {
    const tail = trial.toString(16).padStart(2, '0');
    let state = emptyNonceCounts(nonceCountBuckets(64));
    const first = ours(now, tail);
    state = applyNonceCount(state, first, '00000001', now, 64).state;
    for (let i = 1; i <= 600; i++) state = applyNonceCount(state, ours(now + i, tail), '00000001', now + i, 64).state;
    t.equal(applyNonceCount(state, first, '00000002', now + 700, 64).verdict, 'stale', `trial ${trial}`);
  }
});

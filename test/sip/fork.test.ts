import t from 'tap';
import { cancelFork, onBranchResponse, startFork, type ForkAction, type ForkState } from '../../src/sip/fork.js';

type R = string;
function play(branches: string[], responses: [string, number][]): { actions: ForkAction<R>[]; state: ForkState<R> } {
  let state = startFork<R>(branches);
  const actions: ForkAction<R>[] = [];
  for (const [branch, status] of responses) {
    const step = onBranchResponse(state, branch, status, `${branch}:${status}`);
    state = step.state;
    actions.push(...step.actions);
  }
  return { actions, state };
}

t.test('provisional responses go upstream, 100 does not', async (t) => {
  t.same(
    play(
      ['a', 'b'],
      [
        ['a', 100],
        ['a', 180],
        ['b', 183],
      ],
    ).actions,
    [
      { kind: 'forward', response: 'a:180' },
      { kind: 'forward', response: 'b:183' },
    ],
  );
});

t.test('the first 2xx wins and cancels the rest', async (t) => {
  const { actions, state } = play(
    ['a', 'b', 'c'],
    [
      ['a', 180],
      ['b', 200],
      ['c', 486],
      ['a', 487],
    ],
  );
  t.same(actions, [
    { kind: 'forward', response: 'a:180' },
    { kind: 'forward', response: 'b:200' },
    { kind: 'cancel', branches: ['a', 'c'] },
  ]);
  t.ok(state.done && state.answered);
  t.equal(state.pending.size, 0);
});

t.test('a second 2xx is forwarded too (RFC 3261 §16.7 step 5)', async (t) => {
  const { actions } = play(
    ['a', 'b'],
    [
      ['a', 200],
      ['b', 200],
    ],
  );
  t.same(
    actions.filter((action) => action.kind === 'forward'),
    [
      { kind: 'forward', response: 'a:200' },
      { kind: 'forward', response: 'b:200' },
    ],
  );
});

const best: [string, [string, number][], number][] = [
  [
    'busy beats unavailable',
    [
      ['a', 480],
      ['b', 486],
    ],
    486,
  ],
  [
    'busy beats not found',
    [
      ['a', 486],
      ['b', 404],
    ],
    486,
  ],
  [
    '4xx beats 5xx',
    [
      ['a', 503],
      ['b', 480],
    ],
    480,
  ],
  [
    'a lone 503 becomes 500',
    [
      ['a', 503],
      ['b', 503],
    ],
    500,
  ],
  [
    '4xx beats a timeout',
    [
      ['a', 408],
      ['b', 404],
    ],
    404,
  ],
  [
    'cancelled calls answer 487',
    [
      ['a', 487],
      ['b', 487],
    ],
    487,
  ],
];
for (const [name, responses, status] of best) {
  t.test(name, async (t) => {
    const final = play(['a', 'b'], responses).actions.find((action) => action.kind === 'final');
    t.equal(final?.kind === 'final' && final.status, status);
  });
}

t.test('6xx cancels the other branches at once', async (t) => {
  const { actions } = play(
    ['a', 'b'],
    [
      ['a', 603],
      ['b', 487],
    ],
  );
  t.same(actions[0], { kind: 'cancel', branches: ['b'] });
  t.same(actions[1], { kind: 'final', status: 603, response: 'a:603' });
});

t.test('the caller cancels', async (t) => {
  const { state } = play(['a', 'b'], [['a', 180]]);
  t.same(cancelFork(state).actions, [{ kind: 'cancel', branches: ['a', 'b'] }]);
  const answered = play(['a'], [['a', 200]]).state;
  t.same(cancelFork(answered).actions, [], 'too late once answered');
});

t.test('a fork with no branches is done', async (t) => {
  t.ok(startFork([]).done);
});

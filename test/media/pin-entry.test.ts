import t from 'tap';
import type { DtmfDigit } from '../../src/media/dtmf-digit.js';
import {
  PIN_INTER_DIGIT_TIMEOUT_MS,
  PIN_MAX_LENGTH,
  applyPinDigit,
  checkPinEntryTimeout,
  createPinEntry,
  type PinEntryOutcome,
  type PinEntryState,
} from '../../src/media/pin-entry.js';

const T0 = 1_000_000;

/** Keys as text with their arrival offsets in ms ('1@0 2@900 #@1500'); returns every outcome and the last state. */
function type(script: string, options?: Parameters<typeof createPinEntry>[1]) {
  let state: PinEntryState = createPinEntry(T0, options);
  const outcomes: PinEntryOutcome[] = [];
  for (const step of script.split(' ').filter(Boolean)) {
    const [digit, at] = step.split('@') as [DtmfDigit, string];
    const result = applyPinDigit(state, digit, T0 + Number(at));
    state = result.state;
    outcomes.push(result.outcome);
  }
  return { state, outcomes, last: outcomes.at(-1) };
}

t.equal(PIN_MAX_LENGTH, 12);
t.equal(PIN_INTER_DIGIT_TIMEOUT_MS, 5000);

// [name, keys@ms, last outcome]
const entries: [string, string, PinEntryOutcome][] = [
  ['four digits and #', '1@0 2@500 3@1000 4@1500 #@2000', { kind: 'complete', pin: '1234' }],
  ['a digit keeps collecting', '7@0', { kind: 'collecting' }],
  ['one digit and #', '0@0 #@100', { kind: 'complete', pin: '0' }],
  ['* restarts', '1@0 2@100 *@200', { kind: 'restarted' }],
  ['* then a new PIN', '1@0 2@100 *@200 5@300 6@400 7@500 8@600 #@700', { kind: 'complete', pin: '5678' }],
  ['# with nothing typed is ignored', '#@0', { kind: 'collecting' }],
  ['# with nothing typed, then a PIN', '#@0 4@100 3@200 2@300 1@400 #@500', { kind: 'complete', pin: '4321' }],
  ['A–D are ignored', '1@0 A@100 2@200 D@300 #@400', { kind: 'complete', pin: '12' }],
  [
    'twelve digits fit',
    '1@0 2@1 3@2 4@3 5@4 6@5 7@6 8@7 9@8 0@9 1@10 2@11 #@12',
    { kind: 'complete', pin: '123456789012' },
  ],
  ['a thirteenth digit is too long', '1@0 2@1 3@2 4@3 5@4 6@5 7@6 8@7 9@8 0@9 1@10 2@11 3@12', { kind: 'too-long' }],
  ['4999 ms between keys is in time', '1@4999 2@9998 #@14997', { kind: 'complete', pin: '12' }],
  ['5000 ms after the start is too late', '1@5000', { kind: 'timeout' }],
  ['5000 ms after the last key is too late', '1@100 2@5100', { kind: 'timeout' }],
  ['# after the deadline times out', '1@0 2@100 #@5100', { kind: 'timeout' }],
  ['ignored keys re-arm the deadline', 'A@4000 1@8000 #@8100', { kind: 'complete', pin: '1' }],
  ['* re-arms the deadline', '*@4000 1@8000 #@8100', { kind: 'complete', pin: '1' }],
  ['keys after completion change nothing', '1@0 #@100 2@200', { kind: 'finished' }],
  ['keys after a timeout change nothing', '1@6000 2@6100', { kind: 'finished' }],
  [
    'keys after too-long change nothing',
    '1@0 2@1 3@2 4@3 5@4 6@5 7@6 8@7 9@8 0@9 1@10 2@11 3@12 #@13',
    { kind: 'finished' },
  ],
];
for (const [name, script, expected] of entries) t.same(type(script).last, expected, name);

t.test('every outcome of a full entry', async (t) => {
  t.same(type('1@0 *@10 2@20 3@30 #@40').outcomes, [
    { kind: 'collecting' },
    { kind: 'restarted' },
    { kind: 'collecting' },
    { kind: 'collecting' },
    { kind: 'complete', pin: '23' },
  ]);
});

t.test('options: a shorter maximum and timeout', async (t) => {
  t.same(type('1@0 2@1 3@2 4@3 5@4', { maxLength: 4 }).last, { kind: 'too-long' });
  t.same(type('1@0 2@1 3@2 4@3 #@4', { maxLength: 4 }).last, { kind: 'complete', pin: '1234' });
  t.same(type('1@0 2@1000', { interDigitTimeoutMs: 1000 }).last, { kind: 'timeout' });
  t.same(type('1@0 2@999 #@1998', { interDigitTimeoutMs: 1000 }).last, { kind: 'complete', pin: '12' });
});

t.test('the state carries the deadline to arm a timer for', async (t) => {
  const fresh = createPinEntry(T0);
  t.same(fresh, { kind: 'collecting', digits: '', deadlineMs: T0 + 5000, maxLength: 12, interDigitTimeoutMs: 5000 });
  const typed = applyPinDigit(fresh, '1', T0 + 1200).state;
  t.match(typed, { kind: 'collecting', digits: '1', deadlineMs: T0 + 6200 });
  t.same(fresh.kind === 'collecting' && fresh.digits, '', 'the old state is untouched');
});

// [name, last key at, checked at, outcome]
const timeouts: [string, number, number, PinEntryOutcome][] = [
  ['before the deadline', 1000, 5999, { kind: 'collecting' }],
  ['at the deadline', 1000, 6000, { kind: 'timeout' }],
  ['after the deadline', 1000, 60_000, { kind: 'timeout' }],
];
for (const [name, keyAt, checkAt, expected] of timeouts) {
  t.test(`timeout check ${name}`, async (t) => {
    const state = applyPinDigit(createPinEntry(T0), '1', T0 + keyAt).state;
    const result = checkPinEntryTimeout(state, T0 + checkAt);
    t.same(result.outcome, expected);
    if (expected.kind === 'collecting') t.equal(result.state, state, 'unchanged: the same state');
    else {
      t.same(result.state, { kind: 'done' });
      t.same(checkPinEntryTimeout(result.state, T0 + checkAt + 1).outcome, { kind: 'finished' }, 'only once');
    }
  });
}

t.test('no digit at all times out from the start', async (t) => {
  t.same(checkPinEntryTimeout(createPinEntry(T0), T0 + 4999).outcome, { kind: 'collecting' });
  t.same(checkPinEntryTimeout(createPinEntry(T0), T0 + 5000).outcome, { kind: 'timeout' });
});

import t from 'tap';
import type { DtmfDigit } from '../../src/media/dtmf-digit.js';
import {
  IVR_CALL_LIMIT_MS,
  IVR_MAX_ATTEMPTS,
  createIvr,
  stepIvr,
  type IvrCommand,
  type IvrEvent,
  type IvrStart,
  type IvrState,
} from '../../src/media/ivr.js';

const T0 = 1_000_000;
const LIMIT = T0 + IVR_CALL_LIMIT_MS;
const LOGIN: IvrStart = { flow: 'login', extension: '100' };
const EVERYWHERE: IvrStart = { flow: 'logout-everywhere', extension: '100' };

/** Event shorthands, times relative to T0. */
const key = (digit: DtmfDigit, at: number): IvrEvent => ({ kind: 'digit', digit, nowMs: T0 + at });
const finished = (at: number): IvrEvent => ({ kind: 'prompt-finished', nowMs: T0 + at });
const timer = (at: number): IvrEvent => ({ kind: 'timer', nowMs: T0 + at });
const pinOk = (at: number): IvrEvent => ({ kind: 'pin-checked', ok: true, nowMs: T0 + at });
const pinWrong = (at: number, locked?: boolean): IvrEvent => ({
  kind: 'pin-checked',
  ok: false,
  ...(locked === undefined ? {} : { locked }),
  nowMs: T0 + at,
});
const loginOk = (at: number): IvrEvent => ({ kind: 'login-applied', ok: true, nowMs: T0 + at });
const released = (count: number, at: number): IvrEvent => ({
  kind: 'logout-everywhere-applied',
  released: count,
  nowMs: T0 + at,
});
const hangup = (at: number): IvrEvent => ({ kind: 'hangup', nowMs: T0 + at });
/** Keys typed one every 100 ms from `at`: '1234#'. */
const keys = (text: string, at: number): IvrEvent[] =>
  [...text].map((digit, i) => key(digit as DtmfDigit, at + i * 100));

/** Runs a call; returns the commands of every step and the last state. */
function call(start: IvrStart, events: IvrEvent[], options?: Parameters<typeof createIvr>[2]) {
  const first = createIvr(start, T0, options);
  let state: IvrState = first.state;
  const steps: IvrCommand[][] = [first.commands];
  for (const event of events) {
    const step = stepIvr(state, event);
    state = step.state;
    steps.push(step.commands);
  }
  return { state, steps, all: steps.flat(), last: steps.at(-1)! };
}

const arm = (at: number): IvrCommand => ({ kind: 'arm-timer', deadlineMs: T0 + at });
const armLimit: IvrCommand = { kind: 'arm-timer', deadlineMs: LIMIT };
const play = (...prompts: string[]) => ({ kind: 'play', prompts }) as IvrCommand;
const done = (outcome: string, failedAttempts = 0) => ({ kind: 'done', outcome, failedAttempts }) as IvrCommand;
const hangUp: IvrCommand = { kind: 'hang-up' };
const stop: IvrCommand = { kind: 'stop-prompt' };

t.equal(IVR_MAX_ATTEMPTS, 3);
t.equal(IVR_CALL_LIMIT_MS, 60_000);

t.test('a login from the first prompt to the hang-up', async (t) => {
  const run = call(LOGIN, [finished(3000), ...keys('1234#', 4000), pinOk(4600), loginOk(4700), finished(7000)]);
  t.same(run.steps, [
    [play('enter-pin'), armLimit],
    [arm(8000)], // the inter-digit timeout runs from the end of the prompt
    [arm(9000)],
    [arm(9100)],
    [arm(9200)],
    [arm(9300)],
    [{ kind: 'check-pin', extension: '100', pin: '1234' }, armLimit],
    [{ kind: 'apply-login', extension: '100' }],
    [play('logged-in-as', 'digit-1', 'digit-0', 'digit-0')],
    [done('logged-in'), hangUp],
  ]);
  t.same(run.state, { phase: 'ended', outcome: 'logged-in', failedAttempts: 0 });
});

t.test('keys interrupt enter-pin and wrong-pin', async (t) => {
  t.test('the first key stops enter-pin and counts; the inter-digit timeout runs from it', async (t) => {
    const run = call(LOGIN, [key('4', 1000), key('3', 1200), finished(1300), ...keys('21#', 1400)]);
    t.same(run.steps[1], [stop, arm(6000)]);
    t.same(run.steps[2], [arm(6200)]);
    t.same(run.steps[3], [], 'a prompt-finished for the stopped prompt changes nothing');
    t.same(run.last, [{ kind: 'check-pin', extension: '100', pin: '4321' }, armLimit]);
  });
  t.test('a key typed during wrong-pin, wrong-pin … enter-pin', async (t) => {
    const run = call(LOGIN, [finished(3000), ...keys('1111#', 3100), pinWrong(3700), key('2', 4000)]);
    t.same(run.steps.at(-2), [play('wrong-pin', 'enter-pin')], 'the call limit stays armed');
    t.same(run.last, [stop, arm(9000)]);
  });
  t.test('A–D and # with nothing typed interrupt too, but type nothing', async (t) => {
    const run = call(LOGIN, [key('A', 1000), key('#', 1100), ...keys('98#', 1200)]);
    t.same(run.steps[1], [stop, arm(6000)]);
    t.same(run.steps[2], [arm(6100)]);
    t.same(run.last, [{ kind: 'check-pin', extension: '100', pin: '98' }, armLimit]);
  });
  t.test('a whole PIN typed over the prompt', async (t) => {
    const run = call(LOGIN, keys('2468#', 500));
    t.same(run.steps[1], [stop, arm(5500)]);
    t.same(run.last, [{ kind: 'check-pin', extension: '100', pin: '2468' }, armLimit]);
  });
});

t.test('* starts over', async (t) => {
  t.test('after some digits: enter-pin again, then a new PIN', async (t) => {
    const run = call(LOGIN, [finished(3000), ...keys('12*', 3100), finished(6000), ...keys('5678#', 6100)]);
    t.same(run.steps[4], [play('enter-pin'), armLimit], 'the inter-digit timeout waits for the prompt again');
    t.same(run.steps[5], [arm(11000)]);
    t.same(run.last, [{ kind: 'check-pin', extension: '100', pin: '5678' }, armLimit]);
  });
  t.test('during the prompt: it starts over from its beginning', async (t) => {
    const run = call(LOGIN, [key('*', 1000)]);
    t.same(run.last, [stop, play('enter-pin')]);
  });
});

t.test('wrong PINs', async (t) => {
  t.test('a wrong PIN, then the right one', async (t) => {
    const run = call(LOGIN, [
      finished(3000),
      ...keys('1111#', 3100),
      pinWrong(3700),
      finished(7000),
      ...keys('1234#', 7100),
      pinOk(7700),
      loginOk(7800),
      finished(9000),
    ]);
    t.same(run.steps[7], [play('wrong-pin', 'enter-pin')]);
    t.same(run.steps[8], [arm(12000)]);
    t.same(run.steps.at(-4), [{ kind: 'check-pin', extension: '100', pin: '1234' }, armLimit]);
    t.same(run.last, [done('logged-in', 1), hangUp]);
  });
  t.test('three wrong PINs: too-many-attempts, then hang up', async (t) => {
    const wrong = (at: number) => [finished(at), ...keys('1111#', at + 100), pinWrong(at + 700)];
    const run = call(LOGIN, [...wrong(3000), ...wrong(8000), ...wrong(13000), key('1', 14000), finished(16000)]);
    t.same(run.steps.at(-3), [play('too-many-attempts')]);
    t.same(run.steps.at(-2), [], 'no key counts during too-many-attempts');
    t.same(run.last, [done('too-many-attempts', 3), hangUp]);
  });
  t.test('a locked extension hears too-many-attempts and is hung up', async (t) => {
    const run = call(LOGIN, [finished(3000), ...keys('1234#', 3100), pinWrong(3700, true), finished(6000)]);
    t.same(run.steps.at(-2), [play('too-many-attempts')]);
    t.same(run.last, [done('locked', 1), hangUp]);
  });
  t.test('locked: false is a plain wrong PIN', async (t) => {
    const run = call(LOGIN, [finished(3000), ...keys('1234#', 3100), pinWrong(3700, false)]);
    t.same(run.last, [play('wrong-pin', 'enter-pin')]);
  });
  t.test('a PIN longer than allowed is submitted, so the check counts the try', async (t) => {
    const run = call(LOGIN, [finished(3000), ...keys('1234567890123', 3100)]);
    t.same(run.last, [{ kind: 'check-pin', extension: '100', pin: '1234567890123' }, armLimit]);
    t.equal(run.state.phase, 'checking');
  });
  t.test('the number of tries is an option', async (t) => {
    const run = call(LOGIN, [finished(3000), ...keys('1111#', 3100), pinWrong(3700)], { maxAttempts: 1 });
    t.same(run.last, [play('too-many-attempts')]);
  });
});

t.test('pauses', async (t) => {
  t.test('nothing typed: enter-pin once more, then hang up', async (t) => {
    const run = call(LOGIN, [finished(3000), timer(8000), finished(11000), timer(16000)]);
    t.same(run.steps[2], [play('enter-pin'), armLimit]);
    t.same(run.steps[3], [arm(16000)]);
    t.same(run.last, [done('timeout'), hangUp]);
  });
  t.test('the replay is once per call', async (t) => {
    const run = call(LOGIN, [
      finished(3000),
      timer(8000),
      finished(11000),
      ...keys('1111#', 11100),
      pinWrong(11700),
      finished(14000),
      timer(19000),
    ]);
    t.same(run.last, [done('wrong-pin', 1), hangUp], 'a caller who gives up after a wrong PIN');
  });
  t.test('a pause after some digits submits them (the caller forgot #)', async (t) => {
    const run = call(LOGIN, [finished(3000), ...keys('975', 3100), timer(8300)]);
    t.same(run.last, [{ kind: 'check-pin', extension: '100', pin: '975' }, armLimit]);
  });
  t.test('a key at the deadline, before the timer fired, is a pause too (the key is dropped)', async (t) => {
    t.same(call(LOGIN, [finished(3000), ...keys('97', 3100), key('5', 8200)]).last, [
      { kind: 'check-pin', extension: '100', pin: '97' },
      armLimit,
    ]);
    t.same(call(LOGIN, [finished(3000), key('5', 8000)]).last, [play('enter-pin'), armLimit]);
  });
  t.test('a timer that fires early arms again', async (t) => {
    const run = call(LOGIN, [finished(3000), timer(7999)]);
    t.same(run.last, [arm(8000)]);
    t.equal(run.state.phase, 'entering');
    t.same(call(LOGIN, [timer(100)]).last, [armLimit], 'during the prompt only the call limit runs');
  });
  t.test('the inter-digit timeout is an option', async (t) => {
    t.same(call(LOGIN, [finished(3000)], { interDigitTimeoutMs: 2000 }).last, [arm(5000)]);
  });
  t.test('the call limit comes before a later inter-digit deadline', async (t) => {
    t.same(call(LOGIN, [finished(58_000)]).last, [], 'the call limit is armed already');
  });
});

t.test('the call limit hangs up whatever happens', async (t) => {
  const at = IVR_CALL_LIMIT_MS;
  t.same(call(LOGIN, [timer(at)]).last, [stop, done('timeout'), hangUp], 'during a prompt');
  t.same(call(LOGIN, [finished(3000), key('1', 4000), timer(at)]).last, [done('timeout'), hangUp], 'while typing');
  t.same(
    call(LOGIN, [finished(3000), ...keys('1234#', 4000), timer(at)]).last,
    [done('timeout'), hangUp],
    'while the PIN is checked',
  );
  t.same(
    call(LOGIN, [finished(3000), ...keys('1234#', 4000), pinOk(5000), timer(at)]).last,
    [done('timeout'), hangUp],
    'while the login is saved',
  );
  t.same(
    call(LOGIN, [finished(3000), ...keys('1111#', 4000), pinWrong(5000), timer(at)]).last,
    [stop, done('wrong-pin', 1), hangUp],
    'after a wrong PIN',
  );
  t.same(call({ flow: 'logout' }, [timer(at)]).last, [done('timeout'), hangUp], 'while the logout is saved');
  t.same(
    call(LOGIN, [finished(3000), ...keys('1234#', 4000), pinOk(5000), loginOk(5100), timer(at)]).last,
    [stop, done('logged-in'), hangUp],
    'during the closing prompt the outcome stands',
  );
  t.same(
    call(LOGIN, [timer(10_000)], { callLimitMs: 10_000 }).last,
    [stop, done('timeout'), hangUp],
    'the limit is an option',
  );
});

t.test('login refused after the right PIN', async (t) => {
  const run = call(LOGIN, [
    finished(3000),
    ...keys('1234#', 3100),
    pinOk(3700),
    { kind: 'login-applied', ok: false, prompt: 'hotdesk-not-allowed', nowMs: T0 + 3800 },
    finished(6000),
  ]);
  t.same(run.steps.at(-2), [play('hotdesk-not-allowed')]);
  t.same(run.last, [done('refused'), hangUp]);
});

t.test('logout', async (t) => {
  const run = call({ flow: 'logout' }, [
    key('1', 100),
    { kind: 'logout-applied', nowMs: T0 + 200 },
    key('2', 300),
    finished(2000),
  ]);
  t.same(run.steps, [[{ kind: 'apply-logout' }, armLimit], [], [play('logged-out')], [], [done('logged-out'), hangUp]]);
});

t.test('logout refused (a pinned phone): its prompt, then hang up', async (t) => {
  const run = call({ flow: 'logout' }, [
    { kind: 'logout-applied', ok: false, prompt: 'phone-pinned', nowMs: T0 + 200 },
    finished(3000),
  ]);
  t.same(run.steps, [[{ kind: 'apply-logout' }, armLimit], [play('phone-pinned')], [done('refused'), hangUp]]);
});

t.test('logout everywhere: the PIN as for a login, then the phones released are counted', async (t) => {
  const run = call(EVERYWHERE, [
    finished(3000),
    ...keys('1234#', 4000),
    pinOk(4600),
    released(2, 4700),
    finished(8000),
  ]);
  t.same(run.steps.slice(0, 2), [[play('enter-pin'), armLimit], [arm(8000)]], 'asks for the PIN like a login');
  t.same(run.steps.slice(-4), [
    [{ kind: 'check-pin', extension: '100', pin: '1234' }, armLimit],
    [{ kind: 'apply-logout-everywhere', extension: '100' }],
    [play('phones-logged-out', 'digit-2')],
    [done('logged-out-everywhere'), hangUp],
  ]);
  t.same(run.state, { phase: 'ended', outcome: 'logged-out-everywhere', failedAttempts: 0 });

  const counts: [number, string[]][] = [
    [0, ['digit-0']],
    [1, ['digit-1']],
    [12, ['digit-1', 'digit-2']],
    [-3, ['digit-0']],
  ];
  for (const [count, digits] of counts) {
    const spoken = call(EVERYWHERE, [finished(3000), ...keys('1#', 3100), pinOk(3500), released(count, 3600)]);
    t.same(spoken.last, [play('phones-logged-out', ...digits)], `${count} phones released`);
  }
});

t.test('logout everywhere with wrong PINs: the same tries and lockout as a login', async (t) => {
  const wrong = (at: number) => [finished(at), ...keys('1111#', at + 100), pinWrong(at + 700)];
  const three = call(EVERYWHERE, [...wrong(3000), ...wrong(8000), ...wrong(13000), finished(16000)]);
  t.same(three.steps.at(-2), [play('too-many-attempts')]);
  t.same(three.last, [done('too-many-attempts', 3), hangUp]);
  t.notOk(
    three.all.some((command) => command.kind === 'apply-logout-everywhere'),
    'nobody is logged out',
  );
  const locked = call(EVERYWHERE, [finished(3000), ...keys('1111#', 3100), pinWrong(3700, true), finished(6000)]);
  t.same(locked.last, [done('locked', 1), hangUp]);
  const retry = call(EVERYWHERE, [...wrong(3000), finished(7000), ...keys('2468#', 7100), pinOk(7700)]);
  t.same(
    retry.last,
    [{ kind: 'apply-logout-everywhere', extension: '100' }],
    'a right PIN on the second try goes ahead',
  );
});

t.test('refused from the start: the prompt, then hang up', async (t) => {
  for (const prompt of ['hotdesk-not-allowed', 'log-in-first', 'too-many-attempts', 'phone-pinned'] as const) {
    const run = call({ flow: 'refused', prompt }, [key('1', 100), finished(2000)]);
    t.same(run.steps, [[play(prompt), armLimit], [], [done('refused'), hangUp]], prompt);
  }
});

t.test('the caller hangs up', async (t) => {
  const cases: [string, IvrStart, IvrEvent[], IvrCommand[]][] = [
    ['during enter-pin', LOGIN, [], [stop, done('caller-hung-up')]],
    ['while typing', LOGIN, [finished(3000), key('1', 3500)], [done('caller-hung-up')]],
    ['while the PIN is checked', LOGIN, [finished(3000), ...keys('1#', 3500)], [done('caller-hung-up')]],
    [
      'during wrong-pin',
      LOGIN,
      [finished(3000), ...keys('1#', 3500), pinWrong(3800)],
      [stop, done('caller-hung-up', 1)],
    ],
    ['while the login is saved', LOGIN, [finished(3000), ...keys('1#', 3500), pinOk(3800)], [done('caller-hung-up')]],
    [
      'during the confirmation (logged in all the same)',
      LOGIN,
      [finished(3000), ...keys('1#', 3500), pinOk(3800), loginOk(3900)],
      [stop, done('logged-in')],
    ],
    [
      'during too-many-attempts',
      LOGIN,
      [finished(3000), ...keys('1#', 3500), pinWrong(3800, true)],
      [stop, done('locked', 1)],
    ],
    ['while the logout is saved', { flow: 'logout' }, [], [done('caller-hung-up')]],
    [
      'while logging out everywhere',
      EVERYWHERE,
      [finished(3000), ...keys('1#', 3500), pinOk(3800)],
      [done('caller-hung-up')],
    ],
    [
      'during the count (logged out all the same)',
      EVERYWHERE,
      [finished(3000), ...keys('1#', 3500), pinOk(3800), released(1, 3900)],
      [stop, done('logged-out-everywhere')],
    ],
    ['during a refusal', { flow: 'refused', prompt: 'log-in-first' }, [], [stop, done('refused')]],
  ];
  for (const [name, start, events, expected] of cases) {
    const run = call(start, [...events, hangup(10_000)]);
    t.same(run.last, expected, name);
    t.equal(run.state.phase, 'ended', name);
  }
});

t.test('keys after the PIN was submitted are ignored', async (t) => {
  const base = [finished(3000), ...keys('1234#', 3100)];
  const phases: [string, IvrEvent[]][] = [
    ['checking', base],
    ['applying-login', [...base, pinOk(3700)]],
    ['closing', [...base, pinOk(3700), loginOk(3800)]],
  ];
  for (const [phase, events] of phases) {
    const before = call(LOGIN, events);
    t.equal(before.state.phase, phase);
    for (const digit of ['5', '#', '*', 'A'] as const) {
      const step = stepIvr(before.state, key(digit, 4000));
      t.same(step.commands, [], `${digit} in ${phase}`);
      t.equal(step.state, before.state, `${digit} in ${phase} leaves the state as it is`);
    }
  }
});

t.test('events out of place change nothing', async (t) => {
  const entering = call(LOGIN, [finished(3000)]).state;
  const events: IvrEvent[] = [
    pinOk(4000),
    pinWrong(4000),
    loginOk(4000),
    { kind: 'logout-applied', nowMs: T0 + 4000 },
    finished(4000),
  ];
  for (const event of events) {
    const step = stepIvr(entering, event);
    t.same(step.commands, [], `${event.kind} while typing`);
    t.equal(step.state, entering);
  }
  const checking = call(LOGIN, [finished(3000), ...keys('1#', 3100)]).state;
  t.same(stepIvr(checking, loginOk(4000)).commands, [], 'login-applied before the PIN was checked');
  t.same(stepIvr(checking, finished(4000)).commands, [], 'prompt-finished with no prompt playing');
  t.same(stepIvr(checking, released(1, 4000)).commands, [], 'logout-everywhere-applied before the PIN was checked');
  const applyingLogin = call(LOGIN, [finished(3000), ...keys('1#', 3100), pinOk(3500)]).state;
  t.same(
    stepIvr(applyingLogin, released(1, 4000)),
    { state: applyingLogin, commands: [] },
    'logout-everywhere-applied while a login is saved',
  );
  const applyingEverywhere = call(EVERYWHERE, [finished(3000), ...keys('1#', 3100), pinOk(3500)]).state;
  t.equal(applyingEverywhere.phase, 'applying-logout-everywhere');
  for (const event of [loginOk(4000), { kind: 'logout-applied', nowMs: T0 + 4000 } as IvrEvent]) {
    t.same(
      stepIvr(applyingEverywhere, event),
      { state: applyingEverywhere, commands: [] },
      `${event.kind} while logging out everywhere`,
    );
  }
});

t.test('late events after done are harmless', async (t) => {
  const ended = [
    call(LOGIN, [hangup(100)]).state,
    call(LOGIN, [timer(IVR_CALL_LIMIT_MS)]).state,
    call({ flow: 'refused', prompt: 'log-in-first' }, [finished(2000)]).state,
  ];
  const late: IvrEvent[] = [
    key('1', 70_000),
    key('#', 70_000),
    finished(70_000),
    timer(70_000),
    pinOk(70_000),
    pinWrong(70_000, true),
    loginOk(70_000),
    { kind: 'login-applied', ok: false, prompt: 'hotdesk-not-allowed', nowMs: T0 + 70_000 },
    { kind: 'logout-applied', nowMs: T0 + 70_000 },
    released(3, 70_000),
    hangup(70_000),
  ];
  for (const state of ended) {
    for (const event of late) {
      const step = stepIvr(state, event);
      t.same(step.commands, [], `${event.kind} after ${state.phase === 'ended' ? state.outcome : ''}`);
      t.equal(step.state, state);
    }
  }
});

/** A small seeded generator (mulberry32) for the random calls below. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Plays a call against a simulated daemon: prompts last 2 s, checks and saves
 * take 50 ms, the timer fires at its deadline, and a caller types random keys
 * (PIN '8642' or wrong ones) at random times, maybe hanging up. Returns every
 * command with its time.
 */
function simulate(random: () => number, start: IvrStart) {
  const first = createIvr(start, T0);
  let state: IvrState = first.state;
  const log: { at: number; command: IvrCommand }[] = [];
  const violations: string[] = [];
  const queue: IvrEvent[] = [];
  let timerAt: number | undefined;
  let promptEndAt: number | undefined;
  let now = T0;
  const carryOut = (commands: IvrCommand[]) => {
    for (const command of commands) {
      log.push({ at: now, command });
      switch (command.kind) {
        case 'play':
          if (promptEndAt !== undefined) violations.push('play over a playing prompt');
          promptEndAt = now + 2000;
          break;
        case 'stop-prompt':
          promptEndAt = undefined;
          break;
        case 'arm-timer':
          timerAt = command.deadlineMs;
          break;
        case 'check-pin':
          queue.push(command.pin === '8642' ? pinOk(now + 50 - T0) : pinWrong(now + 50 - T0, random() < 0.1));
          break;
        case 'apply-login':
          queue.push(
            random() < 0.8
              ? loginOk(now + 50 - T0)
              : { kind: 'login-applied', ok: false, prompt: 'hotdesk-not-allowed', nowMs: now + 50 },
          );
          break;
        case 'apply-logout':
          queue.push({ kind: 'logout-applied', nowMs: now + 50 });
          break;
        case 'apply-logout-everywhere':
          queue.push({ kind: 'logout-everywhere-applied', released: Math.floor(random() * 3), nowMs: now + 50 });
          break;
        case 'hang-up':
        case 'done':
          timerAt = undefined;
          promptEndAt = undefined;
          break;
      }
    }
  };
  carryOut(first.commands);
  const alphabet: DtmfDigit[] = ['8', '6', '4', '2', '1', '#', '#', '*', 'A'];
  for (let step = 0; step < 400 && state.phase !== 'ended'; step++) {
    const candidates: IvrEvent[] = [...queue];
    if (timerAt !== undefined) candidates.push({ kind: 'timer', nowMs: timerAt });
    if (promptEndAt !== undefined) candidates.push({ kind: 'prompt-finished', nowMs: promptEndAt });
    const keyAt = now + Math.floor(random() * 4000);
    candidates.push(
      random() < 0.01
        ? { kind: 'hangup', nowMs: keyAt }
        : { kind: 'digit', digit: alphabet[Math.floor(random() * alphabet.length)]!, nowMs: keyAt },
    );
    candidates.sort((a, b) => a.nowMs - b.nowMs);
    const event = candidates[0]!;
    const queued = queue.indexOf(event);
    if (queued >= 0) queue.splice(queued, 1);
    if (event.kind === 'timer') timerAt = undefined;
    if (event.kind === 'prompt-finished') promptEndAt = undefined;
    now = Math.max(now, event.nowMs);
    const result = stepIvr(state, { ...event, nowMs: now } as IvrEvent);
    state = result.state;
    carryOut(result.commands);
  }
  return { state, log, violations };
}

t.test('random calls keep the rules', async (t) => {
  const random = seeded(4733);
  const starts: IvrStart[] = [
    LOGIN,
    LOGIN,
    EVERYWHERE,
    { flow: 'logout' },
    { flow: 'refused', prompt: 'hotdesk-not-allowed' },
  ];
  let checked = 0;
  for (let n = 0; n < 300; n++) {
    const start = starts[n % starts.length]!;
    const { state, log, violations } = simulate(random, start);
    const commands = log.map((entry) => entry.command);
    const problems: string[] = [...violations];
    if (state.phase !== 'ended') problems.push('the call did not end');
    const doneAt = commands.findIndex((command) => command.kind === 'done');
    if (commands.filter((command) => command.kind === 'done').length !== 1) problems.push('not exactly one done');
    const after = commands.slice(doneAt + 1);
    if (after.some((command) => command.kind !== 'hang-up') || after.length > 1)
      problems.push('something after done but hang-up');
    if (log.some((entry) => entry.at > LIMIT)) problems.push('a command after the call limit');
    if (commands.some((command) => command.kind === 'arm-timer' && command.deadlineMs > LIMIT))
      problems.push('a timer past the call limit');
    if (commands.filter((command) => command.kind === 'check-pin').length > IVR_MAX_ATTEMPTS)
      problems.push('more than three PIN checks');
    // The PIN leaves only in check-pin.
    for (const command of commands)
      if (
        command.kind !== 'check-pin' &&
        /\d{2,}/.test(
          JSON.stringify(command).replace(/"deadlineMs":\d+|"failedAttempts":\d+|"extension":"100"|digit-\d/g, ''),
        )
      )
        problems.push(`digits in ${command.kind}`);
    const asksPin = start.flow === 'login' || start.flow === 'logout-everywhere';
    if (!asksPin && commands.some((command) => command.kind === 'check-pin'))
      problems.push('a PIN asked outside a login or logout everywhere');
    if (start.flow !== 'login' && commands.some((command) => command.kind === 'apply-login'))
      problems.push('a login outside a login');
    if (start.flow !== 'logout-everywhere' && commands.some((command) => command.kind === 'apply-logout-everywhere'))
      problems.push('a logout everywhere outside one');
    t.same(problems, [], `call ${n} (${start.flow}, ended ${state.phase === 'ended' ? state.outcome : 'never'})`);
    if (commands.some((command) => command.kind === 'check-pin')) checked++;
  }
  t.ok(checked > 50, `many of the random calls checked a PIN (${checked})`);
});

t.test('the PIN is in check-pin and nowhere else', async (t) => {
  const pin = '97531';
  const scripts: IvrEvent[][] = [
    [finished(3000), ...keys(`${pin}#`, 3100), pinOk(4000), loginOk(4100), finished(7000)],
    [
      finished(3000),
      ...keys(`${pin}#`, 3100),
      pinWrong(4000),
      ...keys(`${pin}#`, 4100),
      pinWrong(5000),
      ...keys(`${pin}#`, 5100),
      pinWrong(6000),
      finished(9000),
    ],
    [finished(3000), ...keys(pin, 3100), timer(8500), pinWrong(8600, true), finished(11000)],
    [finished(3000), ...keys(pin, 3100), hangup(3700)],
    [finished(3000), ...keys(pin, 3100), timer(IVR_CALL_LIMIT_MS)],
  ];
  for (const [i, script] of scripts.entries()) {
    const run = call(LOGIN, script);
    const pins = run.all.filter((command) => command.kind === 'check-pin');
    t.ok(
      pins.every((command) => command.kind === 'check-pin' && command.pin === pin),
      `script ${i}: check-pin carries the PIN`,
    );
    const others = run.all.filter((command) => command.kind !== 'check-pin');
    t.notMatch(JSON.stringify(others), pin.slice(0, 3), `script ${i}: no other command holds it`);
    t.notMatch(JSON.stringify(run.state), pin.slice(0, 3), `script ${i}: the ended state does not hold it`);
  }
  const everywhere = call(EVERYWHERE, [
    finished(3000),
    ...keys(`${pin}#`, 3100),
    pinOk(4000),
    released(2, 4100),
    finished(7000),
  ]);
  t.ok(
    everywhere.all.some((command) => command.kind === 'check-pin' && command.pin === pin),
    'logout everywhere: check-pin carries the PIN',
  );
  t.notMatch(
    JSON.stringify(everywhere.all.filter((command) => command.kind !== 'check-pin')),
    pin.slice(0, 3),
    'logout everywhere: no other command holds it',
  );
  const checking = call(LOGIN, [finished(3000), ...keys(`${pin}#`, 3100)]).state;
  t.notOk('entry' in checking, 'once submitted, the digits are not kept');
  t.notMatch(JSON.stringify(checking), pin.slice(0, 3));
});

import t from 'tap';
import {
  admit,
  currentDelay,
  DEFAULT_ADMISSION,
  initialAdmission,
  noteTick,
  saturated,
  type AdmissionLimits,
} from '../../src/sip/admission.js';

const limits: AdmissionLimits = { maxDelayMs: 40, dropDelayMs: 400, maxInFlight: 100, tickMs: 10, minBusy: 32 };

t.test('the delay is how late the sampler ran, decaying by half per tick', async (t) => {
  let state = initialAdmission(0);
  state = noteTick(state, 10, limits);
  t.equal(state.delayMs, 0, 'on time: no delay');
  state = noteTick(state, 80, limits);
  t.equal(state.delayMs, 60, '60 ms late');
  state = noteTick(state, 90, limits);
  t.equal(state.delayMs, 30, 'on time again: half of it');
  state = noteTick(state, 100, limits);
  t.equal(state.delayMs, 15);
  t.equal(currentDelay(state, 100, limits), 15, 'just after a tick: the decayed delay');
  t.equal(currentDelay(state, 200, limits), 90, 'a sampler 90 ms overdue: the loop is busy now');
});

t.test('admission by delay and by requests in flight', async (t) => {
  const cases: { name: string; ticks: number[]; at: number; inFlight: number; authenticated: boolean; want: string }[] =
    [
      { name: 'idle', ticks: [10, 20], at: 25, inFlight: 0, authenticated: false, want: 'admit' },
      { name: 'a little late', ticks: [10, 50], at: 50, inFlight: 0, authenticated: false, want: 'admit' },
      { name: 'late past the limit', ticks: [10, 70], at: 70, inFlight: 0, authenticated: false, want: 'shed' },
      {
        name: 'credentials: twice the delay',
        ticks: [10, 70],
        at: 70,
        inFlight: 0,
        authenticated: true,
        want: 'admit',
      },
      { name: 'credentials past twice', ticks: [10, 110], at: 110, inFlight: 0, authenticated: true, want: 'shed' },
      {
        name: 'an overdue sampler alone is not shed',
        ticks: [10],
        at: 80,
        inFlight: 0,
        authenticated: false,
        want: 'admit',
      },
      { name: 'in flight at the limit', ticks: [10], at: 10, inFlight: 100, authenticated: false, want: 'shed' },
      { name: 'in flight, with credentials', ticks: [10], at: 10, inFlight: 100, authenticated: true, want: 'admit' },
      { name: 'saturated', ticks: [10, 500], at: 500, inFlight: 0, authenticated: true, want: 'drop' },
      { name: 'stuck loop', ticks: [10, 1000], at: 1000, inFlight: 0, authenticated: false, want: 'drop' },
    ];
  for (const c of cases) {
    let state = initialAdmission(0);
    for (const tick of c.ticks) state = noteTick(state, tick, limits);
    t.equal(
      admit(state, c.at, { inFlight: c.inFlight, authenticated: c.authenticated, recent: 100 }, limits),
      c.want,
      c.name,
    );
  }
});

t.test("lateness while the process used little CPU is the machine's: not counted", async (t) => {
  const state = noteTick(initialAdmission(0), 300, limits, 5);
  t.equal(state.delayMs, 5, '290 ms late with 5 ms of CPU: 5 ms of delay');
  t.equal(admit(state, 300, { inFlight: 0, authenticated: false, recent: 100 }, limits), 'admit');
});

t.test("delay while few requests arrive is the machine's, not ours: admitted", async (t) => {
  const state = noteTick(initialAdmission(0), 300, limits);
  t.equal(
    admit(state, 300, { inFlight: 0, authenticated: false, recent: 31 }, limits),
    'admit',
    '31 requests: admitted',
  );
  t.equal(admit(state, 300, { inFlight: 0, authenticated: false, recent: 32 }, limits), 'shed', '32: ours, shed');
  t.equal(
    admit(state, 300, { inFlight: 100, authenticated: false, recent: 1 }, limits),
    'shed',
    'in flight counts alone',
  );
});

t.test('saturation recovers as the sampler runs on time again', async (t) => {
  let state = noteTick(initialAdmission(0), 600, limits);
  t.ok(saturated(state, 600, 100, limits), '590 ms late with 100 requests since the tick: saturated');
  t.notOk(saturated(state, 600, 3, limits), 'with 3: the delay is not ours');
  let clock = 600;
  while (
    saturated(state, clock, 100, limits) ||
    admit(state, clock, { inFlight: 0, authenticated: false, recent: 100 }, limits) !== 'admit'
  ) {
    clock += 10;
    state = noteTick(state, clock, limits);
  }
  t.ok(clock - 600 <= 60, `admitting again within ${clock - 600} ms of ticks on time`);
  t.equal(DEFAULT_ADMISSION.maxDelayMs < DEFAULT_ADMISSION.dropDelayMs, true, 'the defaults shed before they drop');
});

import t from 'tap';
import {
  admit,
  currentDelay,
  DEFAULT_ADMISSION,
  initialAdmission,
  loopBusy,
  newWithoutCredentials,
  noteTick,
  saturated,
  type AdmissionLimits,
} from '../../src/sip/admission.js';

const limits: AdmissionLimits = {
  maxDelayMs: 40,
  dropDelayMs: 400,
  maxInFlight: 100,
  tickMs: 10,
  minBusy: 32,
  busyShare: 0.95,
};

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

t.test('a loop busy nearly all the time, with requests arriving, drops new work unread', async (t) => {
  let state = initialAdmission(0);
  let clock = 0;
  let ticks = 0;
  while (!loopBusy(state, 100, true, limits)) {
    clock += 10;
    state = noteTick(state, clock, limits, Infinity, 1);
    ticks++;
  }
  t.ok(ticks >= 20 && ticks <= 40, `busy after ${ticks} ticks fully busy (smoothed, not one tick)`);
  t.equal(state.delayMs, 0, 'without any delay: work waits in the socket, not in the loop');
  t.notOk(loopBusy(state, 3, true, limits), 'with 3 requests since the tick: not ours');
  t.notOk(
    loopBusy(state, 100, false, limits),
    'no backlog in the socket (a client waiting for each answer, however fast): nothing waits to be dropped',
  );
  state = noteTick(state, clock + 10, limits, Infinity, 0.5);
  t.notOk(loopBusy(state, 100, true, limits), 'one tick half idle: no longer');
  t.equal(noteTick(initialAdmission(0), 10, limits, Infinity, 7).busy, 0.1, 'a share is at most 1');
  t.equal(noteTick(initialAdmission(0), 10, limits).busy, 0, 'none given: idle');
});

t.test('new work without credentials, told from the first bytes of a datagram', async (t) => {
  const request = (method: string, ...headers: string[]) =>
    [
      `${method} sip:office.test SIP/2.0`,
      'Via: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bK1',
      ...headers,
      '',
      'body',
    ].join('\r\n');
  const cases: [string, string, boolean][] = [
    ['REGISTER without credentials', request('REGISTER', 'CSeq: 1 REGISTER'), true],
    ['INVITE without credentials', request('INVITE', 'CSeq: 1 INVITE'), true],
    ...['SUBSCRIBE', 'OPTIONS', 'MESSAGE', 'REFER', 'PUBLISH'].map((method): [string, string, boolean] => [
      `${method} without credentials`,
      request(method),
      true,
    ]),
    ['REGISTER with Authorization', request('REGISTER', 'Authorization: Digest username="100"'), false],
    ['any case, space before the colon', request('REGISTER', 'authorization : Digest username="100"'), false],
    ['INVITE with Proxy-Authorization', request('INVITE', 'Proxy-Authorization: Digest username="100"'), false],
    [
      'credentials only in the body do not count',
      request('REGISTER', 'Content-Length: 30', '', 'Authorization: x'),
      true,
    ],
    ['ACK', request('ACK'), false],
    ['CANCEL', request('CANCEL'), false],
    ['BYE', request('BYE'), false],
    ['a response', 'SIP/2.0 200 OK\r\nCSeq: 1 OPTIONS\r\n\r\n', false],
    ['a method named like one, longer', request('REGISTERX'), false],
  ];
  for (const [name, head, expected] of cases) t.equal(newWithoutCredentials(head), expected, name);
});

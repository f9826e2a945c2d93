/**
 * The warning call's pure pieces: its SDP offer, reading the phone's answer, auto-answer hints, and the call flow
 * as a table.
 */
import t from 'tap';
import { parse } from 'sdp-transform';
import {
  autoAnswerHeaders,
  buildSdpOffer,
  createWarningCall,
  readSdpAnswer,
  stepWarningCall,
  WARNING_KEY_WAIT_MS,
  type WarningCallCommand,
  type WarningCallEvent,
  type WarningCallState,
} from '../../src/media/warning-call.js';

t.test('the offer: one audio stream, PCMU, PCMA and telephone-event, 20 ms', async (t) => {
  const offer = buildSdpOffer({ address: '192.0.2.10', port: 10002, sessionId: 42, sessionVersion: 1 });
  const sdp = parse(offer);
  t.equal(sdp.connection?.ip, '192.0.2.10');
  t.same(sdp.origin && [sdp.origin.sessionId, sdp.origin.sessionVersion], [42, 1]);
  t.equal(sdp.media.length, 1);
  t.equal(sdp.media[0]!.port, 10002);
  t.same(
    sdp.media[0]!.rtp.map((entry) => [entry.payload, entry.codec, entry.rate]),
    [
      [0, 'PCMU', 8000],
      [8, 'PCMA', 8000],
      [101, 'telephone-event', 8000],
    ],
  );
  t.same(sdp.media[0]!.fmtp, [{ payload: 101, config: '0-15' }]);
  t.equal(sdp.media[0]!.direction, 'sendrecv');
  t.match(
    buildSdpOffer({ address: '2001:db8::1', port: 4000, sessionId: 1, sessionVersion: 1 }),
    /c=IN IP6 2001:db8::1/,
  );
  t.ok(offer.endsWith('\r\n'), 'CRLF line ends');
});

const answer = (lines: string[]) =>
  ['v=0', 'o=phone 1 1 IN IP4 192.0.2.20', 's=-', 'c=IN IP4 192.0.2.20', 't=0 0', ...lines, ''].join('\r\n');

t.test("reading the phone's answer", async (t) => {
  t.same(
    readSdpAnswer(
      answer(['m=audio 5004 RTP/AVP 8 101', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000', 'a=sendrecv']),
    ),
    {
      ok: true,
      codec: 'PCMA',
      payloadType: 8,
      telephoneEvent: { payloadType: 101 },
      remote: { address: '192.0.2.20', port: 5004 },
      direction: 'sendrecv',
    },
  );
  const onlySending = readSdpAnswer(answer(['m=audio 5004 RTP/AVP 0', 'a=recvonly']));
  t.match(onlySending, { ok: true, codec: 'PCMU', direction: 'sendonly' }, 'the phone only receives: we only send');
  t.notOk('telephoneEvent' in onlySending, 'no telephone-event: keys come in-band or by INFO');
  t.same(readSdpAnswer(answer(['m=audio 5004 RTP/AVP 18', 'a=rtpmap:18 G729/8000'])), {
    ok: false,
    problem: 'no-acceptable-audio',
  });
  t.same(readSdpAnswer(''), { ok: false, problem: 'malformed-answer' });
  t.same(
    readSdpAnswer(answer(['m=audio 0 RTP/AVP 0'])),
    { ok: false, problem: 'no-acceptable-audio' },
    'a rejected stream',
  );
});

t.test('auto-answer hints per vendor', async (t) => {
  const cases: [string, Record<string, string>][] = [
    ['yealink', { 'call-info': '<sip:office.test>;answer-after=0' }],
    ['fanvil', { 'call-info': '<sip:office.test>;answer-after=0' }],
    ['grandstream', { 'call-info': '<sip:office.test>;answer-after=0' }],
    ['cisco', { 'call-info': '<sip:office.test>;answer-after=0' }],
    [
      'snom',
      {
        'call-info': '<sip:office.test>;answer-after=0',
        'alert-info': '<http://www.notused.com>;info=alert-autoanswer;delay=0',
      },
    ],
    ['poly', {}],
    ['unknown', {}],
  ];
  for (const [vendor, expected] of cases) t.same(autoAnswerHeaders(vendor, 'office.test'), expected, vendor);
});

/** Runs events from the start; returns the phase after each and every command given. */
function run(events: WarningCallEvent[], keyWaitMs?: number): { phases: string[]; commands: WarningCallCommand[] } {
  let state: WarningCallState = createWarningCall();
  const phases: string[] = [];
  const commands: WarningCallCommand[] = [];
  for (const event of events) {
    const step = stepWarningCall(state, event, { extension: '104', ...(keyWaitMs !== undefined ? { keyWaitMs } : {}) });
    state = step.state;
    phases.push(state.phase === 'done' ? `done:${state.outcome}` : state.phase);
    commands.push(...step.commands);
  }
  return { phases, commands };
}

t.test('the call flow', async (t) => {
  const answered: WarningCallEvent = { kind: 'answered', nowMs: 0 };
  const finished = (nowMs: number): WarningCallEvent => ({ kind: 'prompt-finished', nowMs });
  const digit = (key: '1' | '2' | '#'): WarningCallEvent => ({ kind: 'digit', digit: key, nowMs: 1000 });
  const cases: [string, WarningCallEvent[], string[], WarningCallCommand[], number?][] = [
    [
      '1 during the prompt: extended, confirmed, hung up',
      [answered, digit('1'), finished(3000)],
      ['playing', 'confirming', 'done:extended'],
      [
        { kind: 'play', prompts: ['logout-warning'] },
        { kind: 'stop-prompt' },
        { kind: 'extend' },
        { kind: 'play', prompts: ['logged-in-as', 'digit-1', 'digit-0', 'digit-4'] },
        { kind: 'hang-up' },
        { kind: 'done', outcome: 'extended' },
      ],
    ],
    [
      '1 after the prompt',
      [answered, finished(4000), digit('1'), finished(6000)],
      ['playing', 'waiting', 'confirming', 'done:extended'],
      [
        { kind: 'play', prompts: ['logout-warning'] },
        { kind: 'arm-timer', deadlineMs: 4000 + WARNING_KEY_WAIT_MS },
        { kind: 'extend' },
        { kind: 'play', prompts: ['logged-in-as', 'digit-1', 'digit-0', 'digit-4'] },
        { kind: 'hang-up' },
        { kind: 'done', outcome: 'extended' },
      ],
    ],
    [
      'no key: hung up after the wait',
      [answered, finished(4000), digit('2'), { kind: 'timer', nowMs: 6000 }],
      ['playing', 'waiting', 'waiting', 'done:not-extended'],
      [
        { kind: 'play', prompts: ['logout-warning'] },
        { kind: 'arm-timer', deadlineMs: 6000 },
        { kind: 'hang-up' },
        { kind: 'done', outcome: 'not-extended' },
      ],
      2000,
    ],
    [
      'not answered',
      [{ kind: 'not-answered' }, answered],
      ['done:not-answered', 'done:not-answered'],
      [{ kind: 'done', outcome: 'not-answered' }],
    ],
    [
      'the phone hangs up during the prompt',
      [answered, { kind: 'hangup' }, digit('1')],
      ['playing', 'done:not-extended', 'done:not-extended'],
      [
        { kind: 'play', prompts: ['logout-warning'] },
        { kind: 'done', outcome: 'not-extended' },
      ],
    ],
    [
      'the phone hangs up during the confirmation: still extended',
      [answered, digit('1'), { kind: 'hangup' }],
      ['playing', 'confirming', 'done:extended'],
      [
        { kind: 'play', prompts: ['logout-warning'] },
        { kind: 'stop-prompt' },
        { kind: 'extend' },
        { kind: 'play', prompts: ['logged-in-as', 'digit-1', 'digit-0', 'digit-4'] },
        { kind: 'done', outcome: 'extended' },
      ],
    ],
    ['keys before the answer are ignored', [digit('1'), { kind: 'timer', nowMs: 0 }], ['ringing', 'ringing'], []],
  ];
  for (const [name, events, phases, commands, keyWaitMs] of cases)
    t.same(run(events, keyWaitMs), { phases, commands }, name);
});

t.test('the warning says "in five minutes" only when that is the time left', async (t) => {
  const warned = (minutesLeft: number | undefined): WarningCallCommand[] =>
    stepWarningCall(
      createWarningCall(),
      { kind: 'answered', nowMs: 0 },
      { extension: '100', ...(minutesLeft !== undefined ? { minutesLeft } : {}) },
    ).commands;
  t.same(warned(5), [{ kind: 'play', prompts: ['logout-warning'] }], '5 minutes left: the five-minute warning');
  t.same(
    warned(undefined),
    [{ kind: 'play', prompts: ['logout-warning'] }],
    'not told: the five-minute warning (the default)',
  );
  t.same(warned(2), [{ kind: 'play', prompts: ['logout-warning-soon'] }], 'a warning delayed by a call: "soon"');
  t.same(warned(15), [{ kind: 'play', prompts: ['logout-warning-soon'] }], 'another warning time: "soon"');
});

import t from 'tap';
import { buildRtp, parseRtp } from '../../src/media/rtp-packet.js';
import {
  DTMF_EVENT_TIMEOUT_MS,
  DTMF_MAX_SOURCES,
  applyRtpEvent,
  createDtmfDecoder,
  expireDtmf,
  parseTelephoneEvent,
  type DtmfDecoderState,
} from '../../src/media/telephone-event.js';

/** An RFC 4733 payload block: event | E R volume | duration. */
const block = (event: number, end: boolean, volume: number, duration: number): number[] => [
  event,
  (end ? 0x80 : 0) | volume,
  duration >> 8,
  duration & 0xff,
];

const payloads: [string, number[], ReturnType<typeof parseTelephoneEvent>][] = [
  ['digit 5, first update', block(5, false, 10, 0), { event: 5, end: false, volume: 10, duration: 0 }],
  ['# ended after 800', block(11, true, 10, 800), { event: 11, end: true, volume: 10, duration: 800 }],
  ['R bit ignored', [1, 0x40 | 7, 0x01, 0x40], { event: 1, end: false, volume: 7, duration: 320 }],
  [
    'E and R bits, volume 63, duration 0xffff',
    [15, 0xff, 0xff, 0xff],
    { event: 15, end: true, volume: 63, duration: 0xffff },
  ],
  ['unknown event still read', block(200, false, 0, 160), { event: 200, end: false, volume: 0, duration: 160 }],
  [
    'two blocks: the first is read',
    [...block(1, true, 10, 400), ...block(2, false, 10, 160)],
    { event: 1, end: true, volume: 10, duration: 400 },
  ],
  ['trailing bytes ignored', [...block(3, false, 5, 160), 0xaa], { event: 3, end: false, volume: 5, duration: 160 }],
  ['empty', [], undefined],
  ['1 byte', [5], undefined],
  ['3 bytes', [5, 0x80, 0x01], undefined],
];
for (const [name, bytes, expected] of payloads) t.same(parseTelephoneEvent(Uint8Array.from(bytes)), expected, name);
t.equal(parseTelephoneEvent('abcd' as unknown as Uint8Array), undefined, 'not bytes');

/** One event packet on the wire: [ssrc, timestamp, event, end, duration, arrivalMs], sequence numbered by position. */
type Wire = [ssrc: number, timestamp: number, event: number, end: boolean, duration: number, arrivalMs: number];

/**
 * Builds each packet as bytes, reads it back as the daemon would, and feeds the decoder; returns the keys by
 * packet.
 */
function feed(wire: Wire[], start: DtmfDecoderState = createDtmfDecoder()) {
  let state = start;
  const perPacket: string[][] = [];
  wire.forEach(([ssrc, timestamp, event, end, duration, arrivalMs], index) => {
    const bytes = buildRtp({
      marker: false,
      payloadType: 101,
      sequence: index,
      timestamp,
      ssrc,
      payload: Uint8Array.from(block(event, end, 10, duration)),
    });
    const packet = parseRtp(bytes)!;
    const te = parseTelephoneEvent(packet.payload)!;
    const result = applyRtpEvent(state, {
      ssrc: packet.ssrc,
      timestamp: packet.timestamp,
      sequence: packet.sequence,
      ...te,
      arrivalMs,
    });
    state = result.state;
    perPacket.push(result.digits);
  });
  return { state, perPacket, digits: perPacket.flat().join('') };
}

/** A key press as a phone sends it: updates every 50 ms, then the end packet `ends` times. */
function press(ssrc: number, timestamp: number, event: number, atMs: number, updates = 3, ends = 3): Wire[] {
  const wire: Wire[] = [];
  for (let i = 0; i < updates; i++) wire.push([ssrc, timestamp, event, false, i * 400, atMs + i * 50]);
  for (let i = 0; i < ends; i++) wire.push([ssrc, timestamp, event, true, updates * 400, atMs + updates * 50 + i * 20]);
  return wire;
}

const A = 0x11111111;
const B = 0x22222222;

// [name, packets, keys in order]
const flows: [string, Wire[], string][] = [
  ['one press, end ×3: one key', press(A, 1000, 5, 0), '5'],
  ['end packet once', press(A, 1000, 5, 0, 3, 1), '5'],
  ['only an end packet', [[A, 1000, 11, true, 800, 0]], '#'],
  ['only end packets ×3', press(A, 1000, 10, 0, 0, 3), '*'],
  ['two keys', [...press(A, 1000, 1, 0), ...press(A, 5000, 2, 500)], '12'],
  ['the same key twice (new timestamps)', [...press(A, 1000, 7, 0), ...press(A, 5000, 7, 500)], '77'],
  [
    'all sixteen keys',
    Array.from({ length: 16 }, (_, event) => press(A, 1000 + event * 4000, event, event * 500)).flat(),
    '0123456789*#ABCD',
  ],
  ['end lost: reported when the next event starts', [...press(A, 1000, 3, 0, 3, 0), ...press(A, 5000, 4, 200)], '34'],
  [
    'end lost twice in a row',
    [...press(A, 1000, 3, 0, 2, 0), ...press(A, 5000, 4, 120, 2, 0), ...press(A, 9000, 5, 240)],
    '345',
  ],
  ['unknown events ignored', [...press(A, 1000, 16, 0), ...press(A, 3000, 32, 100), ...press(A, 5000, 255, 200)], ''],
  [
    'an unknown event does not disturb an open key',
    [
      [A, 1000, 6, false, 0, 0],
      [A, 3000, 16, false, 0, 20],
      [A, 1000, 6, true, 400, 40],
    ],
    '6',
  ],
  ['a late end of an older event is ignored', [...press(A, 5000, 2, 0), [A, 1000, 1, true, 400, 200]], '2'],
  ['a late update of the reported event is ignored', [...press(A, 5000, 2, 0), [A, 5000, 2, false, 400, 200]], '2'],
  ['timestamps wrap at 2^32', [...press(A, 2 ** 32 - 160, 8, 0), ...press(A, 240, 9, 500)], '89'],
  [
    'interleaved SSRCs keep apart',
    [
      [A, 1000, 1, false, 0, 0],
      [B, 1000, 2, false, 0, 10],
      [A, 1000, 1, false, 400, 50],
      [B, 1000, 2, true, 400, 60],
      [A, 1000, 1, true, 800, 100],
      [B, 1000, 2, true, 400, 110],
      [A, 1000, 1, true, 800, 120],
    ],
    '21',
  ],
  ['two sources, same timestamps, same key: two presses', [...press(A, 1000, 5, 0), ...press(B, 1000, 5, 5)], '55'],
];
for (const [name, wire, expected] of flows) t.equal(feed(wire).digits, expected, name);

t.test('the key comes out on the first end packet, not before', async (t) => {
  const { perPacket } = feed(press(A, 1000, 9, 0));
  t.same(perPacket, [[], [], [], ['9'], [], []]);
});

t.test('lost end: reported once on timeout', async (t) => {
  const { state } = feed(press(A, 1000, 4, 0, 3, 0)); // last update at 100 ms
  t.equal(DTMF_EVENT_TIMEOUT_MS, 300);
  const early = expireDtmf(state, 100 + DTMF_EVENT_TIMEOUT_MS - 1);
  t.same(early.digits, [], 'not yet');
  t.equal(early.state, state, 'nothing expired: the same state');
  const due = expireDtmf(state, 100 + DTMF_EVENT_TIMEOUT_MS);
  t.same(due.digits, ['4']);
  t.same(expireDtmf(due.state, 10_000).digits, [], 'only once');
  const late = feed([[A, 1000, 4, true, 1200, 500]], due.state);
  t.equal(late.digits, '', 'a straggling end packet after the timeout is not a second key');
  const next = feed(press(A, 9000, 4, 600), due.state);
  t.equal(next.digits, '4', 'the next press counts');
});

t.test('a held key that keeps updating does not time out', async (t) => {
  const wire: Wire[] = Array.from({ length: 40 }, (_, i) => [A, 1000, 0, false, i * 400, i * 50] as Wire);
  const { state, digits } = feed(wire);
  t.equal(digits, '');
  t.same(expireDtmf(state, 39 * 50 + 100).digits, [], 'updates keep it open');
  t.same(feed([[A, 1000, 0, true, 16_000, 2000]], state).digits, '0');
});

t.test('a packet arriving after another source timed out reports that key first', async (t) => {
  const open = feed([[A, 1000, 1, false, 0, 0]]).state;
  const result = applyRtpEvent(open, {
    ssrc: B,
    timestamp: 1,
    sequence: 0,
    event: 2,
    end: true,
    duration: 400,
    arrivalMs: 1000,
  });
  t.same(result.digits, ['1', '2']);
});

t.test('timeouts of several sources come out in order of their last packet', async (t) => {
  const { state } = feed([
    [B, 1000, 2, false, 0, 0],
    [A, 1000, 1, false, 0, 10],
    [B, 1000, 2, false, 400, 50],
  ]);
  t.same(expireDtmf(state, 1000).digits, ['1', '2']);
});

t.test('state stays bounded: a flood of sources keeps the newest, reports the open keys it forgets', async (t) => {
  const wire: Wire[] = Array.from({ length: 20 }, (_, i) => [1000 + i, 0, i % 10, false, 0, i] as Wire);
  const { state, digits } = feed(wire);
  t.equal(state.size, DTMF_MAX_SOURCES);
  t.same(
    [...state.keys()],
    Array.from({ length: DTMF_MAX_SOURCES }, (_, i) => 1000 + 20 - DTMF_MAX_SOURCES + i),
  );
  t.equal(digits, '012345678901', 'the twelve forgotten open keys, oldest first');
});

t.test('the decoder is a value', async (t) => {
  const first = feed([[A, 1000, 1, false, 0, 0]]).state;
  const copy = new Map(first);
  const ignored = applyRtpEvent(first, {
    ssrc: A,
    timestamp: 1000,
    sequence: 2,
    event: 99,
    end: true,
    duration: 0,
    arrivalMs: 10,
  });
  t.equal(ignored.state, first, 'an ignored packet returns the same state');
  applyRtpEvent(first, { ssrc: A, timestamp: 1000, sequence: 2, event: 1, end: true, duration: 400, arrivalMs: 10 });
  t.same(first, copy, 'the old state is untouched');
});

import t, { type Test } from 'tap';
import dgram from 'node:dgram';
import { createRtpPortPool, type RtpEndpoint } from '../../../src/adapters/rtp-socket.js';
import {
  HANDOVER_MS,
  MAX_CATCH_UP_PACKETS,
  MAX_DIGITS_PER_SECOND,
  PLAYOUT_TAIL_PACKETS,
  createMediaSession,
  type MediaAnswer,
  type MediaSession,
  type MediaSessionOptions,
} from '../../../src/daemon/ivr/media-session.js';
import { eventOfDtmfDigit, type DtmfDigit } from '../../../src/media/dtmf-digit.js';
import { encodeG711, G711_SILENCE, type G711Codec } from '../../../src/media/g711.js';
import { DTMF_COLUMN_HZ, DTMF_KEYPAD, DTMF_ROW_HZ } from '../../../src/media/goertzel.js';
import { buildRtp, parseRtp, type RtpPacket } from '../../../src/media/rtp-packet.js';
import type { PromptName } from '../../../src/media/prompt-names.js';

const HOST = '127.0.0.1';
const EVENT_PT = 101;
const RATE = 8000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs = 2000): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > end) return false;
    await sleep(5);
  }
  return true;
}

// Audio

/** A sine of `hz` at roughly −10 dBm0 for `ms`. */
function tone(ms: number, hz = 1000): Int16Array {
  return Int16Array.from({ length: (ms * RATE) / 1000 }, (_, i) =>
    Math.round(7000 * Math.sin((2 * Math.PI * hz * i) / RATE)),
  );
}

/** A DTMF key as two sines (row −7, column −5 dBm0), `ms` long. */
function dtmfTone(digit: DtmfDigit, ms: number): Int16Array {
  const row = DTMF_KEYPAD.findIndex((keys) => keys.includes(digit));
  const column = DTMF_KEYPAD[row]!.indexOf(digit);
  const [low, high] = [DTMF_ROW_HZ[row]!, DTMF_COLUMN_HZ[column]!];
  return Int16Array.from({ length: (ms * RATE) / 1000 }, (_, i) =>
    Math.round(10_100 * Math.sin((2 * Math.PI * low * i) / RATE) + 12_700 * Math.sin((2 * Math.PI * high * i) / RATE)),
  );
}

const silence = (ms: number) => new Int16Array((ms * RATE) / 1000);

function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((total, part) => total + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The fake prompt library: every prompt is a 500 ms tone, 'enter-pin' a 1 s one. */
const PROMPTS = {
  sequence: (_language: string, names: readonly PromptName[]) =>
    concat(...names.map((name) => tone(name === 'enter-pin' ? 1000 : 500))),
};

const isSilence = (packet: RtpPacket, codec: G711Codec = 'PCMU') =>
  packet.payload.every((byte) => byte === G711_SILENCE[codec]);

// The phone

interface Phone {
  socket: dgram.Socket;
  port: number;
  endpoint: RtpEndpoint;
  received: RtpPacket[];
  ssrc: number;
  send(bytes: Uint8Array, to?: RtpEndpoint): Promise<void>;
  /** Sends audio in 20 ms packets (PT 0 unless told). */
  sendAudio(samples: Int16Array, options?: { payloadType?: number; ssrc?: number }): Promise<void>;
  /**
   * A key as RFC 4733 events: start, two updates, then `ends` end packets
   * (0 = all lost), all with one timestamp.
   */
  sendKey(digit: DtmfDigit, options?: { ends?: number; ssrc?: number; timestamp?: number }): Promise<void>;
}

async function bindUdp(): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, HOST, () => resolve()));
  return socket;
}

async function startPhone(t: Test, target: () => RtpEndpoint): Promise<Phone> {
  const socket = await bindUdp();
  const port = socket.address().port;
  const received: RtpPacket[] = [];
  socket.on('message', (bytes) => {
    const packet = parseRtp(bytes);
    if (packet) received.push(packet);
  });
  t.teardown(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  let sequence = 5000;
  let audioTimestamp = 80_000;
  let eventTimestamp = 1_000_000;
  const ssrc = 0x0badcafe;
  const send = (bytes: Uint8Array, to = target()) =>
    new Promise<void>((resolve) => socket.send(bytes, to.port, to.address, () => resolve()));
  return {
    socket,
    port,
    endpoint: { address: HOST, port },
    received,
    ssrc,
    send,
    async sendAudio(samples, options = {}) {
      const bytes = encodeG711(samples, 'PCMU');
      for (let at = 0; at < bytes.length; at += 160) {
        await send(
          buildRtp({
            marker: false,
            payloadType: options.payloadType ?? 0,
            sequence: sequence++ & 0xffff,
            timestamp: audioTimestamp,
            ssrc: options.ssrc ?? ssrc,
            payload: bytes.subarray(at, at + 160),
          }),
        );
        audioTimestamp += 160;
      }
    },
    async sendKey(digit, options = {}) {
      eventTimestamp += 1600;
      const timestamp = options.timestamp ?? eventTimestamp;
      const event = eventOfDtmfDigit(digit);
      const packet = (duration: number, end: boolean) =>
        buildRtp({
          marker: duration === 160,
          payloadType: EVENT_PT,
          sequence: sequence++ & 0xffff,
          timestamp,
          ssrc: options.ssrc ?? ssrc,
          payload: new Uint8Array([event, (end ? 0x80 : 0) | 10, duration >> 8, duration & 0xff]),
        });
      for (const duration of [160, 320, 480]) await send(packet(duration, false));
      for (let i = 0; i < (options.ends ?? 3); i++) await send(packet(640, true));
    },
  };
}

interface Setup {
  session: MediaSession;
  phone: Phone;
  digits: DtmfDigit[];
  warnings: string[];
  /** Our RTP endpoint. */
  ours: RtpEndpoint;
}

/** A session on a real socket and a phone; the SDP says the phone is at `sdpRemote` (default: where it really is). */
async function setup(
  t: Test,
  options: {
    sdpRemote?: (phone: RtpEndpoint) => RtpEndpoint;
    answer?: Partial<MediaAnswer>;
    session?: Partial<MediaSessionOptions>;
  } = {},
): Promise<Setup> {
  const pool = createRtpPortPool({ bind: HOST, min: 0, max: 0 });
  const socket = await pool.open();
  const ours = { address: HOST, port: socket.port };
  const phone = await startPhone(t, () => ours);
  const warnings: string[] = [];
  const log = { debug: () => {}, info: () => {}, warn: (_: unknown, message: string) => warnings.push(message) };
  const session = createMediaSession({
    socket,
    answer: {
      codec: 'PCMU',
      payloadType: 0,
      telephoneEvent: { payloadType: EVENT_PT },
      remote: options.sdpRemote?.(phone.endpoint) ?? phone.endpoint,
      ...options.answer,
    },
    prompts: PROMPTS,
    language: 'en',
    log: log as never,
    ...options.session,
  });
  const digits: DtmfDigit[] = [];
  session.onDigit((digit) => digits.push(digit));
  t.teardown(async () => {
    await session.close();
    await pool.close();
  });
  return { session, phone, digits, warnings, ours };
}

/** Checks the numbering of packets as one stream: one SSRC, sequence +1 and timestamp +160 from one to the next. */
function checkStream(t: Test, packets: RtpPacket[], payloadType = 0): void {
  const problems: string[] = [];
  for (const [i, packet] of packets.entries()) {
    if (packet.ssrc !== packets[0]!.ssrc) problems.push(`packet ${i}: SSRC changed`);
    if (packet.payloadType !== payloadType) problems.push(`packet ${i}: payload type ${packet.payloadType}`);
    if (packet.payload.length !== 160) problems.push(`packet ${i}: ${packet.payload.length} bytes`);
    if (i === 0) continue;
    const previous = packets[i - 1]!;
    if (packet.sequence !== ((previous.sequence + 1) & 0xffff))
      problems.push(`packet ${i}: sequence ${previous.sequence} → ${packet.sequence}`);
    if (packet.timestamp !== (previous.timestamp + 160) % 2 ** 32)
      problems.push(`packet ${i}: timestamp ${previous.timestamp} → ${packet.timestamp}`);
  }
  t.same(problems, [], `${packets.length} packets numbered as one stream`);
}

t.test('a prompt goes out as 20 ms packets, paced by the clock', async (t) => {
  const { session, phone } = await setup(t);
  await until(() => phone.received.length >= 3);
  const started = performance.now();
  const result = await session.play(['enter-pin']);
  const elapsed = performance.now() - started;
  t.equal(result, 'finished');
  t.ok(
    elapsed >= 1000 && elapsed < 1600,
    `play took the prompt's second and a little tail (${Math.round(elapsed)} ms)`,
  );
  await sleep(60);
  const packets = [...phone.received];
  checkStream(t, packets);
  const prompt = packets.filter((packet) => !isSilence(packet));
  t.equal(prompt.length, 50, '1 s of prompt is 50 packets');
  const first = packets.findIndex((packet) => !isSilence(packet));
  t.ok(packets[first]!.marker, 'the first packet of the prompt has the marker bit');
  t.equal(packets.filter((packet) => packet.marker).length, 1, 'and no other packet');
  t.ok(first >= 3, 'silence went out before the prompt');
  t.ok(
    packets.slice(first + 50).every((packet) => isSilence(packet)),
    'silence after it',
  );
  t.ok(packets.length - first - 50 >= PLAYOUT_TAIL_PACKETS, 'the tail was sent before play() finished');

  // The pace over the whole session: one packet per 20 ms, without drift.
  const total = performance.now() - started;
  const count = packets.length - first;
  t.ok(Math.abs(count - total / 20) <= 4, `${count} packets in ${Math.round(total)} ms`);
});

t.test('numbering runs on across prompts, silence and a stopped prompt', async (t) => {
  const { session, phone } = await setup(t);
  t.equal(await session.play(['logged-in-as']), 'finished');
  const second = session.play(['enter-pin']);
  await sleep(200);
  session.stopPrompt();
  t.equal(await second, 'stopped', 'stopPrompt stops it');
  const third = session.play(['enter-pin']);
  await sleep(100);
  const fourth = session.play(['logged-out']);
  t.equal(await third, 'stopped', 'a new play() replaces the prompt playing');
  t.equal(await fourth, 'finished');
  await sleep(40);
  const packets = [...phone.received];
  checkStream(t, packets);
  t.equal(packets.filter((packet) => packet.marker).length, 4, 'each prompt starts with a marker');
  const promptPackets = packets.filter((packet) => !isSilence(packet)).length;
  // Two whole 500 ms prompts (25 packets each) and two 1 s prompts stopped after about 200 and 100 ms.
  t.ok(
    promptPackets > 50 && promptPackets < 100,
    `the stopped prompts were cut short (${promptPackets} prompt packets)`,
  );
});

t.test('RFC 4733: each key once, repeated end packets and lost ones alike', async (t) => {
  const { session, phone, digits } = await setup(t);
  await phone.sendKey('5');
  await phone.sendKey('#', { ends: 1 });
  await phone.sendKey('0', { ends: 0 }); // every end packet lost
  t.ok(await until(() => digits.length === 3), 'the lost end is found by the timeout');
  await phone.sendKey('1');
  await until(() => digits.length === 4);
  await sleep(400);
  t.same(digits, ['5', '#', '0', '1']);
  t.equal(session.stats.dtmfSource, 'rfc4733');
  t.equal(session.stats.digits, 4);
  // The same event again (a retransmission of the whole key) is not a new key.
  await phone.sendKey('1', { timestamp: 1_000_000 + 4 * 1600 });
  await sleep(50);
  t.same(digits, ['5', '#', '0', '1']);
});

t.test('in-band DTMF in the audio is detected', async (t) => {
  const { session, phone, digits } = await setup(t);
  await phone.sendAudio(
    concat(
      silence(100),
      dtmfTone('1', 100),
      silence(100),
      dtmfTone('2', 100),
      silence(60),
      dtmfTone('2', 80),
      silence(100),
      dtmfTone('#', 100),
      silence(100),
    ),
  );
  t.ok(await until(() => digits.length === 4), 'four keys');
  t.same(digits, ['1', '2', '2', '#']);
  t.equal(session.stats.dtmfSource, 'inband');
});

t.test('once RFC 4733 events come, in-band tones are ignored', async (t) => {
  t.test('a phone that leaves the tone in the audio and sends events', async (t) => {
    const { session, phone, digits } = await setup(t);
    // The event starts at the key press; the tone follows in the audio.
    await phone.sendKey('7', { ends: 0 });
    await phone.sendAudio(concat(dtmfTone('7', 100), silence(100)));
    await phone.sendKey('8');
    await phone.sendAudio(concat(dtmfTone('8', 100), silence(100), dtmfTone('9', 100), silence(100)));
    await sleep(400);
    t.same(digits, ['7', '8'], 'each key once; the tone alone types nothing');
    t.equal(session.stats.dtmfSource, 'rfc4733');
  });
  t.test('a tone detected just before the first event is the same key', async (t) => {
    const { session, phone, digits } = await setup(t);
    await phone.sendAudio(concat(silence(40), dtmfTone('4', 100)));
    t.ok(await until(() => digits.length === 1), 'the tone is reported');
    await phone.sendKey('4');
    await phone.sendKey('4');
    await sleep(50);
    t.same(digits, ['4', '4'], 'the late events of that press do not type it again; the next press counts');
    t.equal(session.stats.duplicates, 1);
  });
  t.test('an event after the handover time is a new key', async (t) => {
    const { phone, digits } = await setup(t);
    await phone.sendAudio(concat(silence(40), dtmfTone('4', 100)));
    await until(() => digits.length === 1);
    await sleep(HANDOVER_MS + 100);
    await phone.sendKey('4');
    await until(() => digits.length === 2);
    t.same(digits, ['4', '4']);
  });
});

t.test('SIP INFO keys', async (t) => {
  t.test('alone, and preferred to in-band', async (t) => {
    const { session, phone, digits } = await setup(t);
    session.feedInfoDigit('1');
    session.feedInfoDigit('2');
    await phone.sendAudio(concat(dtmfTone('3', 100), silence(100)));
    await sleep(100);
    t.same(digits, ['1', '2']);
    t.equal(session.stats.dtmfSource, 'info');
  });
  t.test('a phone that sends INFO and RFC 4733 types each key once', async (t) => {
    const { session, phone, digits } = await setup(t);
    session.feedInfoDigit('5');
    await phone.sendKey('5');
    await until(() => session.stats.dtmfSource === 'rfc4733');
    session.feedInfoDigit('6');
    await phone.sendKey('6');
    await sleep(50);
    t.same(digits, ['5', '6']);
    t.equal(session.stats.dtmfSource, 'rfc4733');
    t.equal(session.stats.duplicates, 1);
  });
  t.test('INFO keys ahead of the first events: the events repeat them and count once', async (t) => {
    const { session, phone, digits } = await setup(t);
    session.feedInfoDigit('5');
    session.feedInfoDigit('6');
    await phone.sendKey('5');
    await phone.sendKey('6');
    await phone.sendKey('6');
    await sleep(50);
    t.same(digits, ['5', '6', '6']);
    t.equal(session.stats.duplicates, 2);
  });
  t.test('a different key from the better source ends the handover', async (t) => {
    const { phone, digits, session } = await setup(t);
    session.feedInfoDigit('5');
    await phone.sendKey('1');
    await phone.sendKey('5');
    await sleep(50);
    t.same(digits, ['5', '1', '5']);
  });
});

t.test('symmetric RTP: we send where the phone sends from, not where the SDP said', async (t) => {
  const decoy = await bindUdp(); // the address in the SDP (a softphone's wrong guess)
  const decoyPackets: number[] = [];
  decoy.on('message', () => decoyPackets.push(Date.now()));
  t.teardown(() => new Promise<void>((resolve) => decoy.close(() => resolve())));
  const { session, phone } = await setup(t, { sdpRemote: () => ({ address: HOST, port: decoy.address().port }) });
  t.ok(await until(() => decoyPackets.length >= 3), 'before the phone sends, RTP goes to the SDP address');
  t.equal(phone.received.length, 0);
  await phone.sendAudio(silence(20));
  t.ok(await until(() => phone.received.length >= 5), 'after its first packet, to the phone');
  const decoyCount = decoyPackets.length;
  await sleep(100);
  t.ok(decoyPackets.length <= decoyCount + 1, 'and no longer to the SDP address');
  t.same(session.stats.latched, phone.endpoint);
});

t.test('after latching, packets from other sources are dropped', async (t) => {
  const { session, phone, digits, ours } = await setup(t);
  await phone.sendAudio(silence(20));
  const stranger = await startPhone(t, () => ours);
  await stranger.sendKey('9');
  await stranger.sendAudio(concat(dtmfTone('9', 100), silence(100)));
  await phone.sendKey('1');
  await until(() => digits.length >= 1);
  await sleep(100);
  t.same(digits, ['1'], 'only the phone types');
  t.ok(session.stats.strangers >= 6, `stranger's packets counted (${session.stats.strangers})`);
  t.equal(stranger.received.length, 0, 'nothing is sent to the stranger');
  t.same(session.stats.latched, phone.endpoint);
});

t.test('only the negotiated payload types latch', async (t) => {
  const { session, phone, ours, digits } = await setup(t);
  const other = await startPhone(t, () => ours);
  await other.sendAudio(silence(40), { payloadType: 13 }); // comfort noise: not negotiated
  await other.sendAudio(silence(20), { payloadType: 8 }); // PCMA: not the answer's codec
  await sleep(30);
  t.equal(session.stats.latched, undefined);
  t.equal(session.stats.unexpectedPayloadType, 3);
  await phone.sendKey('2');
  await until(() => digits.length === 1);
  t.same(session.stats.latched, phone.endpoint);
});

t.test('an SSRC change from the phone is followed; late packets of the old one are dropped', async (t) => {
  const { session, phone, digits } = await setup(t);
  await phone.sendKey('1', { ssrc: 111 });
  await phone.sendKey('2', { ssrc: 222 });
  await phone.sendKey('3', { ssrc: 111 });
  await phone.sendKey('4', { ssrc: 222 });
  await sleep(400);
  t.same(digits, ['1', '2', '4']);
  t.equal(session.stats.ssrcChanges, 1);
  t.equal(session.stats.staleSsrc, 6);
});

t.test('garbage does not crash the session and is counted', async (t) => {
  const { session, phone, digits } = await setup(t);
  let seed = 99;
  const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const garbage: Uint8Array[] = [
    new Uint8Array(0),
    new Uint8Array([0x80]),
    new Uint8Array(11).fill(0x80),
    new Uint8Array([0x40, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 9, 9]), // version 1
    new Uint8Array([0x8f, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]), // 15 CSRCs missing
    new Uint8Array([0xa0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 5, 0]), // padding count 0
    buildRtp({
      marker: false,
      payloadType: EVENT_PT,
      sequence: 1,
      timestamp: 1,
      ssrc: 1,
      payload: new Uint8Array([1, 2]),
    }), // short event
    buildRtp({
      marker: false,
      payloadType: EVENT_PT,
      sequence: 2,
      timestamp: 2,
      ssrc: 1,
      payload: new Uint8Array([200, 0x80, 0, 160]),
    }), // not a key
    // empty audio
    buildRtp({ marker: false, payloadType: 0, sequence: 3, timestamp: 3, ssrc: 1, payload: new Uint8Array(0) }),
    buildRtp({
      marker: false,
      payloadType: 0,
      sequence: 3,
      timestamp: 3,
      ssrc: 1,
      payload: new Uint8Array(1400).fill(0x11),
    }),
    new Uint8Array(2000).fill(0x80), // over 1500 bytes
    ...Array.from({ length: 200 }, () =>
      Uint8Array.from({ length: 1 + Math.floor(random() * 300) }, () => Math.floor(random() * 256)),
    ),
  ];
  for (const bytes of garbage) await phone.send(bytes);
  await sleep(50);
  t.ok(session.stats.malformed >= 6, `malformed packets counted (${session.stats.malformed})`);
  await phone.sendKey('3', { ssrc: 0x5eed5eed });
  t.ok(await until(() => digits.includes('3')), 'a good key still counts afterwards');
  t.ok(phone.received.length > 0, 'and prompts still flow');
});

t.test('a DTMF flood is limited', async (t) => {
  const { session, phone, digits } = await setup(t);
  for (let i = 0; i < 60; i++) {
    const timestamp = 2_000_000 + i * 800;
    await phone.send(
      buildRtp({
        marker: true,
        payloadType: EVENT_PT,
        sequence: 9000 + i,
        timestamp,
        ssrc: phone.ssrc,
        payload: new Uint8Array([i % 10, 0x80, 0, 160]),
      }),
    );
  }
  await sleep(100);
  t.equal(digits.length, MAX_DIGITS_PER_SECOND);
  t.equal(session.stats.rateLimited, 60 - MAX_DIGITS_PER_SECOND);
  await sleep(1000);
  await phone.sendKey('7', { timestamp: 3_000_000 });
  await until(() => digits.length > MAX_DIGITS_PER_SECOND);
  t.equal(digits.at(-1), '7', 'a second later keys count again');
});

t.test('a re-INVITE: a new address starts over, hold stops sending', async (t) => {
  const { session, phone, ours } = await setup(t);
  await phone.sendAudio(silence(20));
  await until(() => session.stats.latched !== undefined);
  const moved = await startPhone(t, () => ours);
  const answer: MediaAnswer = {
    codec: 'PCMU',
    payloadType: 0,
    telephoneEvent: { payloadType: EVENT_PT },
    remote: moved.endpoint,
  };
  session.updateRemote(answer);
  t.equal(session.stats.latched, undefined, 'a moved SDP address forgets the old source');
  t.ok(await until(() => moved.received.length >= 3), 'RTP goes to the new address');

  session.updateRemote({ ...answer, direction: 'recvonly' });
  await sleep(40);
  const before = moved.received.length + phone.received.length;
  const started = performance.now();
  t.equal(await session.play(['logged-out']), 'finished', 'on hold a prompt still takes its time');
  t.ok(performance.now() - started >= 480);
  t.equal(moved.received.length + phone.received.length, before, 'nothing was sent');

  session.updateRemote({ ...answer, direction: 'sendrecv', codec: 'PCMA', payloadType: 8 });
  t.ok(await until(() => moved.received.at(-1)?.payloadType === 8), 'a new codec from the next packet on');
  await session.play(['logged-in-as']);
  await sleep(20);
  const pcma = moved.received.filter((packet) => packet.payloadType === 8);
  t.equal(pcma.filter((packet) => !isSilence(packet, 'PCMA')).length, 25, 'the prompt in PCMA');
  checkStream(t, pcma, 8);
});

t.test('a prompt that cannot be read plays as nothing', async (t) => {
  const { session, warnings } = await setup(t, {
    session: {
      prompts: {
        sequence: () => {
          throw new Error('no audio');
        },
      },
    },
  });
  t.equal(await session.play(['enter-pin']), 'finished');
  t.same(warnings, ['prompt audio missing; playing silence']);
});

t.test('a late timer catches up a few packets, not a burst', async (t) => {
  const sends: { at: number; packet: RtpPacket }[] = [];
  const session = createMediaSession({
    socket: {
      port: 1,
      onPacket: () => {},
      send: (bytes) => sends.push({ at: performance.now(), packet: parseRtp(bytes)! }),
      close: async () => {},
    },
    answer: { codec: 'PCMU', payloadType: 0, remote: { address: HOST, port: 9 } },
    prompts: PROMPTS,
    language: 'en',
  });
  t.teardown(() => session.close());
  const playing = session.play(['enter-pin']);
  await sleep(100);
  const busyUntil = performance.now() + 300;
  while (performance.now() < busyUntil) {
    // the event loop is stuck for 300 ms
  }
  await sleep(100);
  const groups = new Map<number, number>();
  for (const send of sends) groups.set(Math.round(send.at), (groups.get(Math.round(send.at)) ?? 0) + 1);
  const largest = Math.max(...groups.values());
  t.ok(
    largest >= 2 && largest <= MAX_CATCH_UP_PACKETS + 1,
    `at most ${MAX_CATCH_UP_PACKETS} packets at once after the stall (${largest})`,
  );
  checkStream(
    t,
    sends.map((send) => send.packet),
  );
  session.stopPrompt();
  t.equal(await playing, 'stopped');
});

t.test('close stops everything and leaves no timer or socket behind', async (t) => {
  const resources = () =>
    process.getActiveResourcesInfo().filter((name) => name === 'UDPWrap' || name === 'Timeout').length;
  const settled = async () => {
    let count = resources();
    for (let i = 0; i < 40; i++) {
      await sleep(25);
      const now = resources();
      if (now === count && i >= 3) break;
      count = now;
    }
    return count;
  };
  const before = await settled();
  const pool = createRtpPortPool({ bind: HOST, min: 0, max: 0 });
  for (let i = 0; i < 50; i++) {
    const socket = await pool.open();
    const session = createMediaSession({
      socket,
      answer: { codec: 'PCMA', payloadType: 8, remote: { address: HOST, port: 9 } },
      prompts: PROMPTS,
      language: 'en',
    });
    const playing = session.play(['enter-pin']);
    if (i % 2) await sleep(1);
    await session.close();
    t.equal(await playing, 'stopped', `session ${i}: the prompt playing is stopped`);
    await session.close();
    if (i === 0) t.equal(await session.play(['enter-pin']), 'stopped', 'play after close does nothing');
  }
  t.equal(pool.inUse, 0, 'every port went back');
  await pool.close();
  t.equal(await settled(), before, 'no timer or UDP handle left');
});

t.test('a key handler that ends the call leaves no timer behind', async (t) => {
  const resources = () =>
    process.getActiveResourcesInfo().filter((name) => name === 'UDPWrap' || name === 'Timeout').length;
  const timers = () => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
  const pool = createRtpPortPool({ bind: HOST, min: 0, max: 0 });
  t.teardown(() => pool.close());
  for (const ends of [3, 0]) {
    const socket = await pool.open();
    const ours = { address: HOST, port: socket.port };
    const phone = await startPhone(t, () => ours);
    await sleep(100);
    const before = resources() - 1; // the session's socket is counted
    const timersBefore = timers();
    const session = createMediaSession({
      socket,
      answer: { codec: 'PCMU', payloadType: 0, telephoneEvent: { payloadType: EVENT_PT }, remote: phone.endpoint },
      prompts: PROMPTS,
      language: 'en',
    });
    let closed: Promise<void> | undefined;
    session.onDigit(() => {
      closed = session.close();
    });
    await phone.sendKey('1', { ends });
    t.ok(
      await until(() => closed !== undefined),
      ends ? 'the key came with its end packet' : 'the key came from the expiry tick',
    );
    await closed;
    t.equal(timers(), timersBefore, 'no timer armed after close');
    await sleep(100);
    t.equal(resources(), before, `nothing left (${ends ? 'end packet' : 'expiry'})`);
    t.equal(pool.inUse, 0);
  }
});

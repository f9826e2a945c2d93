import t from 'tap';
import { parseRtp } from '../../src/media/rtp-packet.js';
import {
  PACKET_DURATION_MS,
  SAMPLES_PER_PACKET,
  buildPromptPackets,
  buildSilencePackets,
  type RtpSenderState,
} from '../../src/media/rtp-sender.js';

const start: RtpSenderState = { ssrc: 0x1234abcd, sequence: 1000, timestamp: 50_000 };
const ramp = (length: number): Uint8Array => Uint8Array.from({ length }, (_, i) => i % 200);
const headers = (packets: Uint8Array[]) =>
  packets.map((bytes) => {
    const packet = parseRtp(bytes)!;
    return {
      marker: packet.marker,
      payloadType: packet.payloadType,
      sequence: packet.sequence,
      timestamp: packet.timestamp,
      ssrc: packet.ssrc,
      length: packet.payload.length,
    };
  });

t.equal(SAMPLES_PER_PACKET, 160);
t.equal(PACKET_DURATION_MS, 20);

// [name, audio length, packets, last packet's audio bytes]
const sizes: [string, number, number, number][] = [
  ['one byte', 1, 1, 1],
  ['exactly one packet', 160, 1, 160],
  ['one byte more', 161, 2, 1],
  ['one second', 8000, 50, 160],
  ['1.01 s', 8080, 51, 80],
];
for (const [name, length, count, lastAudio] of sizes) {
  t.test(`prompt of ${name}`, async (t) => {
    const audio = ramp(length);
    const { state, packets } = buildPromptPackets(start, audio, { codec: 'PCMU', payloadType: 0 });
    t.equal(packets.length, count);
    t.same(
      headers(packets),
      packets.map((_, i) => ({
        marker: i === 0,
        payloadType: 0,
        sequence: 1000 + i,
        timestamp: 50_000 + 160 * i,
        ssrc: 0x1234abcd,
        length: 160,
      })),
      'marker on the first only; sequence +1 and timestamp +160 per packet; all 160 bytes',
    );
    t.same(
      state,
      { ssrc: 0x1234abcd, sequence: 1000 + count, timestamp: 50_000 + 160 * count },
      'state points at the next packet',
    );
    const payloads = packets.map((bytes) => parseRtp(bytes)!.payload);
    const joined = new Uint8Array(payloads.reduce((sum, p) => sum + p.length, 0));
    payloads.reduce((at, p) => (joined.set(p, at), at + p.length), 0);
    t.same(joined.subarray(0, length), audio, 'the audio, in order');
    t.ok(
      joined.subarray(length).every((byte) => byte === 0xff),
      'padded with μ-law silence',
    );
    t.equal(160 * (count - 1) + lastAudio, length);
  });
}

t.test('PCMA pads with 0xD5 and uses the agreed payload type', async (t) => {
  const { packets } = buildPromptPackets(start, Uint8Array.from([1, 2, 3]), { codec: 'PCMA', payloadType: 8 });
  const packet = parseRtp(packets[0]!)!;
  t.equal(packet.payloadType, 8);
  t.same(packet.payload.subarray(0, 3), Uint8Array.from([1, 2, 3]));
  t.ok(packet.payload.subarray(3).every((byte) => byte === 0xd5));
  t.equal(
    parseRtp(buildPromptPackets(start, ramp(10), { codec: 'PCMU', payloadType: 96 }).packets[0]!)!.payloadType,
    96,
    'a remapped PT',
  );
});

t.test('empty audio: no packets, same state', async (t) => {
  const result = buildPromptPackets(start, new Uint8Array(0), { codec: 'PCMU', payloadType: 0 });
  t.same(result.packets, []);
  t.equal(result.state, start);
});

t.test('sequence wraps at 2^16 and timestamp at 2^32', async (t) => {
  const near: RtpSenderState = { ssrc: 1, sequence: 65534, timestamp: 2 ** 32 - 320 };
  const { state, packets } = buildPromptPackets(near, ramp(160 * 4), { codec: 'PCMU', payloadType: 0 });
  t.same(
    headers(packets).map(({ sequence, timestamp }) => [sequence, timestamp]),
    [
      [65534, 2 ** 32 - 320],
      [65535, 2 ** 32 - 160],
      [0, 0],
      [1, 160],
    ],
  );
  t.same(state, { ssrc: 1, sequence: 2, timestamp: 320 });
});

t.test('silence packets continue the numbering without a marker; the next prompt is marked', async (t) => {
  const silence = buildSilencePackets(start, 3, { codec: 'PCMA', payloadType: 8 });
  t.same(
    headers(silence.packets).map(({ marker, sequence, timestamp }) => [marker, sequence, timestamp]),
    [
      [false, 1000, 50_000],
      [false, 1001, 50_160],
      [false, 1002, 50_320],
    ],
  );
  t.ok(
    silence.packets.every((bytes) => parseRtp(bytes)!.payload.every((byte) => byte === 0xd5)),
    'A-law silence',
  );
  const prompt = buildPromptPackets(silence.state, ramp(320), { codec: 'PCMA', payloadType: 8 });
  t.same(
    headers(prompt.packets).map(({ marker, sequence }) => [marker, sequence]),
    [
      [true, 1003],
      [false, 1004],
    ],
  );
  t.same(buildSilencePackets(start, 0, { codec: 'PCMU', payloadType: 0 }), { state: start, packets: [] });
  t.same(buildSilencePackets(start, -2, { codec: 'PCMU', payloadType: 0 }).packets, [], 'a negative count is none');
  t.ok(
    parseRtp(buildSilencePackets(start, 1, { codec: 'PCMU', payloadType: 0 }).packets[0]!)!.payload.every(
      (byte) => byte === 0xff,
    ),
    'μ-law silence',
  );
});

t.test('the input state is not changed', async (t) => {
  const before = { ...start };
  buildPromptPackets(start, ramp(500), { codec: 'PCMU', payloadType: 0 });
  t.same(start, before);
});

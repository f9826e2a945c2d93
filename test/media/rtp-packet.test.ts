import t from 'tap';
import { buildRtp, parseRtp, type RtpPacketOptions } from '../../src/media/rtp-packet.js';

/** Bytes from hex text, spaces ignored. */
const hex = (text: string): Uint8Array =>
  Uint8Array.from((text.replace(/\s+/g, '').match(/../g) ?? []).map((pair) => parseInt(pair, 16)));
const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};

// V=2, PT 0, seq 0x1234, ts 0xDEADBEEF, SSRC 0x01020304
const header = hex('80 00 1234 deadbeef 01020304');

t.test('a plain packet', async (t) => {
  const packet = parseRtp(concat(header, hex('ff fe fd')));
  t.same(packet, {
    version: 2,
    padding: false,
    extension: undefined,
    marker: false,
    payloadType: 0,
    sequence: 0x1234,
    timestamp: 0xdeadbeef,
    ssrc: 0x01020304,
    csrcs: [],
    payload: hex('ff fe fd'),
  });
});

// [name, bytes, expected subset of the packet]
const good: [string, Uint8Array, Record<string, unknown>][] = [
  ['header only: empty payload', header, { payload: new Uint8Array(0) }],
  [
    'marker and PT 101',
    hex('80 e5 0001 00000000 ffffffff'),
    { marker: true, payloadType: 101, sequence: 1, timestamp: 0, ssrc: 0xffffffff },
  ],
  ['PT 127', hex('80 7f 0000 00000000 00000000'), { payloadType: 127 }],
  [
    'two CSRCs',
    concat(hex('82 08 0000 00000000 00000000 0000000a 8000000b'), hex('d5')),
    { payloadType: 8, csrcs: [10, 0x8000000b], payload: hex('d5') },
  ],
  [
    'header extension of one word',
    concat(hex('90 00 0000 00000000 00000000 bede 0001 10ff0000'), hex('aa')),
    { extension: { profile: 0xbede, data: hex('10ff0000') }, payload: hex('aa') },
  ],
  [
    'header extension of zero words',
    concat(hex('90 00 0000 00000000 00000000 1000 0000'), hex('aa')),
    { extension: { profile: 0x1000, data: new Uint8Array(0) }, payload: hex('aa') },
  ],
  [
    'padding removed',
    concat(hex('a0 00 0000 00000000 00000000'), hex('aa bb 00 00 03')),
    { padding: true, payload: hex('aa bb') },
  ],
  [
    'padding is the whole payload',
    concat(hex('a0 00 0000 00000000 00000000'), hex('00 02')),
    { padding: true, payload: new Uint8Array(0) },
  ],
  [
    'CSRC, extension and padding together',
    hex('b1 00 0000 00000000 00000000 00000007 0001 0001 01020304 99 00 02'),
    { csrcs: [7], extension: { profile: 1, data: hex('01020304') }, payload: hex('99'), padding: true },
  ],
];
for (const [name, bytes, expected] of good) {
  t.test(name, async (t) => {
    const packet = parseRtp(bytes);
    t.ok(packet, 'parsed');
    t.match(packet, expected);
  });
}

const bad: [string, Uint8Array][] = [
  ['empty', new Uint8Array(0)],
  ['11 bytes', hex('80 00 0000 00000000 000000')],
  ['version 0', hex('00 00 0000 00000000 00000000')],
  ['version 1', hex('40 00 0000 00000000 00000000')],
  ['version 3', hex('c0 00 0000 00000000 00000000')],
  ['CSRC count past the end', hex('81 00 0000 00000000 00000000 000000')],
  ['15 CSRCs, none there', hex('8f 00 0000 00000000 00000000')],
  ['extension header cut', hex('90 00 0000 00000000 00000000 bede')],
  ['extension length past the end', hex('90 00 0000 00000000 00000000 bede 0002 00000000')],
  ['extension length 0xffff', hex('90 00 0000 00000000 00000000 bede ffff')],
  ['padding count 0', hex('a0 00 0000 00000000 00000000 aa 00')],
  ['padding longer than the payload', hex('a0 00 0000 00000000 00000000 aa 03')],
  ['padding into the header', hex('a0 00 0000 00000000 000000ff')],
  ['padding into the CSRCs', hex('a1 00 0000 00000000 00000000 00000008')],
  ['RTCP SR on the RTP port (RFC 5761)', hex('80 c8 0006 00000000 00000000')],
  ['RTCP RR', hex('81 c9 0007 00000000 00000000 00000000')],
  ['RTCP BYE', hex('81 cb 0001 00000000')],
];
for (const [name, bytes] of bad) t.equal(parseRtp(bytes), undefined, name);

t.test('garbage never throws', async (t) => {
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  let parsed = 0;
  for (let i = 0; i < 2000; i++) {
    const bytes = Uint8Array.from({ length: next() % 40 }, next);
    if (parseRtp(bytes)) parsed++;
  }
  t.ok(parsed < 2000, 'most garbage is refused');
  t.equal(parseRtp('not bytes' as unknown as Uint8Array), undefined);
});

t.test('the payload is a copy, not a view of the input', async (t) => {
  const bytes = concat(header, hex('01 02'));
  const packet = parseRtp(bytes)!;
  bytes[12] = 0x99;
  t.same(packet.payload, hex('01 02'));
  t.equal(packet.payload.constructor, Uint8Array);
  t.equal(
    parseRtp(Buffer.from(concat(header, hex('07'))))!.payload.constructor,
    Uint8Array,
    'a Buffer input gives a plain Uint8Array',
  );
});

const built: [string, RtpPacketOptions, string][] = [
  [
    'PCMU, marker',
    { marker: true, payloadType: 0, sequence: 1, timestamp: 160, ssrc: 0x11223344, payload: hex('ff ff') },
    '80 80 0001 000000a0 11223344 ffff',
  ],
  [
    'PT 101, no marker',
    { marker: false, payloadType: 101, sequence: 0xffff, timestamp: 0xffffffff, ssrc: 0, payload: hex('05 0a 00a0') },
    '80 65 ffff ffffffff 00000000 050a00a0',
  ],
  [
    'empty payload',
    { marker: false, payloadType: 8, sequence: 0, timestamp: 0, ssrc: 0xffffffff, payload: new Uint8Array(0) },
    '80 08 0000 00000000 ffffffff',
  ],
];
for (const [name, options, expected] of built) {
  t.test(`build: ${name}`, async (t) => {
    const bytes = buildRtp(options);
    t.same(bytes, hex(expected));
    t.match(parseRtp(bytes), { ...options, version: 2, padding: false, extension: undefined, csrcs: [] }, 'reads back');
  });
}

const outOfRange: [string, Partial<RtpPacketOptions>][] = [
  ['payload type 128', { payloadType: 128 }],
  ['payload type -1', { payloadType: -1 }],
  ['sequence 65536', { sequence: 65536 }],
  ['timestamp 2^32', { timestamp: 2 ** 32 }],
  ['SSRC 2^32', { ssrc: 2 ** 32 }],
  ['fractional sequence', { sequence: 1.5 }],
  ['NaN timestamp', { timestamp: Number.NaN }],
];
for (const [name, change] of outOfRange) {
  t.throws(
    () =>
      buildRtp({
        marker: false,
        payloadType: 0,
        sequence: 0,
        timestamp: 0,
        ssrc: 0,
        payload: new Uint8Array(0),
        ...change,
      }),
    RangeError,
    name,
  );
}

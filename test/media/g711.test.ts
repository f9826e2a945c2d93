import t from 'tap';
import {
  G711_SILENCE,
  alawToMulaw,
  convertG711,
  decodeAlaw,
  decodeG711,
  decodeMulaw,
  encodeAlaw,
  encodeG711,
  encodeMulaw,
  mulawToAlaw,
} from '../../src/media/g711.js';

// Known values of the G.711 tables (16-bit linear); the whole range was checked
// once against CPython's audioop (lin2ulaw/lin2alaw/ulaw2lin/alaw2lin).
const mulawEncode: [number, number][] = [
  [0, 0xff],
  [2, 0xff],
  [-1, 0x7e], // -1 >> 2 is -1: the first negative step
  [5, 0xfe],
  [8, 0xfe],
  [-8, 0x7e],
  [16, 0xfd],
  [32767, 0x80],
  [32124, 0x80],
  [-32768, 0x00],
  [100000, 0x80],
  [-100000, 0x00],
  [1000, 0xce],
  [-1000, 0x4e],
];
for (const [sample, code] of mulawEncode) t.equal(encodeMulaw(sample), code, `μ-law encode ${sample}`);

const mulawDecode: [number, number][] = [
  [0xff, 0],
  [0x7f, 0],
  [0xfe, 8],
  [0x7e, -8],
  [0x80, 32124],
  [0x00, -32124],
  [0xce, 988],
  [0x4e, -988],
];
for (const [code, sample] of mulawDecode) t.equal(decodeMulaw(code), sample, `μ-law decode 0x${code.toString(16)}`);

const alawEncode: [number, number][] = [
  [0, 0xd5],
  [-1, 0x55],
  [15, 0xd5],
  [16, 0xd4],
  [-16, 0x55],
  [-17, 0x54],
  [32767, 0xaa],
  [-32768, 0x2a],
  [100000, 0xaa],
  [1000, 0xfa],
  [-1000, 0x7a],
];
for (const [sample, code] of alawEncode) t.equal(encodeAlaw(sample), code, `A-law encode ${sample}`);

const alawDecode: [number, number][] = [
  [0xd5, 8],
  [0x55, -8],
  [0xd4, 24],
  [0xaa, 32256],
  [0x2a, -32256],
  [0xfa, 1008],
  [0x7a, -1008],
];
for (const [code, sample] of alawDecode) t.equal(decodeAlaw(code), sample, `A-law decode 0x${code.toString(16)}`);

t.same(G711_SILENCE, { PCMU: 0xff, PCMA: 0xd5 });
t.equal(encodeMulaw(Number.NaN), 0xff, 'NaN is silence');
t.equal(encodeAlaw(1.9), 0xd5, 'fractions are truncated');

t.test('every code decodes and encodes back (μ-law: both zeros give 0xFF)', async (t) => {
  for (let code = 0; code < 256; code++) {
    t.equal(encodeAlaw(decodeAlaw(code)), code, `A-law 0x${code.toString(16)}`);
    t.equal(encodeMulaw(decodeMulaw(code)), code === 0x7f ? 0xff : code, `μ-law 0x${code.toString(16)}`);
  }
});

t.test('round trips of every 16-bit sample stay within the quantisation error', async (t) => {
  // Half a step is under 1/30 of the level plus the 8 (μ) or 16 (A) of the finest step (sign truncation adds a little).
  const failures: string[] = [];
  let previous = -Infinity;
  let monotonic = true;
  for (let sample = -32768; sample <= 32767; sample++) {
    const mu = decodeMulaw(encodeMulaw(sample));
    const clippedMu = Math.max(-32124, Math.min(32124, sample)); // μ-law's largest level
    if (Math.abs(mu - clippedMu) > 8 + Math.abs(clippedMu) / 30) failures.push(`μ-law ${sample} → ${mu}`);
    const a = decodeAlaw(encodeAlaw(sample));
    const clippedA = Math.max(-32256, Math.min(32256, sample)); // A-law's largest level
    if (Math.abs(a - clippedA) > 16 + Math.abs(clippedA) / 30) failures.push(`A-law ${sample} → ${a}`);
    if (mu < previous) monotonic = false;
    previous = mu;
  }
  t.same(failures.slice(0, 10), [], 'no sample beyond half a step');
  t.ok(monotonic, 'μ-law decode(encode(x)) never decreases as x grows');
});

t.test('arrays', async (t) => {
  const samples = Int16Array.from([0, 1000, -1000, 32767, -32768]);
  t.same(encodeG711(samples, 'PCMU'), Uint8Array.from([0xff, 0xce, 0x4e, 0x80, 0x00]));
  t.same(encodeG711(samples, 'PCMA'), Uint8Array.from([0xd5, 0xfa, 0x7a, 0xaa, 0x2a]));
  t.same(decodeG711(Uint8Array.from([0xff, 0xce, 0x00]), 'PCMU'), Int16Array.from([0, 988, -32124]));
  t.same(decodeG711(Uint8Array.from([0xd5, 0xfa, 0x2a]), 'PCMA'), Int16Array.from([8, 1008, -32256]));
  t.same(encodeG711(new Int16Array(0), 'PCMU'), new Uint8Array(0));
});

const conversions: [string, number, number][] = [
  ['μ-law silence → A-law silence', mulawToAlaw(0xff), 0xd5],
  ['μ-law 988 → A-law 976 (the nearest A-law level)', mulawToAlaw(0xce), 0xfb],
  ['μ-law max → A-law near 32124', mulawToAlaw(0x80), encodeAlaw(32124)],
  ['A-law silence (+8) → μ-law +8', alawToMulaw(0xd5), 0xfe],
  ['A-law max → μ-law max', alawToMulaw(0xaa), 0x80],
  ['A-law min → μ-law min', alawToMulaw(0x2a), 0x00],
];
for (const [name, actual, expected] of conversions) t.equal(actual, expected, name);

t.test('conversion keeps every level within one step of the other law', async (t) => {
  for (let code = 0; code < 256; code++) {
    const mu = decodeMulaw(code);
    const asAlaw = decodeAlaw(mulawToAlaw(code));
    t.ok(Math.abs(asAlaw - mu) <= Math.max(16, Math.abs(mu) / 16), `μ 0x${code.toString(16)}: ${mu} → ${asAlaw}`);
    const a = decodeAlaw(code);
    const asMulaw = decodeMulaw(alawToMulaw(code));
    t.ok(
      Math.abs(asMulaw - Math.max(-32124, Math.min(32124, a))) <= Math.max(8, Math.abs(a) / 16),
      `A 0x${code.toString(16)}: ${a} → ${asMulaw}`,
    );
  }
  const bytes = Uint8Array.from([0xff, 0xce, 0x80]);
  t.same(convertG711(bytes, 'PCMU', 'PCMA'), Uint8Array.from([0xd5, 0xfb, mulawToAlaw(0x80)]));
  t.same(convertG711(Uint8Array.from([0xd5, 0xaa]), 'PCMA', 'PCMU'), Uint8Array.from([0xfe, 0x80]));
  const same = convertG711(bytes, 'PCMU', 'PCMU');
  t.same(same, bytes);
  t.not(same, bytes, 'same law: a copy');
});

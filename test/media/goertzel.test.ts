import t from 'tap';
import { decodeG711, encodeG711, type G711Codec } from '../../src/media/g711.js';
import {
  DTMF_BLOCK_SAMPLES,
  DTMF_MIN_HITS,
  applyAudio,
  checkDtmfBlock,
  createInbandDetector,
  goertzelPower,
  type InbandDetectorState,
} from '../../src/media/goertzel.js';

// Signal generation (no randomness: a fixed linear congruential generator where noise is needed).
const RATE = 8000;
/** Peak amplitude of a 0 dBm0 sine in 16-bit samples (G.711 full scale ≈ +3.15 dBm0). */
const ZERO_DBM0 = 22_700;
const ROWS: Record<string, number> = {
  '1': 697,
  '2': 697,
  '3': 697,
  A: 697,
  '4': 770,
  '5': 770,
  '6': 770,
  B: 770,
  '7': 852,
  '8': 852,
  '9': 852,
  C: 852,
  '*': 941,
  '0': 941,
  '#': 941,
  D: 941,
};
const COLUMNS: Record<string, number> = {
  '1': 1209,
  '4': 1209,
  '7': 1209,
  '*': 1209,
  '2': 1336,
  '5': 1336,
  '8': 1336,
  '0': 1336,
  '3': 1477,
  '6': 1477,
  '9': 1477,
  '#': 1477,
  A: 1633,
  B: 1633,
  C: 1633,
  D: 1633,
};
const samplesOf = (ms: number): number => Math.round((ms * RATE) / 1000);
const amplitude = (dbm0: number): number => ZERO_DBM0 * 10 ** (dbm0 / 20);

/** Sum of sines [hz, dBm0] for `ms`, as floats. */
function sines(ms: number, parts: [hz: number, dbm0: number][], phase = 0): Float64Array {
  const out = new Float64Array(samplesOf(ms));
  for (const [hz, dbm0] of parts) {
    const a = amplitude(dbm0);
    for (let i = 0; i < out.length; i++) out[i]! += a * Math.sin((2 * Math.PI * hz * i) / RATE + phase);
  }
  return out;
}

/** A DTMF key: its row and column tones at the usual sending levels (row −7, column −5 dBm0) unless told. */
function key(
  digit: string,
  ms: number,
  levels: { row?: number; column?: number; rowShift?: number; columnShift?: number } = {},
): Float64Array {
  return sines(ms, [
    [ROWS[digit]! * (1 + (levels.rowShift ?? 0)), levels.row ?? -7],
    [COLUMNS[digit]! * (1 + (levels.columnShift ?? 0)), levels.column ?? -5],
  ]);
}

const silence = (ms: number): Float64Array => new Float64Array(samplesOf(ms));

function noise(ms: number, dbm0: number, seed = 1): Float64Array {
  let state = seed;
  const a = amplitude(dbm0);
  return Float64Array.from({ length: samplesOf(ms) }, () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return ((state / 2 ** 32) * 2 - 1) * a * 1.7;
  });
}

/**
 * Speech-like sound: a glottal pulse train whose pitch glides between 95 and
 * 260 Hz, through two moving formant resonators, in syllables with pauses,
 * plus some breath noise.
 */
function speech(ms: number, seed = 7): Float64Array {
  const out = new Float64Array(samplesOf(ms));
  let rng = seed;
  const random = () => (rng = (rng * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  let phase = 0;
  const resonators = [0, 0, 0, 0];
  for (let i = 0; i < out.length; i++) {
    const time = i / RATE;
    const pitch = 95 + 165 * (0.5 + 0.5 * Math.sin(2 * Math.PI * 1.3 * time) * Math.sin(2 * Math.PI * 0.37 * time + 1));
    phase += pitch / RATE;
    const pulse = phase >= 1 ? 1 : 0;
    if (phase >= 1) phase -= 1;
    const excitation = pulse * 6000 + (random() - 0.5) * 400;
    const syllable = Math.max(0, Math.sin(2 * Math.PI * 3.1 * time)); // ~3 syllables a second, silent gaps between
    let value = excitation * syllable;
    // Two two-pole resonators whose centres wander through the vowel space.
    const formants = [
      500 + 300 * Math.sin(2 * Math.PI * 0.9 * time),
      1500 + 700 * Math.sin(2 * Math.PI * 0.6 * time + 2),
    ];
    let sum = 0;
    formants.forEach((centre, f) => {
      const r = 0.96;
      const c = 2 * r * Math.cos((2 * Math.PI * centre) / RATE);
      const y = value + c * resonators[2 * f]! - r * r * resonators[2 * f + 1]!;
      resonators[2 * f + 1] = resonators[2 * f]!;
      resonators[2 * f] = y;
      sum += y;
    });
    value = sum * 0.08;
    out[i] = value;
  }
  return out;
}

function join(...parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function mix(...parts: Float64Array[]): Float64Array {
  const out = new Float64Array(Math.max(...parts.map((part) => part.length)));
  for (const part of parts) part.forEach((value, i) => (out[i]! += value));
  return out;
}

/** To 16 bits, through G.711 and back, as the detector would get it from RTP. */
function overG711(signal: Float64Array, codec: G711Codec = 'PCMU'): Int16Array {
  const linear = Int16Array.from(signal, (value) => Math.max(-32768, Math.min(32767, Math.round(value))));
  return decodeG711(encodeG711(linear, codec), codec);
}

/** Feeds the audio in packets of `chunk` samples; returns every key reported. */
function detect(audio: Int16Array, chunk = 160, start: InbandDetectorState = createInbandDetector()): string {
  let state = start;
  let digits = '';
  for (let at = 0; at < audio.length; at += chunk) {
    const result = applyAudio(state, audio.subarray(at, at + chunk));
    state = result.state;
    digits += result.digits.join('');
  }
  return digits;
}

t.test('a key in one block', async (t) => {
  t.equal(DTMF_BLOCK_SAMPLES, 205);
  t.equal(DTMF_MIN_HITS, 2, '2 blocks of 25.6 ms ≥ 40 ms');
  t.equal(checkDtmfBlock(overG711(key('5', 30)).subarray(0, 205)), '5');
  t.equal(checkDtmfBlock(new Int16Array(205)), undefined, 'silence');
  t.equal(checkDtmfBlock(new Int16Array(0)), undefined, 'nothing');
  const sine = sines(25.625, [[1000, -10]]);
  const power = goertzelPower(sine, 1000);
  const expected = ((amplitude(-10) * 205) / 2) ** 2;
  t.ok(Math.abs(power / expected - 1) < 0.02, `Goertzel power of a sine is (A·N/2)²: ${power} vs ${expected}`);
});

const ALL = '123A456B789C*0#D';
for (const codec of ['PCMU', 'PCMA'] as const) {
  t.test(`all sixteen keys, each once (${codec})`, async (t) => {
    const audio = join(...[...ALL].flatMap((digit) => [key(digit, 100), silence(100)]));
    t.equal(detect(overG711(audio, codec)), ALL);
  });
}

t.test('chunk sizes do not matter', async (t) => {
  const audio = overG711(join(silence(37), ...[...'159#'].flatMap((digit) => [key(digit, 80), silence(70)])));
  for (const chunk of [1, 37, 160, 205, 1000, audio.length])
    t.equal(detect(audio, chunk), '159#', `chunks of ${chunk}`);
});

// [name, audio, keys]
const cases: [string, Float64Array, string][] = [
  ['silence', silence(2000), ''],
  ['a 1 kHz tone', sines(2000, [[1000, -10]]), ''],
  ['a loud 1 kHz tone', sines(2000, [[1000, 0]]), ''],
  ['a row tone alone', sines(500, [[697, -7]]), ''],
  ['a column tone alone', sines(500, [[1336, -5]]), ''],
  [
    'two row tones and a column tone (no single key)',
    sines(300, [
      [697, -7],
      [770, -7],
      [1209, -5],
    ]),
    '',
  ],
  [
    'a row tone and two column tones',
    sines(300, [
      [852, -7],
      [1336, -5],
      [1477, -5],
    ]),
    '',
  ],
  [
    'dial tone 350 + 440 Hz',
    sines(2000, [
      [350, -13],
      [440, -13],
    ]),
    '',
  ],
  [
    'busy tone 480 + 620 Hz',
    sines(2000, [
      [480, -10],
      [620, -10],
    ]),
    '',
  ],
  [
    'ringback 440 + 480 Hz',
    sines(2000, [
      [440, -16],
      [480, -16],
    ]),
    '',
  ],
  ['white noise', noise(2000, -15), ''],
  ['speech-like sound', speech(4000), ''],
  ['loud speech-like sound', speech(4000, 3).map((value) => value * 4), ''],
  ['a key held 200 ms', key('5', 200), '5'],
  ['a key held 2 s', key('8', 2000), '8'],
  ['the same key twice, 100 ms apart', join(key('3', 100), silence(100), key('3', 100)), '33'],
  ['the same key twice, 60 ms apart', join(key('3', 80), silence(60), key('3', 80)), '33'],
  ['the same key twice, 40 ms apart', join(key('3', 80), silence(40), key('3', 80)), '33'],
  ['two keys with no gap', join(key('1', 100), key('2', 100)), '12'],
  ['twist 6 dB, column louder', key('9', 100, { row: -10, column: -4 }), '9'],
  ['twist 6 dB, row louder', key('9', 100, { row: -4, column: -10 }), '9'],
  ['twist 10 dB, column louder', key('9', 100, { row: -14, column: -4 }), ''],
  ['twist 10 dB, row louder', key('9', 100, { row: -4, column: -14 }), ''],
  ['quiet key, −25 dBm0 per tone', key('0', 100, { row: -25, column: -25 }), '0'],
  ['too quiet, −40 dBm0 per tone', key('0', 100, { row: -40, column: -40 }), ''],
  ['frequencies 1% high', key('D', 100, { rowShift: 0.01, columnShift: 0.01 }), 'D'],
  ['frequencies 1% low', key('*', 100, { rowShift: -0.01, columnShift: -0.01 }), '*'],
  ['frequencies 3.5% high (Q.24: must not count)', key('D', 100, { rowShift: 0.035, columnShift: 0.035 }), ''],
  ['frequencies 3.5% low', key('1', 100, { rowShift: -0.035, columnShift: -0.035 }), ''],
  ['a key over quiet speech', mix(speech(600), join(silence(200), key('7', 120))), '7'],
  ['a key between speech', join(speech(1000), key('4', 100), speech(1000, 11)), '4'],
];
for (const [name, audio, expected] of cases) t.equal(detect(overG711(audio)), expected, name);

t.test('duration: 25.5 ms or less never counts, 52 ms always does, whatever the alignment', async (t) => {
  for (let offset = 0; offset < DTMF_BLOCK_SAMPLES; offset += 10) {
    const lead = new Float64Array(offset);
    t.equal(detect(overG711(join(lead, key('2', 20), silence(200)))), '', `20 ms at offset ${offset}`);
    t.equal(detect(overG711(join(lead, key('2', 25.5), silence(200)))), '', `25.5 ms at offset ${offset}`);
    t.equal(detect(overG711(join(lead, key('2', 52), silence(200)))), '2', `52 ms at offset ${offset}`);
  }
});

t.test('gaps: 40 ms always separates two presses, a 10 ms drop-out never does, whatever the alignment', async (t) => {
  for (let offset = 0; offset < DTMF_BLOCK_SAMPLES; offset += 10) {
    const lead = new Float64Array(offset);
    t.equal(
      detect(overG711(join(lead, key('#', 90), silence(40), key('#', 90), silence(100)))),
      '##',
      `40 ms pause at offset ${offset}`,
    );
    const held = key('#', 190);
    held.fill(0, samplesOf(90), samplesOf(100)); // 10 ms lost in the middle of one press
    t.equal(detect(overG711(join(lead, held, silence(100)))), '#', `10 ms drop-out at offset ${offset}`);
  }
});

t.test('the detector is a value: the same state fed twice gives the same keys', async (t) => {
  const audio = overG711(key('A', 100));
  const half = applyAudio(createInbandDetector(), audio.subarray(0, 300));
  const pending = half.state.pending.slice();
  const once = applyAudio(half.state, audio.subarray(300));
  const again = applyAudio(half.state, audio.subarray(300));
  t.same(once.digits, again.digits);
  t.same(once.digits, ['A']);
  t.same(half.state.pending, pending, 'the input state is not changed');
  t.ok(once.state.pending.length < DTMF_BLOCK_SAMPLES, 'less than a block is kept');
});

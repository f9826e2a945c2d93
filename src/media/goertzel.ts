/**
 * In-band DTMF detection (ITU-T Q.23 keypad, Q.24 reception) on 16-bit
 * linear audio at 8000 samples/s — decode G.711 first ({@link decodeG711}).
 *
 * The audio is cut into blocks of {@link DTMF_BLOCK_SAMPLES} (25.6 ms, bins of
 * 39 Hz: enough to tell 697 from 770 Hz). In each block a Goertzel filter
 * measures the power at the eight DTMF frequencies, and the block shows a key
 * when all of these hold:
 * - level: the strongest row and column tones are each at least
 *   {@link DTMF_MIN_LEVEL_DBM0};
 * - twist: they are within {@link DTMF_MAX_TWIST_DB} of each other;
 * - relative peak: each beats the other tones of its group by
 *   {@link DTMF_RELATIVE_PEAK_DB};
 * - purity: the two tones carry at least {@link DTMF_MIN_TONE_SHARE} of the
 *   block's energy (speech and noise spread theirs).
 *
 * A key is reported once it shows in {@link DTMF_MIN_HITS} blocks in a row
 * (51 ms of blocks for Q.24's 40 ms minimum). A block shows a tone that fills
 * at least half of it (the purity check), so tones under 25.6 ms never count
 * and tones of 52 ms or more always do, whatever their alignment with the
 * blocks; phones send 70–100 ms. The same key counts again only after
 * {@link DTMF_MIN_GAP_BLOCKS} block without any key: a held key counts once,
 * a pause of 40 ms or more always separates two presses and a drop-out of
 * 10 ms never does (Q.24).
 *
 * Frequency errors of ±1% are accepted and ±3.5% refused; phones generate
 * DTMF digitally, well within 1%. (Q.24 asks for ±1.5% to be accepted: with
 * 205-sample blocks that holds for the lower frequencies only.)
 *
 * @see decodeG711 in ./g711.ts
 */
import type { DtmfDigit } from './dtmf-digit.js';

export const DTMF_SAMPLE_RATE = 8000;
/** 205 samples: the classic DTMF block length at 8 kHz. */
export const DTMF_BLOCK_SAMPLES = 205;
export const DTMF_ROW_HZ: readonly number[] = [697, 770, 852, 941];
export const DTMF_COLUMN_HZ: readonly number[] = [1209, 1336, 1477, 1633];
/** Q.23 keypad: `DTMF_KEYPAD[row][column]`. */
export const DTMF_KEYPAD: readonly (readonly DtmfDigit[])[] = [
  ['1', '2', '3', 'A'],
  ['4', '5', '6', 'B'],
  ['7', '8', '9', 'C'],
  ['*', '0', '#', 'D'],
];

/** Weakest tone (each of the pair) that counts. */
export const DTMF_MIN_LEVEL_DBM0 = -30;
/** Largest level difference between the row and the column tone, either way. */
export const DTMF_MAX_TWIST_DB = 8;
/** How much the chosen tone must beat every other tone of its group. */
export const DTMF_RELATIVE_PEAK_DB = 8;
/** Share of the block's energy the two tones must carry. */
export const DTMF_MIN_TONE_SHARE = 0.5;
/** Blocks in a row showing the key before it counts: ⌈40 ms / 25.6 ms⌉. */
export const DTMF_MIN_HITS = Math.ceil((40 * DTMF_SAMPLE_RATE) / 1000 / DTMF_BLOCK_SAMPLES);
/** Blocks without the key before the same key counts again. */
export const DTMF_MIN_GAP_BLOCKS = 1;

/**
 * Peak amplitude of a 0 dBm0 sine in 16-bit linear samples: G.711 full scale
 * is +3.17 dBm0 (μ-law) / +3.14 dBm0 (A-law), i.e. 32767 / 10^(3.15/20).
 */
const ZERO_DBM0_PEAK = 32767 / 10 ** (3.15 / 20);

const dbToPower = (db: number): number => 10 ** (db / 10);
const coefficient = (hz: number): number => 2 * Math.cos((2 * Math.PI * hz) / DTMF_SAMPLE_RATE);
const ROW_COEFFICIENTS = DTMF_ROW_HZ.map(coefficient);
const COLUMN_COEFFICIENTS = DTMF_COLUMN_HZ.map(coefficient);
/** Goertzel power of a sine of amplitude A filling the block: (A·N/2)². */
const MIN_POWER = ((ZERO_DBM0_PEAK * 10 ** (DTMF_MIN_LEVEL_DBM0 / 20) * DTMF_BLOCK_SAMPLES) / 2) ** 2;

/**
 * Goertzel power of `samples` at `hz`: |X(hz)|², about (A·N/2)² for a sine of
 * amplitude A over N samples.
 */
export function goertzelPower(samples: ArrayLike<number>, hz: number): number {
  return powerAt(samples, coefficient(hz));
}

function powerAt(samples: ArrayLike<number>, coeff: number): number {
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < samples.length; i++) {
    const s0 = samples[i]! + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

/** Index of the strongest power, and whether it beats all the others by the relative-peak margin. */
function peak(powers: number[]): { index: number; clear: boolean } {
  let index = 0;
  for (let i = 1; i < powers.length; i++) if (powers[i]! > powers[index]!) index = i;
  const best = powers[index]!;
  const margin = dbToPower(DTMF_RELATIVE_PEAK_DB);
  return { index, clear: powers.every((power, i) => i === index || power * margin <= best) };
}

/** The key one block of audio shows, if any (the checks in the module comment). */
export function checkDtmfBlock(block: ArrayLike<number>): DtmfDigit | undefined {
  if (block.length === 0) return undefined;
  const rows = ROW_COEFFICIENTS.map((coeff) => powerAt(block, coeff));
  const columns = COLUMN_COEFFICIENTS.map((coeff) => powerAt(block, coeff));
  const row = peak(rows);
  const column = peak(columns);
  const rowPower = rows[row.index]!;
  const columnPower = columns[column.index]!;
  const scale = (DTMF_BLOCK_SAMPLES / block.length) ** 2; // a short block has less power for the same level
  if (rowPower * scale < MIN_POWER || columnPower * scale < MIN_POWER) return undefined;
  const twist = dbToPower(DTMF_MAX_TWIST_DB);
  if (rowPower > columnPower * twist || columnPower > rowPower * twist) return undefined;
  if (!row.clear || !column.clear) return undefined;
  let energy = 0;
  for (let i = 0; i < block.length; i++) energy += block[i]! * block[i]!;
  // A sine of energy E over N samples has Goertzel power E·N/2.
  if (((rowPower + columnPower) * 2) / block.length < DTMF_MIN_TONE_SHARE * energy) return undefined;
  return DTMF_KEYPAD[row.index]![column.index];
}

/**
 * The detector between two calls of {@link applyAudio}:
 *
 * ```
 *            key K in a block            DTMF_MIN_HITS blocks of K
 *   idle ───────────────────► candidate ─────────────────────────► K reported (latched)
 *     ▲  no key / other key ◄──┘                                      │
 *     └──────────────── DTMF_MIN_GAP_BLOCKS blocks without a key ─────┘
 * ```
 * A latched key is not reported again while it lasts; another key can be
 * reported straight away.
 */
export interface InbandDetectorState {
  /** Samples not yet analysed (fewer than a block). */
  readonly pending: Int16Array;
  /** Key shown by the latest blocks, and in how many blocks in a row. */
  readonly candidate: DtmfDigit | undefined;
  readonly hits: number;
  /** Key last reported, until a gap ends it. */
  readonly latched: DtmfDigit | undefined;
  /** Blocks in a row without any key. */
  readonly misses: number;
}

export interface InbandDetectorResult {
  state: InbandDetectorState;
  digits: DtmfDigit[];
}

export const createInbandDetector = (): InbandDetectorState => ({
  pending: new Int16Array(0),
  candidate: undefined,
  hits: 0,
  latched: undefined,
  misses: 0,
});

/** Feeds audio (16-bit linear, 8000 samples/s) in any chunk sizes; returns the keys completed by it. */
export function applyAudio(state: InbandDetectorState, samples: Int16Array): InbandDetectorResult {
  const audio = new Int16Array(state.pending.length + samples.length);
  audio.set(state.pending);
  audio.set(samples, state.pending.length);
  let { candidate, hits, latched, misses } = state;
  const digits: DtmfDigit[] = [];
  let at = 0;
  for (; at + DTMF_BLOCK_SAMPLES <= audio.length; at += DTMF_BLOCK_SAMPLES) {
    const key = checkDtmfBlock(audio.subarray(at, at + DTMF_BLOCK_SAMPLES));
    if (key === undefined) {
      candidate = undefined;
      hits = 0;
      misses++;
      if (misses >= DTMF_MIN_GAP_BLOCKS) latched = undefined;
      continue;
    }
    misses = 0;
    hits = key === candidate ? Math.min(hits + 1, DTMF_MIN_HITS) : 1;
    candidate = key;
    if (hits >= DTMF_MIN_HITS && latched !== key) {
      digits.push(key);
      latched = key;
    }
  }
  return { state: { pending: audio.slice(at), candidate, hits, latched, misses }, digits };
}

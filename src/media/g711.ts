/**
 * ITU-T G.711 companding: 16-bit linear samples to 8-bit μ-law (PCMU) or
 * A-law (PCMA) and back, computed with the segment arithmetic of the
 * recommendation (the well-known public-domain formulation). μ-law works on
 * the top 14 bits of a sample, A-law on the top 13; decoding returns the
 * middle of the quantisation step, scaled back to 16 bits.
 *
 * Payload type and clock rate for RTP: PCMU is static type 0, PCMA static
 * type 8, both 8000 samples/s, one byte per sample (RFC 3551 §4.5.14, §6).
 */

export type G711Codec = 'PCMU' | 'PCMA';

/**
 * The code for silence (a linear 0): μ-law 0xFF, A-law 0xD5 (the even bits
 * of A-law codes are inverted on the wire).
 */
export const G711_SILENCE: Readonly<Record<G711Codec, number>> = { PCMU: 0xff, PCMA: 0xd5 };

/** Upper ends of the eight μ-law segments, on the 14-bit magnitude plus bias. */
const MULAW_SEGMENT_ENDS = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];
/** Upper ends of the eight A-law segments, on the 13-bit magnitude. */
const ALAW_SEGMENT_ENDS = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];
/** μ-law bias (33 on the 14-bit scale) and clip level (8159 = 32635 >> 2). */
const MULAW_BIAS = 0x21;
const MULAW_CLIP = 8159;

function segmentOf(value: number, ends: readonly number[]): number {
  let segment = 0;
  while (segment < ends.length && value > ends[segment]!) segment++;
  return segment;
}

/** Clamps to a 16-bit integer; NaN counts as 0. */
const toInt16 = (sample: number): number =>
  Number.isNaN(sample) ? 0 : Math.max(-32768, Math.min(32767, Math.trunc(sample)));

/** One 16-bit linear sample to a μ-law byte (out-of-range samples are clipped). */
export function encodeMulaw(sample: number): number {
  let pcm = toInt16(sample) >> 2;
  let mask = 0xff;
  if (pcm < 0) {
    pcm = -pcm;
    mask = 0x7f;
  }
  pcm = Math.min(pcm, MULAW_CLIP) + MULAW_BIAS;
  const segment = segmentOf(pcm, MULAW_SEGMENT_ENDS);
  if (segment >= 8) return 0x7f ^ mask;
  return (((segment << 4) | ((pcm >> (segment + 1)) & 0x0f)) ^ mask) & 0xff;
}

/** One μ-law byte to a 16-bit linear sample (±32124 at most). */
export function decodeMulaw(code: number): number {
  const value = ~code & 0xff;
  const magnitude = ((((value & 0x0f) << 3) + 0x84) << ((value & 0x70) >> 4)) - 0x84;
  return value & 0x80 ? -magnitude : magnitude;
}

/** One 16-bit linear sample to an A-law byte (out-of-range samples are clipped). */
export function encodeAlaw(sample: number): number {
  let pcm = toInt16(sample) >> 3;
  let mask = 0xd5;
  if (pcm < 0) {
    pcm = -pcm - 1;
    mask = 0x55;
  }
  const segment = segmentOf(pcm, ALAW_SEGMENT_ENDS);
  if (segment >= 8) return 0x7f ^ mask;
  const mantissa = (segment < 2 ? pcm >> 1 : pcm >> segment) & 0x0f;
  return ((segment << 4) | mantissa) ^ mask;
}

/** One A-law byte to a 16-bit linear sample (±32256 at most). */
export function decodeAlaw(code: number): number {
  const value = (code ^ 0x55) & 0xff;
  const segment = (value & 0x70) >> 4;
  let magnitude = ((value & 0x0f) << 4) + (segment === 0 ? 8 : 0x108);
  if (segment > 1) magnitude <<= segment - 1;
  return value & 0x80 ? magnitude : -magnitude;
}

/** Decoded values of all 256 codes, computed once on first use. */
let tables: Record<G711Codec, Int16Array> | undefined;
function decodeTables(): Record<G711Codec, Int16Array> {
  tables ??= {
    PCMU: Int16Array.from({ length: 256 }, (_, code) => decodeMulaw(code)),
    PCMA: Int16Array.from({ length: 256 }, (_, code) => decodeAlaw(code)),
  };
  return tables;
}

/** 16-bit linear samples to G.711 bytes, one per sample. */
export function encodeG711(samples: Int16Array, codec: G711Codec): Uint8Array {
  const encode = codec === 'PCMU' ? encodeMulaw : encodeAlaw;
  const bytes = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) bytes[i] = encode(samples[i]!);
  return bytes;
}

/** G.711 bytes to 16-bit linear samples. */
export function decodeG711(bytes: Uint8Array, codec: G711Codec): Int16Array {
  const table = decodeTables()[codec];
  const samples = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) samples[i] = table[bytes[i]!]!;
  return samples;
}

/** One μ-law byte to A-law through its linear value (the nearest A-law step). */
export const mulawToAlaw = (code: number): number => encodeAlaw(decodeMulaw(code));

/** One A-law byte to μ-law through its linear value (the nearest μ-law step). */
export const alawToMulaw = (code: number): number => encodeMulaw(decodeAlaw(code));

/** G.711 bytes from one law to the other (a copy when `from` equals `to`). */
export function convertG711(bytes: Uint8Array, from: G711Codec, to: G711Codec): Uint8Array {
  if (from === to) return new Uint8Array(bytes);
  const convert = from === 'PCMU' ? mulawToAlaw : alawToMulaw;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = convert(bytes[i]!);
  return out;
}

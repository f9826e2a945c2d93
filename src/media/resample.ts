/**
 * Speech synthesised at another sample rate brought to the voice menu's 8 kHz,
 * and levelled like the shipped prompts. Going down, a windowed-sinc low-pass
 * (Blackman window) at the input rate first removes what would fold back into
 * the voice band; then each output sample is read off a straight line between
 * its two input neighbours.
 */

/** Filter length in input samples (odd: symmetric around its centre). */
const TAPS = 63;

/** Low-pass taps for `cutoff` as a fraction of the sample rate (0 < cutoff < 0.5), summing to 1. */
function lowPass(cutoff: number): Float64Array {
  const taps = new Float64Array(TAPS);
  const middle = (TAPS - 1) / 2;
  let sum = 0;
  for (let i = 0; i < TAPS; i++) {
    const x = i - middle;
    const sinc = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
    const window =
      0.42 - 0.5 * Math.cos((2 * Math.PI * i) / (TAPS - 1)) + 0.08 * Math.cos((4 * Math.PI * i) / (TAPS - 1));
    taps[i] = sinc * window;
    sum += taps[i]!;
  }
  return taps.map((tap) => tap / sum);
}

function filtered(samples: Int16Array, taps: Float64Array): Float64Array {
  const middle = (taps.length - 1) / 2;
  const out = new Float64Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    let acc = 0;
    for (let k = 0; k < taps.length; k++) {
      const j = i + k - middle;
      if (j >= 0 && j < samples.length) acc += samples[j]! * taps[k]!;
    }
    out[i] = acc;
  }
  return out;
}

/** Samples at `rate` Hz resampled to `target` Hz (low-passed below the target's Nyquist when going down). */
export function resample(samples: Int16Array, rate: number, target: number): Int16Array {
  if (!(rate > 0) || !(target > 0)) throw new RangeError(`sample rates must be positive (got ${rate} and ${target})`);
  if (rate === target || samples.length === 0) return samples.slice();
  // A little under the target's Nyquist frequency (3.6 kHz of 4 kHz at 8 kHz).
  const source = rate > target ? filtered(samples, lowPass((0.45 * target) / rate)) : Float64Array.from(samples);
  const step = rate / target;
  const out = new Int16Array(Math.max(1, Math.floor(samples.length / step)));
  for (let i = 0; i < out.length; i++) {
    const at = i * step;
    const left = Math.min(source.length - 1, Math.floor(at));
    const right = Math.min(source.length - 1, left + 1);
    const fraction = at - left;
    out[i] = Math.max(-32768, Math.min(32767, Math.round(source[left]! * (1 - fraction) + source[right]! * fraction)));
  }
  return out;
}

/** Peak of the shipped prompts: -3 dBFS. */
const PEAK = Math.round(32767 * Math.pow(10, -3 / 20));

/** `samples` scaled so that the loudest is at -3 dBFS (silence stays silence). */
export function levelled(samples: Int16Array): Int16Array {
  let peak = 0;
  for (const sample of samples) peak = Math.max(peak, Math.abs(sample));
  if (peak === 0) return samples.slice();
  const gain = PEAK / peak;
  return Int16Array.from(samples, (sample) => Math.max(-32768, Math.min(32767, Math.round(sample * gain))));
}

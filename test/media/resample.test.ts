/** Synthesised speech brought to 8 kHz and levelled. */
import t from 'tap';
import { levelled, resample } from '../../src/media/resample.js';

const tone = (rate: number, hz: number, seconds: number, amplitude = 10_000): Int16Array =>
  Int16Array.from({ length: Math.round(rate * seconds) }, (_, i) =>
    Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate)),
  );

/** Strength of `hz` in `samples` (a single-bin DFT), relative to the amplitude of a pure tone. */
function strength(samples: Int16Array, rate: number, hz: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < samples.length; i++) {
    re += samples[i]! * Math.cos((2 * Math.PI * hz * i) / rate);
    im += samples[i]! * Math.sin((2 * Math.PI * hz * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / samples.length;
}

t.test('22050 Hz speech comes out at 8000 Hz, as long as it was, with the voice band kept', async (t) => {
  const input = tone(22_050, 440, 1);
  const out = resample(input, 22_050, 8000);
  t.equal(out.length, 8000, 'one second is 8000 samples');
  t.ok(strength(out, 8000, 440) > 9000, '440 Hz keeps nearly all of its level', { got: strength(out, 8000, 440) });
  t.ok(strength(out, 8000, 1000) < 500, 'and makes no other tone');
});

t.test('what cannot be carried at 8 kHz is damped rather than folded into the voice band', async (t) => {
  // 7 kHz at 22050 Hz would fold to 1 kHz at 8 kHz without a filter.
  const out = resample(tone(22_050, 7000, 1), 22_050, 8000);
  t.ok(strength(out, 8000, 1000) < 200, 'the folded tone is down by more than 30 dB', {
    got: strength(out, 8000, 1000),
  });
});

t.test('edges: same rate, empty input, going up, bad rates', async (t) => {
  const input = Int16Array.from([1, 2, 3]);
  const same = resample(input, 8000, 8000);
  t.same([...same], [1, 2, 3]);
  t.not(same, input, 'a copy');
  t.same([...resample(new Int16Array(0), 22_050, 8000)], []);
  t.same(
    [...resample(Int16Array.from([0, 100]), 4000, 8000)],
    [0, 50, 100, 100],
    'going up draws a line between samples',
  );
  t.throws(() => resample(input, 0, 8000), RangeError);
  t.throws(() => resample(input, 8000, Number.NaN), RangeError);
});

t.test('levelled: the loudest sample at -3 dBFS, silence left alone', async (t) => {
  const out = levelled(Int16Array.from([0, 1000, -2000, 500]));
  t.same([...out], [0, 11_599, -23_197, 5799]);
  t.same([...levelled(new Int16Array(4))], [0, 0, 0, 0]);
});

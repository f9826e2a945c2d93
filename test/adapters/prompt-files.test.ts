/** The shipped prompt audio, WAV reading, and the library's overrides and fallbacks, on real temp folders. */
import t from 'tap';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { LANGUAGES, type Language } from '../../src/core/model.js';
import { PROMPT_NAMES, type PromptName } from '../../src/media/prompt-names.js';
import { encodeG711 } from '../../src/media/g711.js';
import { createLogger } from '../../src/adapters/log.js';
import { PROMPT_SAMPLE_RATE, SHIPPED_PROMPTS, loadPromptLibrary, parseWav } from '../../src/adapters/prompt-files.js';
import { tempDir } from '../support/temp-data.js';

// ---- building WAV files ----

const u32 = (value: number): Uint8Array => {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return bytes;
};

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** One RIFF chunk, with its pad byte when the body is odd-sized. */
function chunk(id: string, body: Uint8Array): Uint8Array {
  return concat([
    new TextEncoder().encode(id),
    u32(body.length),
    body,
    body.length % 2 ? new Uint8Array(1) : new Uint8Array(0),
  ]);
}

interface FmtOptions {
  code: number;
  channels?: number;
  rate?: number;
  bits: number;
  /** The sub-format code of a WAVE_FORMAT_EXTENSIBLE fmt chunk. */
  subFormat?: number;
}

function fmt({ code, channels = 1, rate = PROMPT_SAMPLE_RATE, bits, subFormat }: FmtOptions): Uint8Array {
  const body = new Uint8Array(subFormat === undefined ? 16 : 40);
  const view = new DataView(body.buffer);
  const blockAlign = (channels * bits) / 8;
  view.setUint16(0, subFormat === undefined ? code : 0xfffe, true);
  view.setUint16(2, channels, true);
  view.setUint32(4, rate, true);
  view.setUint32(8, rate * blockAlign, true);
  view.setUint16(12, blockAlign, true);
  view.setUint16(14, bits, true);
  if (subFormat !== undefined) {
    view.setUint16(16, 22, true);
    view.setUint16(18, bits, true);
    view.setUint16(24, subFormat, true);
  }
  return chunk('fmt ', body);
}

const riff = (...chunks: Uint8Array[]): Uint8Array => {
  const body = concat([new TextEncoder().encode('WAVE'), ...chunks]);
  return concat([new TextEncoder().encode('RIFF'), u32(body.length), body]);
};

function pcmBytes(samples: Int16Array): Uint8Array {
  const bytes = new Uint8Array(samples.length * 2);
  const view = new DataView(bytes.buffer);
  samples.forEach((sample, i) => view.setInt16(i * 2, sample, true));
  return bytes;
}

/** Half a second of a 440 Hz tone: recognisably not any shipped prompt. */
const tone = Int16Array.from({ length: 4000 }, (_, i) =>
  Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / PROMPT_SAMPLE_RATE)),
);

const pcmWav = (samples: Int16Array = tone): Uint8Array =>
  riff(fmt({ code: 1, bits: 16 }), chunk('data', pcmBytes(samples)));
const mulawWav = (samples: Int16Array = tone): Uint8Array =>
  riff(fmt({ code: 7, bits: 8 }), chunk('data', encodeG711(samples, 'PCMU')));
const alawWav = (samples: Int16Array = tone): Uint8Array =>
  riff(fmt({ code: 6, bits: 8 }), chunk('data', encodeG711(samples, 'PCMA')));

// ---- helpers ----

/** Sample-exact equality, fast enough for whole prompts (t.same compares element by element). */
const sameAudio = (a: Int16Array | undefined, b: Int16Array | undefined): boolean =>
  a !== undefined &&
  b !== undefined &&
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const rms = (samples: Int16Array): number =>
  Math.sqrt(samples.reduce((sum, sample) => sum + sample * sample, 0) / samples.length);
const peak = (samples: Int16Array): number => samples.reduce((max, sample) => Math.max(max, Math.abs(sample)), 0);

interface LogLine {
  level: number;
  msg: string;
  file?: string;
  problem?: string;
}

/** A real logger whose JSON lines are kept for the test to read. */
function capturedLog(): { log: ReturnType<typeof createLogger>; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { log: createLogger({ level: 'info', human: false, destination }), lines };
}
const WARN = 40;

async function writeOverride(dir: string, language: Language, name: string, bytes: Uint8Array): Promise<string> {
  await mkdir(join(dir, language), { recursive: true });
  const file = join(dir, language, `${name}.wav`);
  await writeFile(file, bytes);
  return file;
}

// ---- the shipped prompts ----

t.test('every shipped prompt is there for en, de and it: 8 kHz mono μ-law speech of a plausible length', async (t) => {
  for (const language of LANGUAGES) {
    for (const name of PROMPT_NAMES) {
      const file = join(SHIPPED_PROMPTS, language, `${name}.wav`);
      const bytes = new Uint8Array(await readFile(file));
      const parsed = parseWav(bytes);
      if (!parsed.ok) {
        t.fail(`${language}/${name}: ${parsed.problem}`);
        continue;
      }
      const fmtAt = Buffer.from(bytes).indexOf('fmt ');
      const header = new DataView(bytes.buffer, bytes.byteOffset + fmtAt + 8);
      const what = `${language}/${name}`;
      t.same(
        { code: header.getUint16(0, true), channels: header.getUint16(2, true), rate: header.getUint32(4, true) },
        { code: 7, channels: 1, rate: 8000 },
        `${what}: μ-law, mono, 8000 Hz`,
      );
      const samples = parsed.samples;
      const seconds = samples.length / PROMPT_SAMPLE_RATE;
      t.ok(seconds >= 0.2 && seconds <= 8, `${what}: ${seconds.toFixed(2)} s`);
      t.ok(rms(samples) > 1000, `${what}: not silent (RMS ${rms(samples).toFixed(0)})`);
      t.ok(
        peak(samples) > 16000 && peak(samples) < 32000,
        `${what}: normalised below full scale (peak ${peak(samples)})`,
      );
      t.ok(
        peak(samples.subarray(0, 400)) < 100 && peak(samples.subarray(-400)) < 100,
        `${what}: starts and ends in silence`,
      );
    }
  }
});

t.test('texts.tsv holds the words of exactly the shipped prompts', async (t) => {
  const text = await readFile(join(SHIPPED_PROMPTS, 'texts.tsv'), 'utf8');
  const rows = text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.split('\t'));
  t.ok(
    rows.every((row) => row.length === 3 && row[2]!.trim() !== ''),
    'language, name, text on every line',
  );
  const listed = rows.map(([language, name]) => `${language}/${name}`).sort();
  const expected = LANGUAGES.flatMap((language) => PROMPT_NAMES.map((name) => `${language}/${name}`)).sort();
  t.same(listed, expected);
});

t.test('the library plays the shipped prompts, each language its own', async (t) => {
  const library = await loadPromptLibrary();
  for (const name of PROMPT_NAMES) {
    const parsed = parseWav(new Uint8Array(await readFile(join(SHIPPED_PROMPTS, 'de', `${name}.wav`))));
    t.ok(sameAudio(library.audio('de', name), parsed.ok ? parsed.samples : undefined), `de/${name}`);
  }
  t.not(library.audio('de', 'enter-pin').length, library.audio('en', 'enter-pin').length, 'German is not English');
  t.not(library.audio('it', 'enter-pin').length, library.audio('en', 'enter-pin').length, 'Italian is not English');
});

t.test('audio hands out a copy: changing it changes nothing the next caller hears', async (t) => {
  const library = await loadPromptLibrary();
  const first = library.audio('en', 'wrong-pin');
  const before = first.slice();
  first.fill(0);
  t.ok(sameAudio(library.audio('en', 'wrong-pin'), before));
});

t.test('sequence: the prompts back to back, gap-free', async (t) => {
  const library = await loadPromptLibrary();
  const names: PromptName[] = ['logged-in-as', 'digit-1', 'digit-0', 'digit-0'];
  const parts = names.map((name) => library.audio('it', name));
  const joined = library.sequence('it', names);
  t.equal(
    joined.length,
    parts.reduce((total, part) => total + part.length, 0),
  );
  let at = 0;
  for (const [i, part] of parts.entries()) {
    t.ok(sameAudio(joined.subarray(at, at + part.length), part), `${names[i]} at sample ${at}`);
    at += part.length;
  }
  t.same(library.sequence('en', []), new Int16Array(0), 'nothing to say is an empty buffer');
});

// ---- overrides ----

t.test('an override wins over the shipped file, per file and per language', async (t) => {
  const overrides = await tempDir(t);
  await writeOverride(overrides, 'de', 'enter-pin', pcmWav());
  await writeOverride(overrides, 'de', 'wrong-pin', mulawWav());
  await writeOverride(overrides, 'en', 'logged-out', alawWav());
  const { log, lines } = capturedLog();
  const shipped = await loadPromptLibrary();
  const library = await loadPromptLibrary({ overrideDir: overrides, log });

  t.ok(sameAudio(library.audio('de', 'enter-pin'), tone), '16-bit PCM is taken as it is');
  const mulaw = library.audio('de', 'wrong-pin');
  const alaw = library.audio('en', 'logged-out');
  t.equal(mulaw.length, tone.length, 'μ-law: one sample a byte');
  t.equal(alaw.length, tone.length, 'A-law: one sample a byte');
  t.ok(
    tone.every((sample, i) => Math.abs(sample - mulaw[i]!) <= Math.abs(sample) / 16 + 8),
    'μ-law decodes to the tone',
  );
  t.ok(
    tone.every((sample, i) => Math.abs(sample - alaw[i]!) <= Math.abs(sample) / 16 + 16),
    'A-law decodes to the tone',
  );

  t.ok(
    sameAudio(library.audio('en', 'enter-pin'), shipped.audio('en', 'enter-pin')),
    'other languages keep the shipped prompt',
  );
  t.ok(
    sameAudio(library.audio('de', 'logged-out'), shipped.audio('de', 'logged-out')),
    'other prompts keep the shipped prompt',
  );
  t.same(
    lines.filter((line) => line.level >= WARN),
    [],
    'nothing to warn about',
  );
  t.match(lines.find((line) => line.level === 30)?.msg, /^3 recorded prompt\(s\) from .* replace shipped ones$/);
});

t.test('a PCM override in a WAVE_FORMAT_EXTENSIBLE file is accepted', async (t) => {
  const overrides = await tempDir(t);
  await writeOverride(
    overrides,
    'it',
    'logged-out',
    riff(fmt({ code: 1, bits: 16, subFormat: 1 }), chunk('data', pcmBytes(tone))),
  );
  const library = await loadPromptLibrary({ overrideDir: overrides });
  t.ok(sameAudio(library.audio('it', 'logged-out'), tone));
});

t.test('an unusable override is logged by name with what is wrong, and the shipped prompt is played', async (t) => {
  const good = pcmWav();
  const cases: [string, Uint8Array, RegExp][] = [
    ['not RIFF', new TextEncoder().encode('ID3\u0003 this is an MP3 file, not a WAV file'), /^not a RIFF WAVE file/],
    ['empty file', new Uint8Array(0), /^not a RIFF WAVE file/],
    [
      'wrong rate',
      riff(fmt({ code: 1, bits: 16, rate: 16000 }), chunk('data', pcmBytes(tone))),
      /^sampled at 16000 Hz/,
    ],
    ['stereo', riff(fmt({ code: 1, bits: 16, channels: 2 }), chunk('data', pcmBytes(tone))), /^2 channels/],
    [
      'truncated data',
      good.subarray(0, good.length - 1000),
      /^truncated: the "data" chunk at byte 36 declares 8000 bytes but only 7000 follow/,
    ],
    ['truncated header', good.subarray(0, 30), /^truncated: the "fmt " chunk/],
    ['cut between chunks', good.subarray(0, 40), /^truncated: a chunk header at byte 36 is cut off/],
    ['8-bit PCM', riff(fmt({ code: 1, bits: 8 }), chunk('data', new Uint8Array(4000).fill(128))), /^8-bit PCM/],
    ['float', riff(fmt({ code: 3, bits: 32 }), chunk('data', new Uint8Array(16000))), /^WAV format code 0x0003/],
    ['no data chunk', riff(fmt({ code: 1, bits: 16 })), /^no data chunk/],
    ['no fmt chunk', riff(chunk('data', pcmBytes(tone))), /^no fmt chunk/],
    ['empty data', riff(fmt({ code: 7, bits: 8 }), chunk('data', new Uint8Array(0))), /^an empty data chunk/],
  ];
  const shipped = await loadPromptLibrary();
  for (const [what, bytes, problem] of cases) {
    t.test(what, async (t) => {
      const overrides = await tempDir(t);
      const file = await writeOverride(overrides, 'de', 'enter-pin', bytes);
      const { log, lines } = capturedLog();
      const library = await loadPromptLibrary({ overrideDir: overrides, log });
      t.ok(sameAudio(library.audio('de', 'enter-pin'), shipped.audio('de', 'enter-pin')), 'the shipped prompt plays');
      const warnings = lines.filter((line) => line.level === WARN);
      t.equal(warnings.length, 1, 'one warning');
      t.equal(warnings[0]?.file, file, 'naming the file');
      t.match(warnings[0]?.problem, problem, 'saying what is wrong');
      t.ok(warnings[0]?.msg.startsWith(`prompt ${file}: `), 'the message names the file too');
      t.match(warnings[0]?.msg, /using the shipped one instead$/);
    });
  }
});

t.test('an override that cannot be read is logged and skipped', async (t) => {
  const overrides = await tempDir(t);
  await mkdir(join(overrides, 'en', 'enter-pin.wav'), { recursive: true });
  const { log, lines } = capturedLog();
  const library = await loadPromptLibrary({ overrideDir: overrides, log });
  t.ok(library.audio('en', 'enter-pin').length > 0);
  t.match(lines.find((line) => line.level === WARN)?.problem, /^cannot be read \(EISDIR\)$/);
});

t.test('an override folder that is absent, empty or the shipped folder itself changes nothing', async (t) => {
  const shipped = await loadPromptLibrary();
  const empty = await tempDir(t);
  for (const dir of [join(empty, 'no-such-folder'), empty, SHIPPED_PROMPTS]) {
    const { log, lines } = capturedLog();
    const library = await loadPromptLibrary({ overrideDir: dir, log });
    t.ok(sameAudio(library.audio('it', 'logout-warning'), shipped.audio('it', 'logout-warning')), dir);
    t.same(lines, [], `${dir}: nothing logged`);
  }
});

t.test('a .wav file with no prompt name is pointed out', async (t) => {
  const overrides = await tempDir(t);
  const file = await writeOverride(overrides, 'de', 'enter_pin', pcmWav());
  await writeFile(join(overrides, 'de', 'notes.txt'), 'recorded by the office manager');
  const { log, lines } = capturedLog();
  await loadPromptLibrary({ overrideDir: overrides, log });
  const warnings = lines.filter((line) => line.level === WARN);
  t.same(
    warnings.map((line) => line.file),
    [file],
  );
  t.match(warnings[0]?.msg, /not a prompt name hotdeskd knows/);
});

// ---- the shipped folder: fallback and errors ----

/** A shipped folder of our own: a copy of the real English prompts only. */
async function englishOnly(t: Parameters<typeof tempDir>[0]): Promise<string> {
  const dir = await tempDir(t);
  await cp(join(SHIPPED_PROMPTS, 'en'), join(dir, 'en'), { recursive: true });
  return dir;
}

t.test('a language without prompts speaks English; its overrides still win', async (t) => {
  const shippedDir = await englishOnly(t);
  const overrides = await tempDir(t);
  await writeOverride(overrides, 'it', 'enter-pin', pcmWav());
  const library = await loadPromptLibrary({ shippedDir, overrideDir: overrides });
  for (const name of PROMPT_NAMES)
    if (name !== 'enter-pin')
      t.ok(sameAudio(library.audio('it', name), library.audio('en', name)), `it/${name} in English`);
  t.ok(sameAudio(library.audio('de', 'wrong-pin'), library.audio('en', 'wrong-pin')), 'de in English too');
  t.ok(sameAudio(library.audio('it', 'enter-pin'), tone), 'the Italian recording');
  t.ok(
    sameAudio(library.sequence('de', ['logged-in-as', 'digit-4']), library.sequence('en', ['logged-in-as', 'digit-4'])),
    'sequences fall back too',
  );
});

t.test('a missing or unusable shipped prompt stops the start, naming the files', async (t) => {
  const missing = await englishOnly(t);
  await rm(join(missing, 'en', 'digit-7.wav'));
  await t.rejects(loadPromptLibrary({ shippedDir: missing }), {
    message: new RegExp(`${join(missing, 'en', 'digit-7.wav')}: missing`),
  });

  const broken = await englishOnly(t);
  await writeFile(
    join(broken, 'en', 'wrong-pin.wav'),
    riff(fmt({ code: 1, bits: 16, channels: 2 }), chunk('data', pcmBytes(tone))),
  );
  await t.rejects(loadPromptLibrary({ shippedDir: broken }), { message: /wrong-pin\.wav: 2 channels/ });

  const overridden = await englishOnly(t);
  await rm(join(overridden, 'en', 'digit-7.wav'));
  const overrides = await tempDir(t);
  await writeOverride(overrides, 'en', 'digit-7', pcmWav());
  await t.rejects(
    loadPromptLibrary({ shippedDir: overridden, overrideDir: overrides }),
    { message: /digit-7\.wav: missing/ },
    'an override does not hide a broken installation',
  );

  const partial = await englishOnly(t);
  await cp(join(SHIPPED_PROMPTS, 'de'), join(partial, 'de'), { recursive: true });
  await rm(join(partial, 'de', 'logged-out.wav'));
  await t.rejects(
    loadPromptLibrary({ shippedDir: partial }),
    { message: /de\/logged-out\.wav: missing/ },
    'a shipped language must be complete',
  );

  await t.rejects(
    loadPromptLibrary({ shippedDir: join(missing, 'nowhere') }),
    { message: /en\/enter-pin\.wav: missing/ },
    'no shipped folder at all',
  );
});

// ---- parseWav details ----

t.test('parseWav skips other chunks, odd-sized ones with their pad byte', async (t) => {
  const list = chunk('LIST', new TextEncoder().encode('INFOISFT\u0005\u0000\u0000\u0000sox!\u0000'));
  t.equal(list.length % 2, 0, 'the LIST chunk is padded');
  const parsed = parseWav(
    riff(
      fmt({ code: 7, bits: 8 }),
      list,
      chunk('fact', u32(3)),
      chunk('data', encodeG711(Int16Array.of(0, 1000, -1000), 'PCMU')),
    ),
  );
  t.ok(parsed.ok);
  if (parsed.ok) t.equal(parsed.samples.length, 3);
  const trailing = concat([pcmWav(Int16Array.of(1, 2, 3)), new TextEncoder().encode('junk')]);
  t.same(
    parseWav(trailing),
    { ok: true, samples: Int16Array.of(1, 2, 3), rate: 8000 },
    'bytes after the data chunk are ignored',
  );
  const wide = pcmWav(Int16Array.of(1, 2, 3));
  new DataView(wide.buffer, wide.byteOffset).setUint32(24, 22_050, true);
  t.match(parseWav(wide), { ok: false, problem: /^sampled at 22050 Hz/ }, 'a prompt must be 8 kHz');
  t.same(
    parseWav(wide, 'any'),
    { ok: true, samples: Int16Array.of(1, 2, 3), rate: 22_050 },
    'synthesised speech may come at any rate',
  );
  t.match(parseWav(riff(fmt({ code: 1, bits: 16 }), chunk('data', new Uint8Array(3)))), {
    ok: false,
    problem: /^truncated: 3 bytes of 16-bit PCM/,
  });
  t.match(parseWav(riff(fmt({ code: 6, bits: 16 }), chunk('data', new Uint8Array(4)))), {
    ok: false,
    problem: /^16-bit G\.711/,
  });
  t.match(parseWav(riff(chunk('fmt ', new Uint8Array(14)), chunk('data', new Uint8Array(4)))), {
    ok: false,
    problem: /too short/,
  });
});

/**
 * The prompt library: the login voice menu's audio, read once at daemon start
 * from <dir>/<language>/<name>.wav and kept as 16-bit linear PCM at 8 kHz.
 *
 * Two folders take part. The shipped one (data/prompts in the package) must be
 * complete for English and for every language it has a folder for: a missing
 * or unusable shipped file stops the start with an error naming it. The
 * override one (prompts/ in the admin's data directory) may hold any of the
 * same files; each one that reads well wins over its shipped twin, and one
 * that does not is logged with what is wrong and the shipped file is used.
 * A language with no file for a prompt speaks that prompt in English.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LANGUAGES, type Language } from '../core/model.js';
import { PROMPT_NAMES, type PromptName } from '../media/prompt-names.js';
import { decodeG711 } from '../media/g711.js';
import { PACKAGE_ROOT } from './paths.js';
import type { Logger } from './log.js';

/** The prompts that come with the package. */
export const SHIPPED_PROMPTS = join(PACKAGE_ROOT, 'data', 'prompts');

/** Every prompt falls back to this language. */
const FALLBACK_LANGUAGE: Language = 'en';

/** The one sample rate of the voice menu: G.711's 8000 samples/s (RFC 3551 §4.5.14). */
export const PROMPT_SAMPLE_RATE = 8000;

export interface PromptLibrary {
  /** 16-bit linear PCM at 8 kHz of that prompt in that language, falling back to English when the language lacks it. */
  audio(language: Language, name: PromptName): Int16Array;
  /**
   * The prompts one after the other as one buffer (for playing a sequence gap-free); a piece
   * given as audio (16-bit PCM at 8 kHz, made for one call) is taken as it is.
   */
  sequence(language: Language, names: readonly (PromptName | Int16Array)[]): Int16Array;
}

export interface PromptLibraryOptions {
  /** Default: data/prompts in the package. */
  shippedDir?: string;
  /** The admin's own recordings, usually `<data dir>/prompts`; absent or empty is fine. */
  overrideDir?: string;
  log?: Logger;
}

export type ParsedWav = { ok: true; samples: Int16Array; rate: number } | { ok: false; problem: string };

/** WAV format codes (the fmt chunk's first field) that prompts may use. */
const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_ALAW = 0x0006;
const WAVE_FORMAT_MULAW = 0x0007;
/** The fmt chunk names the real format code in the first two bytes of its sub-format GUID. */
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

const ACCEPTED = '(prompts must be 8000 Hz mono WAV in μ-law, A-law or 16-bit PCM)';

const ascii = (bytes: Uint8Array, at: number): string => String.fromCharCode(...bytes.subarray(at, at + 4));

/**
 * A WAV file's bytes to 16-bit linear samples, when it is 8000 Hz mono μ-law,
 * A-law or 16-bit PCM; otherwise what is wrong with it, in a few words that
 * read well after the file's name and a colon. Never throws.
 * Chunks other than fmt and data are skipped; chunk bodies of odd size are
 * followed by a pad byte (RIFF: every chunk starts on an even offset).
 */
export function parseWav(bytes: Uint8Array, rate: number | 'any' = PROMPT_SAMPLE_RATE): ParsedWav {
  const fail = (problem: string): ParsedWav => ({ ok: false, problem });
  if (bytes.length < 12 || ascii(bytes, 0) !== 'RIFF' || ascii(bytes, 8) !== 'WAVE')
    return fail(`not a RIFF WAVE file ${ACCEPTED}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: { code: number; channels: number; rate: number; bits: number } | undefined;
  let data: Uint8Array | undefined;
  let offset = 12;
  while (offset < bytes.length && !(format && data)) {
    if (bytes.length - offset < 8) return fail(`truncated: a chunk header at byte ${offset} is cut off`);
    const id = ascii(bytes, offset);
    const size = view.getUint32(offset + 4, true);
    const start = offset + 8;
    if (size > bytes.length - start) {
      return fail(
        `truncated: the ${JSON.stringify(id)} chunk at byte ${offset} declares ${size} bytes but only ` +
          `${bytes.length - start} follow`,
      );
    }
    if (id === 'fmt ') {
      if (size < 16) return fail(`a fmt chunk of ${size} bytes, too short to describe the audio`);
      let code = view.getUint16(start, true);
      if (code === WAVE_FORMAT_EXTENSIBLE && size >= 40) code = view.getUint16(start + 24, true);
      format = {
        code,
        channels: view.getUint16(start + 2, true),
        rate: view.getUint32(start + 4, true),
        bits: view.getUint16(start + 14, true),
      };
    } else if (id === 'data') {
      data = bytes.subarray(start, start + size);
    }
    offset = start + size + (size & 1);
  }
  if (!format) return fail('no fmt chunk (the audio format is not stated)');
  if (!data) return fail('no data chunk (no audio)');
  if (format.channels !== 1) return fail(`${format.channels} channels ${ACCEPTED}`);
  if (rate !== 'any' && format.rate !== rate) return fail(`sampled at ${format.rate} Hz ${ACCEPTED}`);
  if (data.length === 0) return fail('an empty data chunk (no audio)');
  switch (format.code) {
    case WAVE_FORMAT_MULAW:
    case WAVE_FORMAT_ALAW:
      if (format.bits !== 8) return fail(`${format.bits}-bit G.711 (G.711 has 8 bits a sample)`);
      return {
        ok: true,
        samples: decodeG711(data, format.code === WAVE_FORMAT_MULAW ? 'PCMU' : 'PCMA'),
        rate: format.rate,
      };
    case WAVE_FORMAT_PCM: {
      if (format.bits !== 16) return fail(`${format.bits}-bit PCM ${ACCEPTED}`);
      if (data.length % 2 !== 0)
        return fail(`truncated: ${data.length} bytes of 16-bit PCM is not a whole number of samples`);
      const samples = new Int16Array(data.length / 2);
      const dataView = new DataView(data.buffer, data.byteOffset, data.byteLength);
      for (let i = 0; i < samples.length; i++) samples[i] = dataView.getInt16(i * 2, true);
      return { ok: true, samples, rate: format.rate };
    }
    default:
      return fail(`WAV format code 0x${format.code.toString(16).padStart(4, '0')} ${ACCEPTED}`);
  }
}

type ReadResult = { ok: true; samples: Int16Array } | { ok: false; missing: boolean; problem: string };

async function readPrompt(file: string): Promise<ReadResult> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, missing: true, problem: 'missing' };
    return { ok: false, missing: false, problem: `cannot be read (${code ?? String(error)})` };
  }
  const parsed = parseWav(bytes);
  return parsed.ok ? parsed : { ok: false, missing: false, problem: parsed.problem };
}

/** The language folders present in `dir`; an absent `dir` has none. */
async function languageFolders(dir: string): Promise<Set<Language>> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
    throw error;
  }
  const folders = new Set(entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name));
  return new Set(LANGUAGES.filter((language) => folders.has(language)));
}

/** `.wav` files in an override language folder that are no prompt of ours (a likely typo, worth a word in the log). */
async function unknownOverrideFiles(dir: string): Promise<string[]> {
  const known = new Set<string>(PROMPT_NAMES.map((name) => `${name}.wav`));
  const entries = await readdir(dir).catch(() => [] as string[]);
  return entries
    .filter((entry) => entry.toLowerCase().endsWith('.wav') && !known.has(entry))
    .map((entry) => join(dir, entry));
}

/**
 * Reads the whole library (the rules are in the file comment). Rejects with an
 * error naming every shipped prompt that is missing or unusable; a bad override
 * never stops the start.
 */
export async function loadPromptLibrary(options: PromptLibraryOptions = {}): Promise<PromptLibrary> {
  const log = options.log;
  const shippedDir = resolve(options.shippedDir ?? SHIPPED_PROMPTS);
  // With the default data directory, the override folder is the shipped folder itself.
  const overrideDir =
    options.overrideDir !== undefined && resolve(options.overrideDir) !== shippedDir
      ? resolve(options.overrideDir)
      : undefined;

  const shippedLanguages = await languageFolders(shippedDir);
  shippedLanguages.add(FALLBACK_LANGUAGE);
  let overrideLanguages = new Set<Language>();
  if (overrideDir) {
    try {
      overrideLanguages = await languageFolders(overrideDir);
    } catch (error) {
      const problem = `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
      log?.warn({ dir: overrideDir, problem }, `prompt folder ${overrideDir}: ${problem}; using the shipped prompts`);
    }
  }

  const library = new Map<string, Int16Array>();
  const key = (language: Language, name: PromptName): string => `${language}/${name}`;
  const problems: string[] = [];
  let overridden = 0;

  /** A shipped prompt must be there and usable, even when an override hides it. */
  async function loadShipped(language: Language, name: PromptName, use: boolean): Promise<void> {
    const file = join(shippedDir, language, `${name}.wav`);
    const shipped = await readPrompt(file);
    if (!shipped.ok) problems.push(`${file}: ${shipped.problem}`);
    else if (use) library.set(key(language, name), shipped.samples);
  }

  /** An override wins when it reads well; a bad one is logged, a missing one is normal. */
  async function loadOverride(dir: string, language: Language, name: PromptName): Promise<boolean> {
    const file = join(dir, language, `${name}.wav`);
    const own = await readPrompt(file);
    if (own.ok) {
      library.set(key(language, name), own.samples);
      overridden++;
      return true;
    }
    if (!own.missing)
      log?.warn({ file, problem: own.problem }, `prompt ${file}: ${own.problem}; using the shipped one instead`);
    return false;
  }

  await Promise.all(
    LANGUAGES.flatMap((language) =>
      PROMPT_NAMES.map(async (name) => {
        const own =
          overrideDir !== undefined &&
          overrideLanguages.has(language) &&
          (await loadOverride(overrideDir, language, name));
        if (shippedLanguages.has(language)) await loadShipped(language, name, !own);
      }),
    ),
  );
  if (problems.length > 0)
    throw new Error(`shipped prompts are unusable (is the installation complete?): ${problems.sort().join('; ')}`);

  if (overrideDir) {
    const unknown = await Promise.all(
      [...overrideLanguages].map((language) => unknownOverrideFiles(join(overrideDir, language))),
    );
    for (const file of unknown.flat().sort())
      log?.warn({ file }, `prompt ${file}: not a prompt name hotdeskd knows; never played`);
    if (overridden > 0)
      log?.info(
        { dir: overrideDir, files: overridden },
        `${overridden} recorded prompt(s) from ${overrideDir} replace shipped ones`,
      );
  }

  const audioOf = (language: Language, name: PromptName): Int16Array => {
    const samples = library.get(key(language, name)) ?? library.get(key(FALLBACK_LANGUAGE, name));
    // Unreachable: loading fails unless every English prompt is there.
    if (!samples) throw new Error(`no audio for prompt ${name}`);
    return samples;
  };

  return {
    // A copy, so that a caller can never change what the next call plays.
    audio: (language, name) => audioOf(language, name).slice(),
    sequence(language, names) {
      const parts = names.map((name) => (typeof name === 'string' ? audioOf(language, name) : name));
      const out = new Int16Array(parts.reduce((total, part) => total + part.length, 0));
      let at = 0;
      for (const part of parts) {
        out.set(part, at);
        at += part.length;
      }
      return out;
    },
  };
}

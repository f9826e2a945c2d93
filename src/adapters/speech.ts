/**
 * Words that no recording holds (a user's name in the emergency notification)
 * spoken with espeak-ng, the same synthesiser the shipped prompts were made
 * with (scripts/make-prompts.sh), when it is installed. The text goes in on
 * standard input, never on a command line; the audio comes back as 16-bit PCM
 * at 8 kHz, levelled like the prompts. Without espeak-ng, or when it fails or
 * takes too long, `speak` resolves `undefined` and the caller says less.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Language } from '../core/model.js';
import { levelled, resample } from '../media/resample.js';
import { parseWav, PROMPT_SAMPLE_RATE } from './prompt-files.js';
import type { Logger } from './log.js';

export interface SpeechOptions {
  /** Default: `espeak-ng` on PATH. */
  command?: string;
  /** Default 3000 ms. */
  timeoutMs?: number;
  log?: Logger;
}

export interface Speech {
  speak(text: string, language: Language): Promise<Int16Array | undefined>;
}

/** Words a minute: as the shipped prompts (scripts/make-prompts.sh). */
const RATE = 150;
/** Longer text is cut: a name, not a speech. */
const MAX_TEXT = 80;
/** Names spoken lately, by language and text. */
const CACHE_SIZE = 32;

export function createSpeech(options: SpeechOptions = {}): Speech {
  const command = options.command ?? 'espeak-ng';
  const timeout = options.timeoutMs ?? 3000;
  const cache = new Map<string, Int16Array>();
  let missingSaid = false;

  const run = async (text: string, language: Language): Promise<Int16Array | undefined> => {
    const dir = await mkdtemp(join(tmpdir(), 'hotdesk-speech-'));
    const file = join(dir, 'spoken.wav');
    try {
      await new Promise<void>((resolve, reject) => {
        const child = execFile(
          command,
          ['-v', language, '-s', String(RATE), '--stdin', '-w', file],
          { timeout },
          (error) => (error ? reject(error) : resolve()),
        );
        child.stdin?.on('error', () => undefined);
        child.stdin?.end(`${text}\n`);
      });
      const wav = parseWav(await readFile(file), 'any');
      if (!wav.ok) throw new Error(`${command} wrote audio hotdeskd cannot read: ${wav.problem}`);
      return levelled(resample(wav.samples, wav.rate, PROMPT_SAMPLE_RATE));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        if (!missingSaid)
          options.log?.info({ command }, `${command} is not installed: names are shown and logged, not spoken`);
        missingSaid = true;
      } else {
        options.log?.warn({ err: error as Error, command }, 'speech synthesis failed; the text is not spoken');
      }
      return undefined;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  return {
    async speak(text, language) {
      // One line of printable text: nothing the synthesiser could read as a command.
      const clean = text
        .replace(/[\s\u0000-\u001f\u007f]+/g, ' ')
        .trim()
        .slice(0, MAX_TEXT);
      if (clean === '') return undefined;
      const key = `${language}\u0000${clean}`;
      const known = cache.get(key);
      if (known) return known.slice();
      const spoken = await run(clean, language);
      if (spoken) {
        cache.set(key, spoken);
        if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      return spoken?.slice();
    },
  };
}

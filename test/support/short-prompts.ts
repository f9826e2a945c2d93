/**
 * Every prompt as a 40 ms WAV (a 400 Hz tone, 16-bit PCM at 8 kHz) in an
 * override folder, so voice-menu calls in tests play out in milliseconds
 * while the daemon still paces real 20 ms packets.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROMPT_NAMES } from '../../src/media/prompt-names.js';

export function shortWav(ms = 40): Buffer {
  const samples = (8000 * ms) / 1000;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0, 'latin1');
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8, 'latin1');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(8000, 24);
  wav.writeUInt32LE(16000, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'latin1');
  wav.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++)
    wav.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 400 * i) / 8000)), 44 + i * 2);
  return wav;
}

/** Writes `<dir>/en/<name>.wav` for every prompt. */
export async function writeShortPrompts(dir: string, ms = 40): Promise<void> {
  await mkdir(join(dir, 'en'), { recursive: true });
  const wav = shortWav(ms);
  await Promise.all(PROMPT_NAMES.map((name) => writeFile(join(dir, 'en', `${name}.wav`), wav)));
}

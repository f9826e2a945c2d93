/**
 * Speech for words no recording holds, through a stand-in for espeak-ng (a real
 * process with espeak-ng's arguments: it writes a 22050 Hz WAV to the -w file
 * and records what it was given), so the test runs where espeak-ng is not installed.
 */
import t from 'tap';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSpeech } from '../../src/adapters/speech.js';
import type { Logger } from '../../src/adapters/log.js';
import { tempDir } from '../support/temp-data.js';

/** A fake espeak-ng: `behaviour` is `speak`, `fail` (exit 1), `hang` or `garbage` (not a WAV). */
async function fakeEspeak(
  dir: string,
  behaviour: 'speak' | 'fail' | 'hang' | 'garbage',
): Promise<{ command: string; calls: () => Promise<string[]> }> {
  const log = join(dir, `calls-${behaviour}.log`);
  const command = join(dir, `espeak-${behaviour}`);
  await writeFile(
    command,
    `#!/usr/bin/env node
const fs = require('node:fs');
const args = process.argv.slice(2);
let text = '';
process.stdin.on('data', (chunk) => (text += chunk));
process.stdin.on('end', () => {
  fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ args, text }) + '\\n');
  const behaviour = ${JSON.stringify(behaviour)};
  if (behaviour === 'fail') process.exit(1);
  if (behaviour === 'hang') return setTimeout(() => {}, 60000);
  const file = args[args.indexOf('-w') + 1];
  if (behaviour === 'garbage') return fs.writeFileSync(file, 'not audio');
  const rate = 22050, n = rate / 2;
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) data.writeInt16LE(Math.round(8000 * Math.sin(2 * Math.PI * 300 * i / rate)), i * 2);
  const head = Buffer.alloc(44);
  head.write('RIFF', 0); head.writeUInt32LE(36 + data.length, 4); head.write('WAVE', 8);
  head.write('fmt ', 12); head.writeUInt32LE(16, 16); head.writeUInt16LE(1, 20); head.writeUInt16LE(1, 22);
  head.writeUInt32LE(rate, 24); head.writeUInt32LE(rate * 2, 28); head.writeUInt16LE(2, 32); head.writeUInt16LE(16, 34);
  head.write('data', 36); head.writeUInt32LE(data.length, 40);
  fs.writeFileSync(file, Buffer.concat([head, data]));
});
`,
  );
  await chmod(command, 0o755);
  return { command, calls: async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean) };
}

t.test(
  'a name is synthesised in the language asked, from standard input, at 8 kHz, levelled, and remembered',
  async (t) => {
    const dir = await tempDir(t);
    const fake = await fakeEspeak(dir, 'speak');
    const speech = createSpeech({ command: fake.command });
    const voice = await speech.speak('Ada\u0007 Lovelace', 'de');
    t.ok(voice instanceof Int16Array, 'audio comes back');
    t.equal(voice!.length, 4000, 'half a second at 8000 samples a second');
    t.equal(Math.max(...voice!.map(Math.abs)), 23_197, 'the loudest sample at -3 dBFS, like the shipped prompts');
    const calls = (await fake.calls()).map((line) => JSON.parse(line) as { args: string[]; text: string });
    t.equal(calls.length, 1);
    t.same(
      calls[0]!.args.slice(0, 4),
      ['-v', 'de', '-s', '150'],
      "the voice of the office language, at the prompts' rate",
    );
    t.notOk(
      calls[0]!.args.some((arg) => arg.includes('Ada')),
      'the text is not on the command line',
    );
    t.equal(calls[0]!.text, 'Ada Lovelace\n', 'control characters become spaces');
    const again = await speech.speak('Ada Lovelace', 'de');
    t.same([...again!], [...voice!], 'the same words again');
    t.equal((await fake.calls()).length, 1, 'come from memory');
    again![0] = 1;
    t.not((await speech.speak('Ada Lovelace', 'de'))![0], 1, 'a copy each time');
    t.equal(await speech.speak('  \u0001 ', 'en'), undefined, 'nothing to say: nothing is run');
    t.equal((await fake.calls()).length, 1);
  },
);

t.test('no espeak-ng, a failure, a hang or audio it cannot read: undefined, logged, never thrown', async (t) => {
  const dir = await tempDir(t);
  const logged: { level: string; msg: string }[] = [];
  const log = {
    info: (_: unknown, msg: string) => logged.push({ level: 'info', msg }),
    warn: (_: unknown, msg: string) => logged.push({ level: 'warn', msg }),
  } as unknown as Logger;
  const missing = createSpeech({ command: join(dir, 'no-such-espeak'), log });
  t.equal(await missing.speak('Ada', 'en'), undefined);
  t.equal(await missing.speak('Bob', 'en'), undefined);
  t.same(logged.filter((line) => line.level === 'info').length, 1, 'not installed is said once');
  t.match(logged[0]!.msg, /is not installed: names are shown and logged, not spoken/);
  for (const behaviour of ['fail', 'garbage', 'hang'] as const) {
    const fake = await fakeEspeak(dir, behaviour);
    const started = Date.now();
    t.equal(
      await createSpeech({ command: fake.command, timeoutMs: 1500, log }).speak('Ada', 'en'),
      undefined,
      behaviour,
    );
    t.ok(Date.now() - started < 5000, `${behaviour}: given up in time`);
  }
  t.equal(
    logged.filter((line) => line.level === 'warn' && line.msg === 'speech synthesis failed; the text is not spoken')
      .length,
    3,
  );
});

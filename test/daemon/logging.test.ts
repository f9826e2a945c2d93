/**
 * hotdeskd's log: JSON lines on stderr when it is not a terminal (journald),
 * the human format on a terminal (a pty from script(1)), and --log-level
 * leaves out what is below it.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { createLogger } from '../../src/adapters/log.js';
import { childEnv, DAEMON_BIN, ROOT } from '../support/run-cli.js';
import { startDaemon, waitFor } from '../support/start-daemon.js';
import { tempData } from '../support/temp-data.js';

t.test('not on a terminal: one JSON object a line, named hotdeskd; --log-level warn drops info', async (t) => {
  const paths = await tempData(t);
  const daemon = await startDaemon(t, paths.dir, ['--log-level', 'warn']);
  // A reload of a broken store file logs an error (kept) and its summary as info (dropped).
  await writeFile(paths.store, '{ broken');
  daemon.child.kill('SIGHUP');
  await waitFor(() => daemon.stderr().includes('not valid JSON'), 'the reload error');
  const stopped = await daemon.stop();
  t.equal(stopped.code, 0);
  const lines = stopped.stderr.split('\n').filter((line) => line !== '');
  t.ok(lines.length >= 1);
  for (const line of lines) {
    const entry = JSON.parse(line) as { level: number; name: string; time: number; msg: string };
    t.equal(entry.name, 'hotdeskd');
    t.ok(entry.level >= 40, `only warnings and worse: ${entry.msg}`);
    t.type(entry.time, 'number');
  }
  t.notOk(stopped.stderr.includes('reloaded on SIGHUP'), 'the info line is left out');
});

t.test('the logger picks the human format for a terminal, JSON otherwise', async (t) => {
  const capture = (isTTY: boolean): string => {
    const destination = Object.assign(new PassThrough(), { isTTY });
    let text = '';
    destination.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    createLogger({ destination }).info({ phone: 'HD0001' }, 'plug-and-play: provisioning URL sent');
    return text;
  };
  const json = capture(false);
  t.match(JSON.parse(json), {
    level: 30,
    name: 'hotdeskd',
    phone: 'HD0001',
    msg: 'plug-and-play: provisioning URL sent',
  });
  const human = capture(true);
  t.match(human, /^\[\d\d:\d\d:\d\d\] INFO: plug-and-play: provisioning URL sent\n/);
  t.match(human, /phone: "HD0001"/);
  t.notMatch(human, /"level"/);
});

t.test('hotdeskd on a terminal logs in the human format', async (t) => {
  const paths = await tempData(t);
  // script(1) gives the daemon a pty as stdout and stderr; timeout(1) stops it with SIGTERM after 3 s.
  const command = [
    'env',
    '-u',
    'NODE_OPTIONS',
    'timeout',
    '--preserve-status',
    '3',
    process.execPath,
    DAEMON_BIN,
    '--data',
    paths.dir,
    '--sip-port',
    '0',
    '--http-port',
    '0',
    '--bind',
    '127.0.0.1',
  ];
  const quoted = command.map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qec', quoted, '/dev/null'], {
    cwd: ROOT,
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  t.teardown(() => void child.kill('SIGKILL'));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  t.equal(code, 0, `stopped cleanly: ${output}`);
  t.match(output, /hotdeskd running \(pid \d+\)/, 'the banner');
  t.match(output, /\[\d\d:\d\d:\d\d\] INFO: started/, 'human log lines');
  t.match(output, /\[\d\d:\d\d:\d\d\] INFO: stopping/);
  t.notMatch(output, /\{"level":/, 'no JSON on a terminal');
});

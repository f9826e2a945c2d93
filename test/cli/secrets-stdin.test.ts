/**
 * `--password -` and `--pin -`: secrets from standard input (a line each) or a no-echo
 * prompt on a terminal, so they never stand on a command line (readable by every local
 * user in /proc/PID/cmdline). Real processes; the secrets never show in argv, output,
 * errors or the daemon's log.
 */
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { CLI_BIN, ROOT, childEnv, runCli } from '../support/run-cli.js';
import { startDaemon } from '../support/start-daemon.js';
import { exists, loadStoreFile, tempData } from '../support/temp-data.js';
import { verifyPin } from '../../src/adapters/pin-hash.js';

const PASSWORD = 'Zq7-lantern-Secret';
const PIN = '739164';
const NEW_PASSWORD = 'Wt3+difference-Engine';
const TRUNK_PASSWORD = 'Tr9-carrier-Secret';
const PROVISIONING_PASSWORD = 'Pv5-phones-Secret';
const SECRETS = [PASSWORD, PIN, NEW_PASSWORD, TRUNK_PASSWORD, PROVISIONING_PASSWORD];

function assertNoSecrets(t: Test, text: string, where: string): void {
  for (const secret of SECRETS) t.notOk(text.includes(secret), `${where} does not contain ${secret.slice(0, 2)}…`);
}

t.test('every secret option takes - and reads stdin; nothing shows in argv, output or the log', async (t) => {
  const paths = await tempData(t);
  const daemon = await startDaemon(t, paths.dir, ['--rtp-ports', '20300-20399', '--log-level', 'debug']);
  const runs = [
    ['extension', 'add', '100', '--name', 'Ada', '--password', '-', '--pin', '-', '--hotdesk'],
    ['extension', 'set', '100', '--password', '-'],
    ['trunk', 'set', 'sip:trunk.example.net', '--username', 'office', '--password', '-'],
    ['provisioning', 'auth', 'set', '--username', 'phones', '--password', '-'],
  ];
  const inputs = [`${PASSWORD}\n${PIN}\n`, `${NEW_PASSWORD}\r\n`, TRUNK_PASSWORD, `${PROVISIONING_PASSWORD}\n`];
  for (const [i, args] of runs.entries()) {
    assertNoSecrets(t, args.join(' '), `argv of hotdesk ${args.slice(0, 2).join(' ')}`);
    const result = await runCli(paths.dir, args, { input: inputs[i]! });
    t.equal(result.code, 0, `hotdesk ${args.slice(0, 3).join(' ')} … exits 0 (${result.stderr})`);
    assertNoSecrets(t, result.stdout + result.stderr, `output of hotdesk ${args.slice(0, 2).join(' ')}`);
  }
  const data = await loadStoreFile(paths.store);
  const ada = data.extensions.find((extension) => extension.number === '100')!;
  t.equal(ada.sipPassword, NEW_PASSWORD, 'the password set from stdin (trailing CR LF stripped)');
  t.ok(await verifyPin(PIN, ada.pinHash), 'the PIN from the second line of stdin');
  t.equal(data.settings.trunk?.password, TRUNK_PASSWORD, 'a last line without a newline is read too');
  t.ok(data.settings.provisioningAuth, 'provisioning credentials set');
  const stopped = await daemon.stop();
  assertNoSecrets(t, stopped.stdout + stopped.stderr, 'the daemon log at debug level');
});

t.test('no secret on stdin, or a refused one: exit 2 or 1, and the message never holds it', async (t) => {
  const paths = await tempData(t);
  const none = await runCli(
    paths.dir,
    ['extension', 'add', '100', '--name', 'Ada', '--password', '-', '--pin', '1234'],
    { input: '' },
  );
  t.equal(none.code, 2);
  t.match(none.stderr, /no SIP password on standard input/);
  const onlyOne = await runCli(
    paths.dir,
    ['extension', 'add', '100', '--name', 'Ada', '--password', '-', '--pin', '-'],
    { input: `${PASSWORD}\n` },
  );
  t.equal(onlyOne.code, 2, 'the PIN line is missing');
  t.match(onlyOne.stderr, /no PIN on standard input/);
  assertNoSecrets(t, onlyOne.stdout + onlyOne.stderr, 'its output');
  const short = await runCli(paths.dir, ['provisioning', 'auth', 'set', '--username', 'phones', '--password', '-'], {
    input: 'Pv5-x\n',
  });
  t.equal(short.code, 1, 'a refused password');
  t.notOk(short.stderr.includes('Pv5-x'), 'is not printed back');
  const shortPin = await runCli(
    paths.dir,
    ['extension', 'add', '100', '--name', 'Ada', '--password', '-', '--pin', '-'],
    { input: `${PASSWORD}\n12\n` },
  );
  t.not(shortPin.code, 0, 'a refused PIN');
  assertNoSecrets(t, shortPin.stdout + shortPin.stderr, 'its output');
  const stored = (await exists(paths.store)) ? (await loadStoreFile(paths.store)).extensions.length : 0;
  t.equal(stored, 0, 'nothing was added');
});

t.test('on a terminal, - prompts on stderr and does not echo what is typed', async (t) => {
  const paths = await tempData(t);
  // script(1) runs the CLI on a pseudo-terminal; what the terminal echoes comes back on its stdout.
  const command = [
    'env',
    '-u',
    'NODE_OPTIONS',
    process.execPath,
    CLI_BIN,
    '--data',
    paths.dir,
    'trunk',
    'set',
    'sip:trunk.example.net',
    '--username',
    'office',
    '--password',
    '-',
  ].join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    cwd: ROOT,
    env: childEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let seen = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (seen += chunk));
  const deadline = Date.now() + 15_000;
  while (!seen.includes('trunk password: ') && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  t.match(seen, /trunk password: /, 'the prompt names the secret');
  // Typed with a slip corrected by backspace.
  child.stdin.write(`${TRUNK_PASSWORD}x\u007f\r`);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  child.stdin.destroy();
  t.equal(code, 0);
  t.notOk(seen.includes(TRUNK_PASSWORD), 'what was typed was not echoed');
  t.equal((await loadStoreFile(paths.store)).settings.trunk?.password, TRUNK_PASSWORD, 'and was read');
});

/**
 * One writer, with real processes: while hotdeskd runs, every change goes
 * through its control socket; a second daemon refuses; signals stop it
 * cleanly; stale locks are taken over by the daemon and by the CLI.
 */
import t, { type Test } from 'tap';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { runCli, runCliProcess, spawnNode, DAEMON_BIN } from '../support/run-cli.js';
import { startDaemon, waitFor, type RunningDaemon } from '../support/start-daemon.js';
import { deadPid, exists, loadStoreFile, modeOf, tempData } from '../support/temp-data.js';

interface LogLine {
  level: number;
  msg: string;
  change?: string;
  signal?: string;
}

function logLines(daemon: RunningDaemon): LogLine[] {
  return daemon
    .stderr()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

const changesLogged = (daemon: RunningDaemon): string[] =>
  logLines(daemon)
    .filter((line) => line.msg === 'store changed')
    .map((line) => line.change ?? '?');

async function lockPid(file: string): Promise<number> {
  return Number.parseInt(await readFile(file, 'utf8'), 10);
}

t.test('with hotdeskd running, changes go through its control socket', async (t) => {
  const paths = await tempData(t);
  const daemon = await startDaemon(t, paths.dir);
  t.match(daemon.stdout(), new RegExp(`^hotdeskd running \\(pid ${daemon.pid}\\)$`, 'm'));
  t.ok(daemon.stdout().includes(`data:     ${paths.store}`), 'the banner names the store');
  t.ok(daemon.stdout().includes(`control:  ${paths.socket}`), 'the banner names the socket');
  t.match(
    daemon.stdout(),
    /provisioning URL http:\/\/\S+\/provisioning\/…\/ /,
    'the banner shows the provisioning URL with its token left out',
  );
  const whole = (
    JSON.parse((await runCli(paths.dir, ['provisioning', '--json'])).stdout) as { provisioningUrl: string }
  ).provisioningUrl;
  const token = /\/provisioning\/([\w-]+)\/$/.exec(whole)?.[1] ?? '';
  t.ok(token.length >= 16, 'hotdesk provisioning shows it whole');
  t.notOk(daemon.stdout().includes(token), 'and the banner never shows the token');

  t.ok((await stat(paths.socket)).isSocket(), 'the control socket exists');
  t.equal(await modeOf(paths.socket), 0o600, 'the control socket is mode 0600');
  t.equal(await modeOf(paths.store), 0o600, 'the store file is mode 0600');
  t.equal(await lockPid(paths.lock), daemon.pid, 'the daemon holds the writer lock');

  const steps: [string[], string][] = [
    [['add-phone', '--model', 'yealink-t54w', '--mac', '001565aabbcc'], 'add-phone'],
    [
      [
        'extension',
        'add',
        '100',
        '--name',
        'Ada Lovelace',
        '--password',
        'Zq7-lantern-Secret',
        '--pin',
        '739164',
        '--hotdesk',
      ],
      'add-extension',
    ],
    [['login', '100', '--phone', 'HD0001'], 'login'],
    [['blf', 'set', '100', '101'], 'set-blf'],
    [['dial-codes', 'set', 'pickup', '*8'], 'set-dial-code'],
    [['emergency', 'add', '999'], 'add-emergency'],
    [['settings', 'set', 'address', '10.0.0.5'], 'set-settings'],
    [['logout', '--all'], 'logout'],
    [['extension', 'set', '100', '--pin', '640815'], 'set-extension'],
  ];
  for (const [args] of steps) {
    const result = await runCli(paths.dir, args);
    t.equal(result.code, 0, `hotdesk ${args.join(' ')}: ${result.stderr}`);
    t.equal(await lockPid(paths.lock), daemon.pid, 'the CLI did not take the lock');
  }
  // The log line is written before the answer goes out; the pipe may still be on its way.
  await waitFor(() => changesLogged(daemon).length >= steps.length, 'the daemon to log every change');
  t.same(
    changesLogged(daemon),
    steps.map(([, kind]) => kind),
    'the daemon logged "store changed" for each change, in order',
  );

  const refused = await runCli(paths.dir, ['add-phone', '--model', 'snom-d785', '--mac', '00-15-65-AA-BB-CC']);
  t.same(
    [refused.code, refused.stdout, refused.stderr],
    [1, '', 'hotdesk: a phone with MAC 00:15:65:aa:bb:cc is already in the pool as HD0001\n'],
    'the daemon refuses with the same reason',
  );
  const [phones, status] = await Promise.all([
    runCli(paths.dir, ['phones', '--json']),
    runCli(paths.dir, ['status', '--json']),
  ]);
  t.match(
    JSON.parse(phones.stdout),
    [{ name: 'HD0001', mac: '00:15:65:aa:bb:cc' }],
    'readers see what the daemon wrote',
  );
  t.equal((JSON.parse(status.stdout) as unknown[]).length, 1);
  t.equal(changesLogged(daemon).length, steps.length, 'a refused change is not logged as a change');
  for (const secret of ['Zq7-lantern-Secret', '739164', '640815']) {
    t.notOk(
      daemon.stderr().includes(secret) || daemon.stdout().includes(secret),
      'the daemon never logs a password or PIN',
    );
  }

  const stopped = await daemon.stop('SIGTERM');
  t.same([stopped.code, stopped.signal], [0, null], 'SIGTERM: exit 0');
  const store = await loadStoreFile(paths.store);
  t.match(store, {
    settings: { address: '10.0.0.5', emergencyNumbers: ['112', '911', '999'], dialCodes: { pickup: '*8' } },
  });
  t.same(
    store.audit.map((entry) => entry.kind),
    [
      'phone-added',
      'extension-added',
      'login',
      'blf-changed',
      'dial-code-set',
      'emergency-added',
      'settings-changed',
      'logout',
      'extension-changed',
    ],
  );
});

t.test('a second hotdeskd on the same data directory refuses, naming the pid', async (t) => {
  const paths = await tempData(t);
  const first = await startDaemon(t, paths.dir);
  const second = await spawnNode(DAEMON_BIN, ['--data', paths.dir]).finished;
  t.same(
    [second.code, second.stdout, second.stderr],
    [1, '', `hotdeskd: hotdeskd is already running (pid ${first.pid})\n`],
  );
  const viaEnv = await spawnNode(DAEMON_BIN, [], { env: { HOTDESK_DATA: paths.dir } }).finished;
  t.same(
    [viaEnv.code, viaEnv.stderr],
    [1, `hotdeskd: hotdeskd is already running (pid ${first.pid})\n`],
    'HOTDESK_DATA names the same directory',
  );

  t.equal(await lockPid(paths.lock), first.pid, 'the first daemon still holds the lock');
  t.ok(await exists(paths.socket), 'and still has its socket');
  const added = await runCli(paths.dir, ['add-phone', '--model', 'yealink-t54w', '--mac', '001565aabbcc']);
  t.equal(added.code, 0, 'and still answers');
  t.equal((await first.stop()).code, 0);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  t.test(`${signal} stops hotdeskd cleanly`, async (t) => {
    const paths = await tempData(t);
    const daemon = await startDaemon(t, paths.dir);
    t.ok(await exists(paths.lock));
    t.ok(await exists(paths.socket));
    const stopped = await daemon.stop(signal);
    t.same([stopped.code, stopped.signal], [0, null], 'exit 0');
    t.notOk(await exists(paths.lock), 'the lock is removed');
    t.notOk(await exists(paths.socket), 'the socket is removed');
    t.match(logLines(daemon), [{ msg: 'started' }, { msg: 'stopping', signal }]);
    t.notMatch(stopped.stderr, /Error|\n\s+at /, 'no error on the way out');
    t.ok(await loadStoreFile(paths.store), 'the store it created loads');
    // The directory is free again: the CLI writes by itself, a new daemon starts.
    t.equal((await runCli(paths.dir, ['add-phone', '--model', 'yealink-t54w', '--mac', '001565aabbcc'])).code, 0);
    const again = await startDaemon(t, paths.dir);
    const againStopped = await again.stop(signal);
    t.same(
      [againStopped.code, againStopped.signal],
      [0, null],
      `a daemon signalled right after its banner also stops cleanly`,
    );
  });
}

t.test('a stale lock is taken over by hotdeskd', async (t) => {
  const paths = await tempData(t);
  await mkdir(paths.dir, { recursive: true });
  const dead = await deadPid();
  await writeFile(paths.lock, `${dead}\n`);
  const daemon = await startDaemon(t, paths.dir);
  t.equal(await lockPid(paths.lock), daemon.pid, 'the lock now holds the daemon pid');
  t.equal((await runCli(paths.dir, ['add-phone', '--model', 'yealink-t54w', '--mac', '001565aabbcc'])).code, 0);
  t.equal((await daemon.stop()).code, 0);
  t.notOk(await exists(paths.lock));
});

t.test('a stale lock is taken over by the CLI', async (t) => {
  const paths = await tempData(t);
  await mkdir(paths.dir, { recursive: true });
  const stale: [string, string, string][] = [
    ['a dead pid', `${await deadPid()}\n`, '999'],
    ['garbage', 'not a pid at all', '998'],
    ['nothing', '', '997'],
  ];
  for (const [what, content, number] of stale) {
    await writeFile(paths.lock, content);
    const result = await runCliProcess(paths.dir, ['emergency', 'add', number]);
    t.same([result.code, result.stderr], [0, ''], `a lock holding ${what} is taken over`);
    t.notOk(await exists(paths.lock), 'and released afterwards');
  }
  t.equal((await loadStoreFile(paths.store)).audit.length, 3);
});

t.test('the CLI waits for a live lock holder to finish', async (t) => {
  const paths = await tempData(t);
  await mkdir(paths.dir, { recursive: true });
  // A live process "holds" the lock for a moment and then dies without releasing it.
  const holder = spawnNode('-e', ['setTimeout(() => {}, 1500)']);
  await writeFile(paths.lock, `${holder.pid}\n`);
  const writer = runCliProcess(paths.dir, ['add-phone', '--model', 'yealink-t54w', '--mac', '001565aabbcc']);
  let holderDone = false;
  void holder.finished.then(() => (holderDone = true));
  const result = await writer;
  t.ok(holderDone, 'the change waited until the holder was gone');
  t.same([result.code, result.stderr], [0, '']);
  t.equal((await loadStoreFile(paths.store)).phones.length, 1);
  t.notOk(await exists(paths.lock));
});

t.test('hotdeskd flags and settings', async (t: Test) => {
  const paths = await tempData(t);
  const [help, version, badLevel, envLevel, unknown] = await Promise.all([
    spawnNode(DAEMON_BIN, ['--help']).finished,
    spawnNode(DAEMON_BIN, ['--version']).finished,
    spawnNode(DAEMON_BIN, ['--data', paths.dir, '--log-level', 'loud']).finished,
    spawnNode(DAEMON_BIN, ['--data', paths.dir], { env: { HOTDESK_LOG_LEVEL: 'chatty' } }).finished,
    spawnNode(DAEMON_BIN, ['--data', paths.dir, '--port', '5060']).finished,
  ]);
  t.equal(help.code, 0);
  t.match(help.stdout, /^Usage: hotdeskd \[options\]/);
  t.match(help.stdout, /--data <dir>/);
  t.equal(version.code, 0);
  t.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  t.same([badLevel.code, badLevel.stdout], [1, '']);
  t.equal(
    badLevel.stderr,
    'hotdeskd: --log-level: "loud" is not valid (expected fatal, error, warn, info, debug, trace, silent)\n',
  );
  t.same([envLevel.code, envLevel.stdout], [1, '']);
  t.match(
    envLevel.stderr,
    /^hotdeskd: HOTDESK_LOG_LEVEL: "chatty" is not valid \(expected [^\n]*\)\n$/,
    'the message names the variable',
  );
  t.same([unknown.code, unknown.stdout], [2, '']);
  t.match(unknown.stderr, /unknown option '--port'/);
  t.notOk(await exists(paths.dir), 'refusing to start writes nothing');

  const quiet = await startDaemon(t, paths.dir, ['--log-level', 'silent']);
  t.equal((await runCli(paths.dir, ['add-phone', '--model', 'yealink-t54w', '--mac', '001565aabbcc'])).code, 0);
  const stopped = await quiet.stop();
  t.same([stopped.code, stopped.stderr], [0, ''], '--log-level silent logs nothing');
});

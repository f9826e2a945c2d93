/**
 * A store file hotdesk cannot use — garbage, empty, a newer version, the
 * wrong shape, a directory, unreadable — is refused by every command and by
 * the daemon with one line naming the file and the problem (exit 1), and is
 * left byte for byte as it was.
 */
import t, { type Test } from 'tap';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CLI_BIN, DAEMON_BIN, runCli, spawnNode, type Finished, type SpawnOptions } from '../support/run-cli.js';
import { exists, tempData } from '../support/temp-data.js';
import { createStore, STORE_VERSION } from '../../src/store/schema.js';
import { serializeStore } from '../../src/store/migrate.js';

const valid = createStore({ address: '192.0.2.10', provisioningToken: 'test-token-0123456789' });

const VARIANTS: { name: string; content: string; problem: RegExp }[] = [
  { name: 'garbage', content: 'this is not { json', problem: /not valid JSON/ },
  { name: 'truncated', content: serializeStore(valid).slice(0, 120), problem: /not valid JSON/ },
  { name: 'empty', content: '', problem: /not valid JSON/ },
  {
    name: 'a newer version',
    content: serializeStore({ ...valid, version: STORE_VERSION + 1 } as unknown as typeof valid),
    problem: new RegExp(
      `store version ${STORE_VERSION + 1} is newer than this hotdesk understands \\(${STORE_VERSION}\\); ` +
        `upgrade hotdesk`,
    ),
  },
  {
    name: 'a strange version',
    content: JSON.stringify({ ...valid, version: 'one' }),
    problem: /unknown store version "one"/,
  },
  { name: 'an array', content: '[1, 2, 3]\n', problem: /not a hotdesk store \(expected a JSON object\)/ },
  {
    name: 'the wrong shape',
    content: JSON.stringify({ ...valid, phones: 'lots' }),
    problem: /invalid store: phones: /,
  },
  {
    name: 'a bad phone',
    content: JSON.stringify({ ...valid, phones: [{ name: 'HD0001', model: 'yealink-t54w', mac: 'nope' }] }),
    problem: /invalid store: phones\.0\./,
  },
];

/** Runs hotdeskd and expects it to refuse (it must not start, so no teardown is needed beyond a safety kill). */
async function runDaemon(t: Test, dir: string, options: SpawnOptions = {}): Promise<Finished> {
  const running = spawnNode(DAEMON_BIN, ['--data', dir], options);
  const timer = setTimeout(() => running.child.kill('SIGKILL'), 20_000);
  const result = await running.finished;
  clearTimeout(timer);
  t.not(result.signal, 'SIGKILL', 'hotdeskd refused by itself');
  return result;
}

function oneLine(t: Test, result: Finished, what: string, prefix: string, mentions: string, problem: RegExp): void {
  t.equal(result.code, 1, `${what} exits 1`);
  t.equal(result.stdout, '', `${what} prints nothing on stdout`);
  t.match(result.stderr, /^[^\n]+\n$/, `${what} says it in one line`);
  t.ok(result.stderr.startsWith(prefix), `${what} starts with ${prefix}`);
  t.ok(result.stderr.includes(mentions), `${what} names ${mentions}`);
  t.match(result.stderr, problem, `${what} names the problem`);
}

for (const variant of VARIANTS) {
  t.test(`a store that is ${variant.name}`, async (t) => {
    const paths = await tempData(t);
    await mkdir(paths.dir, { recursive: true });
    await writeFile(paths.store, variant.content, { mode: 0o600 });
    const before = await readFile(paths.store);

    // A read and a write for every variant; the other commands share the same path, so once is enough.
    const commands: [string, string[]][] = [
      ['phones', ['phones']],
      ['add-phone', ['add-phone', '--model', 'yealink-t54w', '--mac', '001565aabbcc']],
    ];
    if (variant === VARIANTS[0]) {
      commands.push(
        ['status --json', ['status', '--json']],
        [
          'extension add',
          ['extension', 'add', '100', '--name', 'Ada', '--password', 'Sip-Password-123', '--pin', '739164'],
        ],
        ['login', ['login', '100', '--phone', 'HD0001']],
      );
    }
    const results = await Promise.all(commands.map(([, args]) => runCli(paths.dir, args)));
    commands.forEach(([what], i) => {
      oneLine(
        t,
        results[i]!,
        `hotdesk ${what}`,
        `hotdesk: cannot use the store ${paths.store}: `,
        paths.store,
        variant.problem,
      );
    });
    const daemon = await runDaemon(t, paths.dir);
    oneLine(t, daemon, 'hotdeskd', `hotdeskd: ${paths.store}: `, paths.store, variant.problem);

    t.same(await readFile(paths.store), before, 'the file is byte for byte as it was');
    t.notOk(await exists(paths.lock), 'no writer lock is left behind');
    t.notOk(await exists(paths.socket), 'no control socket is left behind');
  });
}

t.test('a store path that is a directory', async (t) => {
  const paths = await tempData(t);
  await mkdir(paths.store, { recursive: true });
  const [read, write] = await Promise.all([
    runCli(paths.dir, ['phones', '--json']),
    runCli(paths.dir, ['add-phone', '--model', 'yealink-t54w', '--mac', '001565aabbcc']),
  ]);
  oneLine(t, read, 'hotdesk phones', `hotdesk: cannot use the store ${paths.store}: `, paths.store, /EISDIR/);
  oneLine(t, write, 'hotdesk add-phone', `hotdesk: cannot use the store ${paths.store}: `, paths.store, /EISDIR/);
  const daemon = await runDaemon(t, paths.dir);
  oneLine(t, daemon, 'hotdeskd', `hotdeskd: ${paths.store}: `, paths.store, /EISDIR/);
  t.notOk(await exists(paths.lock), 'no writer lock is left behind');
});

// Root reads everything, so as root the unreadable directory is tried as the
// unprivileged user `nobody` (uid 65534); otherwise as ourselves.
t.test('a data directory without read permission', async (t) => {
  const paths = await tempData(t);
  await mkdir(paths.dir, { recursive: true });
  await writeFile(paths.store, serializeStore(valid), { mode: 0o600 });
  const before = await readFile(paths.store);
  const asRoot = process.getuid?.() === 0;
  const options: SpawnOptions = asRoot ? { uid: 65534, gid: 65534 } : {};
  if (asRoot) {
    const probe = await spawnNode(
      '-e',
      ['require("fs").accessSync(process.argv[1], require("fs").constants.R_OK)', CLI_BIN],
      options,
    ).finished;
    if (probe.code !== 0) {
      // The only variant the brief allows to leave out: root reads everything, and nobody cannot reach this checkout.
      t.comment(`not tried: running as root, and user nobody cannot read ${CLI_BIN}`);
      return;
    }
  }
  // The directory holding the data directory must be passable for that user.
  await chmod(dirname(paths.dir), 0o755);
  await chmod(paths.dir, 0o000);
  t.teardown(() => chmod(paths.dir, 0o700));

  const [read, json, write] = await Promise.all([
    runCli(paths.dir, ['phones'], options),
    runCli(paths.dir, ['status', '--json'], options),
    runCli(paths.dir, ['add-phone', '--model', 'yealink-t54w', '--mac', '001565aabbcc'], options),
  ]);
  oneLine(
    t,
    read,
    'hotdesk phones',
    `hotdesk: cannot use the store ${paths.store}: `,
    paths.store,
    /permission denied/,
  );
  oneLine(
    t,
    json,
    'hotdesk status --json',
    `hotdesk: cannot use the store ${paths.store}: `,
    paths.store,
    /permission denied/,
  );
  // A change first looks for the daemon's socket in the directory, and says that it may not.
  oneLine(t, write, 'hotdesk add-phone', 'hotdesk: ', paths.dir, /EACCES|permission denied/);
  const daemon = await runDaemon(t, paths.dir, options);
  oneLine(t, daemon, 'hotdeskd', 'hotdeskd: ', paths.dir, /EACCES|permission denied/);

  await chmod(paths.dir, 0o700);
  t.same(await readFile(paths.store), before, 'the file is byte for byte as it was');
  t.notOk(await exists(paths.lock), 'no writer lock is left behind');
});

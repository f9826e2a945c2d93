/**
 * SIGHUP reload. In process: which parts of the store changed, the reloader
 * on a real store file, and a prompt library that takes up a new recording.
 * With a real hotdeskd: a hand edit of the store file is adopted on SIGHUP
 * (and lost without it), a broken file is refused, recorded prompts are read
 * again, and the daemon keeps its pid, its lock and its sockets throughout.
 */
import t, { type Test } from 'tap';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/adapters/log.js';
import { openStoreWriter } from '../../src/adapters/json-store.js';
import { loadPromptLibrary } from '../../src/adapters/prompt-files.js';
import { probeSipOptions } from '../../src/adapters/sip-probe.js';
import { probeHttp } from '../../src/adapters/http-probe.js';
import { sendControl } from '../../src/adapters/control-socket.js';
import { createStoreService } from '../../src/daemon/store-service.js';
import { createWritePath } from '../../src/daemon/write-path.js';
import { createReloader, describeStoreChanges, loadReloadablePrompts } from '../../src/daemon/reload.js';
import { serializeStore } from '../../src/store/migrate.js';
import { createStore, type StoreData } from '../../src/store/schema.js';
import { runCli } from '../support/run-cli.js';
import { startDaemon, waitFor, type RunningDaemon } from '../support/start-daemon.js';
import { loadStoreFile, tempData, tempDir } from '../support/temp-data.js';

interface LogLine {
  level: number;
  msg: string;
  event?: string;
  reloaded?: string[];
  storeChanges?: string[];
}

const parseLines = (text: string): LogLine[] =>
  text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);

function collectingLogger(): { log: ReturnType<typeof createLogger>; lines(): LogLine[] } {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { log: createLogger({ destination, human: false }), lines: () => parseLines(text) };
}

const base = (): StoreData => createStore({ address: '192.0.2.10', provisioningToken: 'test-token-0123456789' });

/** 8000 Hz mono 16-bit PCM WAV of `samples`. */
function wav(samples: number[]): Buffer {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((sample, i) => data.writeInt16LE(sample, i * 2));
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

t.test('describeStoreChanges names the settings and the parts that differ', async (t) => {
  const before = base();
  const rows: [string, StoreData, string[]][] = [
    ['nothing', base(), []],
    ['one setting', { ...before, settings: { ...before.settings, timeZone: 'Europe/Berlin' } }, ['settings.timeZone']],
    [
      'two settings and the extensions',
      {
        ...before,
        settings: { ...before.settings, emergencyNumbers: ['112'], address: '192.0.2.11' },
        extensions: [
          { number: '101', name: 'Ada', sipPassword: 'x', pinHash: 'y', hotdesk: true, language: 'en', blf: [] },
        ],
      },
      ['extensions', 'settings.address', 'settings.emergencyNumbers'],
    ],
    [
      'a setting added',
      {
        ...before,
        settings: {
          ...before.settings,
          provisioningAuth: { username: 'u', realm: 'r', ha1: { md5: '0'.repeat(32), sha256: '0'.repeat(64) } },
        },
      },
      ['settings.provisioningAuth'],
    ],
  ];
  for (const [what, after, expected] of rows) t.same(describeStoreChanges(before, after), expected, what);
});

t.test('the reloader adopts an edited store file, says what changed, and writes a deleted one back', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'hotdesk.json');
  const writer = await openStoreWriter(file, dir, () => ({
    address: '192.0.2.10',
    provisioningToken: 'test-token-0123456789',
  }));
  const store = createStoreService(writer);
  const { log, lines } = collectingLogger();
  let reconciled = 0;
  const reload = createReloader({
    storeFile: file,
    store,
    log,
    fixedAtStart: {
      address: writer.data.settings.address,
      httpPort: writer.data.settings.httpPort,
      sipPort: writer.data.settings.sipPort,
    },
    // The daemon's write path: adopting the file yields a reconcile effect.
    apply: createWritePath({
      store,
      catalogue: [],
      log,
      carryOut: (effects) => (reconciled += effects.filter((effect) => effect.kind === 'reconcile').length),
    }).apply,
  });

  const unchanged = await reload();
  t.same(unchanged, { reloaded: [], storeChanges: [], problems: [], restartNeeded: [] });
  t.equal(reconciled, 0, 'nothing to re-provision');
  t.match(lines().at(-1), {
    level: 30,
    event: 'reload',
    msg: 'reloaded on SIGHUP: nothing changed; templates are read on every request',
  });

  const edited = {
    ...writer.data,
    settings: {
      ...writer.data.settings,
      emergencyNumbers: ['112', '999'],
      address: '192.0.2.99',
      httpPort: 8089,
      sipPort: 5070,
    },
  };
  await writeFile(file, serializeStore(edited));
  const report = await reload();
  t.same(report.reloaded, ['store']);
  t.same(report.storeChanges, [
    'settings.address',
    'settings.emergencyNumbers',
    'settings.httpPort',
    'settings.sipPort',
  ]);
  t.match(report.restartNeeded, [
    /settings\.address: SIP and HTTP keep announcing 192\.0\.2\.10/,
    /settings\.httpPort: provisioning keeps listening on port 8088/,
    /settings\.sipPort: SIP keeps listening on port 5060 until hotdeskd restarts/,
  ]);
  t.equal(report.restartNeeded.length, 3);
  t.same(store.data.settings.emergencyNumbers, ['112', '999'], 'the running copy is the file now');
  t.equal(reconciled, 1, 'phones that lag are told again');
  t.ok(
    lines().some((line) => line.level === 40 && /keep announcing 192\.0\.2\.10 until hotdeskd restarts/.test(line.msg)),
    'the restart note is logged',
  );

  await rm(file);
  const missing = await reload();
  t.match(missing.problems, [/was missing; the running copy was written back/]);
  t.same((await loadStoreFile(file)).settings.emergencyNumbers, ['112', '999'], 'the file is back');

  await writeFile(file, '{"version": 3, "settings": ');
  const broken = await reload();
  t.match(broken.problems, [/not valid JSON.*the running copy is kept/]);
  t.same(store.data.settings.emergencyNumbers, ['112', '999'], 'the running copy stays');
  t.ok(
    lines().some((line) => line.level === 50 && /^reload: store file .*not valid JSON/.test(line.msg)),
    'the refusal is logged as an error',
  );
});

t.test('reloads asked for while one runs wait for it, and become one', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'hotdesk.json');
  const writer = await openStoreWriter(file, dir, () => ({
    address: '192.0.2.10',
    provisioningToken: 'test-token-0123456789',
  }));
  const store = createStoreService(writer);
  const { log, lines } = collectingLogger();
  let loads = 0;
  // Prompts that take a while to read: the first reload is still running when the others are asked for.
  const prompts = await loadReloadablePrompts(async () => {
    loads++;
    await new Promise((resolve) => setTimeout(resolve, 200));
    return loadPromptLibrary();
  });
  const apply = createWritePath({ store, catalogue: [], log, carryOut: () => undefined }).apply;
  const reload = createReloader({ storeFile: file, store, apply, log, prompts });
  const first = reload();
  await new Promise((resolve) => setImmediate(resolve));
  const second = reload();
  const third = reload();
  t.equal(second, third, 'both wait for the same next reload');
  t.not(first, second);
  await Promise.all([first, second, third]);
  t.equal(lines().filter((line) => line.event === 'reload').length, 2, 'two reloads, not three');
  t.equal(loads, 3, 'the prompts were read at start and by each reload');
});

t.test('a reloadable prompt library plays a new recording after reload, and keeps the old on failure', async (t) => {
  const dir = await tempDir(t);
  const overrides = join(dir, 'prompts');
  let shippedDir: string | undefined;
  const prompts = await loadReloadablePrompts(() =>
    loadPromptLibrary({ overrideDir: overrides, ...(shippedDir ? { shippedDir } : {}) }),
  );
  const shipped = prompts.library.audio('en', 'enter-pin');
  t.ok(shipped.length > 100, 'the shipped prompt plays');
  await mkdir(join(overrides, 'en'), { recursive: true });
  await writeFile(join(overrides, 'en', 'enter-pin.wav'), wav([1000, -1000, 2000, -2000]));
  t.same([...prompts.library.audio('en', 'enter-pin')], [...shipped], 'not before the reload');
  await prompts.reload();
  t.same([...prompts.library.audio('en', 'enter-pin')], [1000, -1000, 2000, -2000], 'the recording after it');

  shippedDir = join(dir, 'nowhere'); // an unusable installation: the load fails
  await t.rejects(prompts.reload(), /shipped prompts are unusable/);
  t.same([...prompts.library.audio('en', 'enter-pin')], [1000, -1000, 2000, -2000], 'the last good library stays');
});

// ---- a real hotdeskd ----

const reloadLines = (daemon: RunningDaemon): LogLine[] =>
  parseLines(daemon.stderr()).filter((line) => line.event === 'reload' && line.level === 30);

async function hangUp(t: Test, daemon: RunningDaemon): Promise<LogLine> {
  const before = reloadLines(daemon).length;
  t.ok(daemon.child.kill('SIGHUP'), 'SIGHUP sent');
  await waitFor(() => reloadLines(daemon).length > before, 'the reload log line');
  return reloadLines(daemon).at(-1)!;
}

async function editStore(file: string, edit: (data: StoreData) => StoreData): Promise<void> {
  await writeFile(file, serializeStore(edit(await loadStoreFile(file))), { mode: 0o600 });
}

t.test('hotdeskd on SIGHUP: adopts the store file, reads prompts again, keeps running and listening', async (t) => {
  const paths = await tempData(t);
  const daemon = await startDaemon(t, paths.dir);
  const sipPort = Number(/sip: +udp\+tcp 127\.0\.0\.1:(\d+)/.exec(daemon.stdout())?.[1]);
  const pingBefore = await sendControl(paths.socket, { kind: 'ping' });
  t.match(pingBefore, { ok: true, pong: { pid: daemon.pid, sip: { host: '127.0.0.1', port: sipPort } } });

  // Without a reload, a hand edit is overwritten by the daemon's next change.
  await editStore(paths.store, (data) => ({
    ...data,
    settings: { ...data.settings, emergencyNumbers: [...data.settings.emergencyNumbers, '998'] },
  }));
  t.equal((await runCli(paths.dir, ['emergency', 'add', '117'])).code, 0);
  t.same(
    (await loadStoreFile(paths.store)).settings.emergencyNumbers,
    ['112', '911', '117'],
    'without SIGHUP the edit is lost',
  );

  // With a reload, it is adopted.
  await editStore(paths.store, (data) => ({
    ...data,
    settings: {
      ...data.settings,
      emergencyNumbers: [...data.settings.emergencyNumbers, '999'],
      timeZone: 'Europe/Berlin',
    },
  }));
  const line = await hangUp(t, daemon);
  t.same(line.reloaded, ['store', 'prompts']);
  t.same(line.storeChanges, ['settings.emergencyNumbers', 'settings.timeZone']);
  t.equal(
    line.msg,
    'reloaded on SIGHUP: store, prompts (settings.emergencyNumbers, settings.timeZone); templates are read on ' +
      'every request',
  );
  t.equal((await runCli(paths.dir, ['emergency', 'add', '118'])).code, 0);
  const after = await loadStoreFile(paths.store);
  t.same(
    after.settings.emergencyNumbers,
    ['112', '911', '117', '999', '118'],
    'the hand edit survived the next change',
  );
  t.equal(after.settings.timeZone, 'Europe/Berlin');

  // A recorded prompt is read again (the log says how many replace shipped ones).
  await mkdir(join(paths.dir, 'prompts', 'en'), { recursive: true });
  await writeFile(join(paths.dir, 'prompts', 'en', 'enter-pin.wav'), wav([0, 500, 0, -500]));
  await hangUp(t, daemon);
  await waitFor(
    () => /1 recorded prompt\(s\) from \S+ replace shipped ones/.test(daemon.stderr()),
    'the prompt override to be logged',
  );

  // A broken file is refused; the daemon goes on with its running copy.
  const good = await readFile(paths.store, 'utf8');
  await writeFile(paths.store, '{"version": 3, "settings": ');
  const refused = await hangUp(t, daemon);
  t.same(refused.reloaded, ['prompts'], 'only the prompts were reloaded');
  await waitFor(
    () => parseLines(daemon.stderr()).some((l) => l.level === 50 && /^reload: store file .*not valid JSON/.test(l.msg)),
    'the refusal',
  );
  await writeFile(paths.store, good, { mode: 0o600 });

  // Still the same process, holding the lock, on the same sockets.
  t.equal(daemon.child.exitCode, null, 'still running');
  t.equal(Number.parseInt(await readFile(paths.lock, 'utf8'), 10), daemon.pid, 'still holds the lock');
  t.same(await sendControl(paths.socket, { kind: 'ping' }), pingBefore, 'the control socket answers the same');
  t.match(
    await probeSipOptions({ host: '127.0.0.1', port: sipPort }),
    { kind: 'answered', status: 200 },
    'SIP answers on the same port',
  );
  const pong = pingBefore.ok && 'pong' in pingBefore ? pingBefore.pong : undefined;
  t.match(
    await probeHttp(`http://127.0.0.1:${pong?.http?.port}/`),
    { kind: 'answered', status: 404 },
    'HTTP answers on the same port',
  );

  const stopped = await daemon.stop();
  t.equal(stopped.code, 0, 'stops cleanly after reloads');
});

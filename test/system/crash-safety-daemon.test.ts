/**
 * Crash safety with the daemon: hotdeskd killed with SIGKILL while a stream
 * of CLI writes goes through it. The store still loads, no acknowledged change
 * is lost, and the stale lock and socket it leaves are taken over — by the
 * CLI (which then writes by itself) and by the next hotdeskd.
 */
import t from 'tap';
import { runCliProcess, type Finished } from '../support/run-cli.js';
import { startDaemon, waitFor, type RunningDaemon } from '../support/start-daemon.js';
import { exists, macFor, tempData } from '../support/temp-data.js';
import { checkStoreAfterCrash, isAlive, lockHolder, sleep } from '../support/crash-checks.js';

const STREAMS = 3;
let nextMac = 1;

interface Write {
  mac: string;
  result: Finished;
  /** Started after the daemon was killed. */
  afterKill: boolean;
}

const changesLogged = (daemon: RunningDaemon) =>
  daemon
    .stderr()
    .split('\n')
    .filter((line) => line.includes('"store changed"')).length;

/** What a write in flight may answer when the daemon dies under it. */
const CUT_OFF = new RegExp(
  String.raw`^hotdesk: (unexpected error: )?(hotdeskd closed the connection without ` +
    String.raw`answering|hotdeskd stopped before answering|.*ECONNRESET|.*EPIPE)`,
);

t.test('hotdeskd killed with SIGKILL during a stream of writes', async (t) => {
  const paths = await tempData(t);
  for (let round = 1; round <= 3; round++) {
    const label = `round ${round}`;
    const daemon = await startDaemon(t, paths.dir);
    t.equal(await lockHolder(paths), daemon.pid, `${label}: the new daemon holds the lock`);

    let killed = false;
    const writes: Write[] = [];
    // Each stream writes one phone after the other; after the kill, two more each (the CLI on its own then).
    const stream = async (): Promise<void> => {
      let afterKillWrites = 0;
      while (afterKillWrites < 2) {
        const afterKill = killed;
        if (afterKill) afterKillWrites++;
        const mac = macFor(nextMac++);
        writes.push({
          mac,
          afterKill,
          result: await runCliProcess(paths.dir, ['add-phone', '--model', 'yealink-t54w', '--mac', mac]),
        });
      }
    };
    const streams = Array.from({ length: STREAMS }, () => stream());

    const before = 2 + Math.floor(Math.random() * 6);
    await waitFor(() => changesLogged(daemon) >= before, `${label}: ${before} changes through the daemon`, 60_000);
    await sleep(Math.floor(Math.random() * 150));
    daemon.child.kill('SIGKILL');
    const end = await daemon.finished;
    killed = true;
    t.equal(end.signal, 'SIGKILL', `${label}: the daemon was killed after ${changesLogged(daemon)} changes`);
    t.notOk(isAlive(daemon.pid));
    await Promise.all(streams);

    const acknowledged: string[] = [];
    for (const write of writes) {
      if (write.result.code === 0) {
        t.equal(write.result.stderr, '', `${label}: a successful write is quiet`);
        acknowledged.push(write.mac);
      } else {
        t.notOk(write.afterKill, `${label}: only writes in flight at the kill may fail`);
        t.equal(write.result.code, 1, `${label}: a cut-off write exits 1`);
        t.match(write.result.stderr, CUT_OFF, `${label}: and says the daemon hung up`);
      }
    }
    t.ok(
      writes.filter((write) => write.afterKill && write.result.code === 0).length >= STREAMS,
      `${label}: after the kill the CLI took over the stale lock and socket and wrote by itself`,
    );
    t.ok(acknowledged.length > 0);
    await checkStoreAfterCrash(t, paths, acknowledged, label);
    t.notOk(await exists(paths.lock), `${label}: the CLI released the lock it took over`);
  }

  // Killed while idle: the lock and socket stay behind, and the next daemon takes both over.
  const idle = await startDaemon(t, paths.dir);
  idle.child.kill('SIGKILL');
  await idle.finished;
  t.equal(await lockHolder(paths), idle.pid, 'the killed daemon left its lock');
  t.ok(await exists(paths.socket), 'and its socket');
  const next = await startDaemon(t, paths.dir);
  t.equal(await lockHolder(paths), next.pid, 'the next daemon took the stale lock over');
  const added = await runCliProcess(paths.dir, ['add-phone', '--model', 'yealink-t54w', '--mac', macFor(nextMac++)]);
  t.same([added.code, added.stderr], [0, ''], 'and serves on a fresh socket');
  await waitFor(() => changesLogged(next) === 1, 'the new daemon to log the change');
  t.equal((await next.stop()).code, 0);
  await checkStoreAfterCrash(t, paths, [], 'at the end');
});

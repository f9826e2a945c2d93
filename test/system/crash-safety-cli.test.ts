/**
 * Crash safety without a daemon: `hotdesk` writers killed with SIGKILL in the
 * middle of their work — while holding the writer lock, or at random
 * moments — never leave a store that does not load, never lose a change that
 * was acknowledged, and a stale lock left behind is taken over by the next
 * command.
 */
import t from 'tap';
import { mkdir } from 'node:fs/promises';
import { runCliProcess, spawnCli, type Running } from '../support/run-cli.js';
import { exists, macFor, tempData } from '../support/temp-data.js';
import { checkStoreAfterCrash, isAlive, lockHolder, sleep } from '../support/crash-checks.js';
import type { DataPaths } from '../../src/adapters/paths.js';

const WRITERS = 5;
let nextMac = 1;

function startWriters(paths: DataPaths): { writers: Running[]; macs: string[] } {
  const macs = Array.from({ length: WRITERS }, () => macFor(nextMac++));
  const writers = macs.map((mac) =>
    spawnCli(paths.dir, ['add-phone', '--model', 'yealink-t54w', '--mac', mac, '--json']),
  );
  return { writers, macs };
}

/**
 * Waits until one of `writers` holds the lock, freezes it there (SIGSTOP, so it
 * cannot let go), and kills it. Resolves to the killed writer's pid.
 */
async function killLockHolder(paths: DataPaths, writers: Running[]): Promise<number> {
  const pids = new Set(writers.map((writer) => writer.pid));
  let allDone = false;
  void Promise.all(writers.map((writer) => writer.finished)).then(() => (allDone = true));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !allDone) {
    const holder = await lockHolder(paths);
    if (holder !== undefined && pids.has(holder)) {
      process.kill(holder, 'SIGSTOP');
      if ((await lockHolder(paths)) === holder) {
        process.kill(holder, 'SIGKILL');
        return holder;
      }
      process.kill(holder, 'SIGCONT'); // it let go just before it froze; try again
    }
    await sleep(1);
  }
  throw new Error('no writer ever held the lock');
}

t.test('writers killed while holding the lock', async (t) => {
  const paths = await tempData(t);
  await mkdir(paths.dir, { recursive: true });
  for (let round = 1; round <= 3; round++) {
    const { writers, macs } = startWriters(paths);
    const killed = await killLockHolder(paths, writers);
    const results = await Promise.all(writers.map((writer) => writer.finished));
    const acknowledged: string[] = [];
    results.forEach((result, i) => {
      if (writers[i]!.pid === killed) t.equal(result.signal, 'SIGKILL', `round ${round}: the lock holder was killed`);
      else {
        t.same(
          [result.code, result.stderr],
          [0, ''],
          `round ${round}: the other writers took over the stale lock and finished`,
        );
        acknowledged.push(macs[i]!);
      }
    });
    await checkStoreAfterCrash(t, paths, acknowledged, `round ${round}`);
    t.notOk(await exists(paths.lock), `round ${round}: the survivors left no lock`);
  }

  // A writer killed while holding the lock, with nobody else waiting: its lock stays behind, stale.
  // A lone writer holds the lock only briefly: one that finishes before it is caught is let be, and another is started.
  let killed: number | undefined;
  let lone: Running | undefined;
  for (let attempt = 0; attempt < 10 && killed === undefined; attempt++) {
    lone = spawnCli(paths.dir, ['add-phone', '--model', 'yealink-t54w', '--mac', macFor(nextMac++)]);
    killed = await killLockHolder(paths, [lone]).catch(() => undefined);
    if (killed === undefined)
      t.equal((await lone.finished).code, 0, `lone writer ${attempt + 1} finished before it could be caught`);
  }
  if (killed === undefined || !lone) throw new Error('no lone writer was ever caught holding the lock');
  t.equal((await lone.finished).signal, 'SIGKILL');
  t.equal(await lockHolder(paths), killed, 'the killed writer left its lock behind');
  t.notOk(isAlive(killed), 'and it is stale');
  await checkStoreAfterCrash(t, paths, [], 'after the lone writer');
  const next = await runCliProcess(paths.dir, [
    'add-phone',
    '--model',
    'yealink-t54w',
    '--mac',
    macFor(nextMac++),
    '--json',
  ]);
  t.same([next.code, next.stderr], [0, ''], 'the next command takes the stale lock over');
  t.notOk(await exists(paths.lock), 'and releases it');
  const emergency = await runCliProcess(paths.dir, ['emergency', 'add', '999']);
  t.equal(emergency.code, 0);
});

t.test('writers killed at random moments', async (t) => {
  const paths = await tempData(t);
  for (let round = 1; round <= 4; round++) {
    const { writers, macs } = startWriters(paths);
    const victims = new Set([
      writers[Math.floor(Math.random() * WRITERS)]!,
      writers[Math.floor(Math.random() * WRITERS)]!,
    ]);
    const delay = Math.floor(Math.random() * 700);
    await sleep(delay);
    for (const victim of victims) victim.child.kill('SIGKILL');
    const results = await Promise.all(writers.map((writer) => writer.finished));
    const acknowledged = macs.filter((_, i) => results[i]!.code === 0);
    results.forEach((result, i) => {
      if (victims.has(writers[i]!) && result.signal === 'SIGKILL') return;
      t.same(
        [result.code, result.stderr],
        [0, ''],
        `round ${round} (kill after ${delay} ms): a writer that was not killed finished`,
      );
    });
    await checkStoreAfterCrash(t, paths, acknowledged, `round ${round} (kill after ${delay} ms)`);
    const holder = await lockHolder(paths);
    if (holder !== undefined) t.notOk(isAlive(holder), `round ${round}: a lock left behind is stale`);
    const next = await runCliProcess(paths.dir, ['add-phone', '--model', 'yealink-t54w', '--mac', macFor(nextMac++)]);
    t.same(
      [next.code, next.stderr],
      [0, ''],
      `round ${round}: the next command works${holder !== undefined ? ' (taking over the stale lock)' : ''}`,
    );
    t.notOk(await exists(paths.lock), `round ${round}: no lock afterwards`);
  }
});

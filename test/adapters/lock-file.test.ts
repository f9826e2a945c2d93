/** The writer lock on a real temp directory, with real (live and dead) processes. */
import t, { type Test } from 'tap';
import { readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { readLockOwner, tryLock, unlock } from '../../src/adapters/lock-file.js';
import { deadPid, exists, tempDir } from '../support/temp-data.js';

/** A live process that is not us, killed when the test ends. */
function liveProcess(t: Test): number {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  t.teardown(() => void child.kill('SIGKILL'));
  return child.pid!;
}

t.test('acquire, report the live owner, release', async (t) => {
  const lock = join(await tempDir(t), 'hotdeskd.lock');
  t.equal(await readLockOwner(lock), undefined, 'nobody holds a lock that does not exist');
  t.same(await tryLock(lock), { acquired: true });
  t.equal(await readFile(lock, 'utf8'), `${process.pid}\n`, 'the lock holds our pid');
  t.equal((await stat(lock)).mode & 0o777, 0o600, 'mode 0600');
  t.same(await readLockOwner(lock), { pid: process.pid, alive: true });
  t.same(
    await tryLock(lock),
    { acquired: false, owner: { pid: process.pid, alive: true } },
    'a held lock is not taken twice',
  );
  await unlock(lock);
  t.notOk(await exists(lock), 'unlock removes our lock');
  await unlock(lock);
  t.pass('unlocking a lock nobody holds is harmless');
  t.same(await readdir(join(lock, '..')), [], 'no private files are left behind');
});

t.test('a lock held by another live process is reported, not taken', async (t) => {
  const lock = join(await tempDir(t), 'hotdeskd.lock');
  const pid = liveProcess(t);
  await writeFile(lock, `${pid}\n`);
  t.same(await readLockOwner(lock), { pid, alive: true });
  t.same(await tryLock(lock), { acquired: false, owner: { pid, alive: true } });
  t.equal(await readFile(lock, 'utf8'), `${pid}\n`, 'the lock is untouched');
});

t.test('only the owner unlocks', async (t) => {
  const lock = join(await tempDir(t), 'hotdeskd.lock');
  const pid = liveProcess(t);
  await writeFile(lock, `${pid}\n`);
  await unlock(lock);
  t.equal(await readFile(lock, 'utf8'), `${pid}\n`, "another process's lock stays");
  const dead = await deadPid();
  await writeFile(lock, `${dead}\n`);
  await unlock(lock);
  t.equal(await readFile(lock, 'utf8'), `${dead}\n`, 'a stale lock is not ours to unlock either');
});

t.test('a stale lock (dead pid) is taken over', async (t) => {
  const lock = join(await tempDir(t), 'hotdeskd.lock');
  const dead = await deadPid();
  await writeFile(lock, `${dead}\n`);
  t.same(await readLockOwner(lock), { pid: dead, alive: false });
  t.same(await tryLock(lock), { acquired: true });
  t.equal(await readFile(lock, 'utf8'), `${process.pid}\n`);
  t.notOk(await exists(`${lock}.takeover`), 'the takeover guard is gone');
});

t.test('garbage in the lock counts as a dead owner and is taken over', async (t) => {
  const dir = await tempDir(t);
  for (const [i, content] of ['', '\n', 'hello', '-5', '0', 'NaN', '{"pid":1}'].entries()) {
    const lock = join(dir, `lock-${i}`);
    await writeFile(lock, content);
    t.same(await readLockOwner(lock), { pid: 0, alive: false }, `${JSON.stringify(content)} is no owner`);
    t.same(await tryLock(lock), { acquired: true }, `${JSON.stringify(content)} is taken over`);
    t.equal(await readFile(lock, 'utf8'), `${process.pid}\n`);
  }
});

t.test('many takers of one stale lock: exactly one wins', async (t) => {
  const lock = join(await tempDir(t), 'hotdeskd.lock');
  await writeFile(lock, `${await deadPid()}\n`);
  const attempts = await Promise.all(Array.from({ length: 12 }, () => tryLock(lock)));
  t.equal(attempts.filter((attempt) => attempt.acquired).length, 1, 'one acquired');
  for (const attempt of attempts.filter((attempt) => !attempt.acquired)) {
    t.same(attempt, { acquired: false, owner: { pid: process.pid, alive: true } }, 'the others see the winner');
  }
  t.equal(await readFile(lock, 'utf8'), `${process.pid}\n`);
});

t.test('a takeover guard left by a killed process blocks only for a while', async (t) => {
  const lock = join(await tempDir(t), 'hotdeskd.lock');
  const dead = await deadPid();
  await writeFile(lock, `${dead}\n`);
  await writeFile(`${lock}.takeover`, `${dead}\n`);
  t.same(
    await tryLock(lock),
    { acquired: false, owner: { pid: dead, alive: false } },
    'a fresh guard means someone is taking over',
  );
  t.equal(await readFile(lock, 'utf8'), `${dead}\n`);
  const old = new Date(Date.now() - 60_000);
  await utimes(`${lock}.takeover`, old, old);
  t.same(await tryLock(lock), { acquired: true }, 'an old guard is cleared and the stale lock taken over');
  t.notOk(await exists(`${lock}.takeover`));
});

t.test('a private file left by a writer killed while linking is swept by the next lock holder', async (t) => {
  const dir = await tempDir(t);
  const lock = join(dir, 'hotdeskd.lock');
  const dead = await deadPid();
  const live = liveProcess(t);
  const leftovers = [`hotdeskd.lock.${dead}.k1ll3d`, `hotdeskd.lock.takeover.${dead}.k1ll3d`];
  const kept = [`hotdeskd.lock.${live}.w0rk1ng`, 'hotdeskd.lock.notes', 'hotdesk.json'];
  for (const name of [...leftovers, ...kept]) await writeFile(join(dir, name), `${dead}\n`);
  t.same(await tryLock(lock), { acquired: true });
  t.same((await readdir(dir)).sort(), ['hotdeskd.lock', ...kept].sort(), "only dead writers' files go");
});

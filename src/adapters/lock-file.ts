/**
 * The writer lock `data/hotdeskd.lock`: a file holding the pid of the one
 * process allowed to write the store. It is created atomically with its
 * content already in it (write a private file, then hard-link it into place),
 * so nobody ever sees an empty lock. A lock whose pid is dead is stale and is
 * taken over, under a short-lived takeover guard so two processes cannot both
 * take over the same stale lock. The private file of a process killed between
 * writing and linking it (`hotdeskd.lock.<pid>.<random>`) is swept by the next
 * holder once that pid is dead.
 */
import { link, readFile, readdir, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface LockOwner {
  pid: number;
  alive: boolean;
}

export type LockAttempt = { acquired: true } | { acquired: false; owner: LockOwner };

const GUARD_STALE_MS = 10_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who holds the lock, or `undefined` when nobody does. Garbage content counts as a dead owner. */
export async function readLockOwner(path: string): Promise<LockOwner | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const pid = Number.parseInt(text.trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0) return { pid: 0, alive: false };
  return { pid, alive: isAlive(pid) };
}

async function linkInPlace(path: string): Promise<boolean> {
  const mine = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await writeFile(mine, `${process.pid}\n`, { mode: 0o600 });
  try {
    await link(mine, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(mine).catch(() => undefined);
  }
}

async function removeStale(path: string, stalePid: number): Promise<void> {
  const guard = `${path}.takeover`;
  if (!(await linkInPlace(guard))) {
    // Someone else is taking over; a guard left by a killed process expires.
    const info = await stat(guard).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > GUARD_STALE_MS) await unlink(guard).catch(() => undefined);
    return;
  }
  try {
    const owner = await readLockOwner(path);
    if (owner && !owner.alive && owner.pid === stalePid) await unlink(path).catch(() => undefined);
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

/** The private file name linkInPlace writes for `path`, and the pid it names. */
const privateFile = (path: string) =>
  new RegExp(`^${basename(path).replace(/[.]/g, '\\.')}(?:\\.takeover)?\\.(\\d+)\\.[a-z0-9]+$`);

/** Removes private files of dead processes (killed between writing and linking them); called by the holder. */
async function sweepDeadWriters(path: string): Promise<void> {
  const pattern = privateFile(path);
  const names = await readdir(dirname(path)).catch(() => []);
  for (const name of names) {
    const pid = Number(pattern.exec(name)?.[1] ?? 0);
    if (pid > 0 && pid !== process.pid && !isAlive(pid)) await unlink(join(dirname(path), name)).catch(() => undefined);
  }
}

/** One attempt: take the lock (taking over a stale one) or report its live owner. */
export async function tryLock(path: string): Promise<LockAttempt> {
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await linkInPlace(path)) {
      await sweepDeadWriters(path);
      return { acquired: true };
    }
    const owner = await readLockOwner(path);
    if (!owner) continue;
    if (owner.alive) return { acquired: false, owner };
    await removeStale(path, owner.pid);
  }
  const owner = await readLockOwner(path);
  return { acquired: false, owner: owner ?? { pid: 0, alive: false } };
}

/** Releases the lock if this process holds it. */
export async function unlock(path: string): Promise<void> {
  const owner = await readLockOwner(path).catch(() => undefined);
  if (owner?.pid === process.pid) await unlink(path).catch(() => undefined);
}

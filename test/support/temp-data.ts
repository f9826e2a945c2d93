/**
 * Real temporary data directories, short enough for a Unix socket path
 * (t.testdir() paths under .tap/ can pass the 107-byte limit), removed after
 * the test; and a few facts about files and processes the tests check.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { parseStore, serializeStore } from '../../src/store/migrate.js';
import { createStore, type StoreData } from '../../src/store/schema.js';
import { dataPaths, type DataPaths } from '../../src/adapters/paths.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** A fresh empty directory under the system temp dir, deleted when `t` ends. */
export async function tempDir(t: Teardown, prefix = 'hd-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A fresh data directory (not created yet: hotdesk creates it) and its file paths. */
export async function tempData(t: Teardown): Promise<DataPaths> {
  return dataPaths(join(await tempDir(t), 'data'));
}

/** The store file as hotdesk would load it; throws with the problem when it would not load. */
export async function loadStoreFile(file: string): Promise<StoreData> {
  const parsed = parseStore(await readFile(file, 'utf8'));
  if (!parsed.ok) throw new Error(`${file}: ${parsed.problem}`);
  return parsed.data;
}

/** Writes a store file directly (a seeded office), as the current version. */
export async function writeStoreFile(
  file: string,
  edit: (data: StoreData) => StoreData = (data) => data,
): Promise<StoreData> {
  const data = edit(createStore({ address: '192.0.2.10', provisioningToken: 'test-token-0123456789' }));
  await writeFile(file, serializeStore(data), { mode: 0o600 });
  return data;
}

/** Permission bits of a path, e.g. 0o600. */
export async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** The pid of a process that has certainly exited (for stale locks). */
export function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore', env: {} });
    child.once('error', reject);
    child.once('exit', () => {
      const pid = child.pid!;
      try {
        process.kill(pid, 0);
        reject(new Error(`pid ${pid} is still in use`));
      } catch {
        resolve(pid);
      }
    });
  });
}

/** Twelve hex digits for phone `i` (1-based), distinct for every i below 2^24. */
export function macFor(i: number): string {
  return `001565${i.toString(16).padStart(6, '0')}`;
}

/**
 * Store backups: a copy of the store file in data/backups/ named after the
 * UTC time it was taken (`hotdesk-20261204T023000Z.json`, so names sort by
 * age), written atomically (a temporary file renamed into place, mode 0600:
 * it holds SIP passwords), then all but the newest `keep` removed. Files in
 * the directory that are not backups are never touched.
 */
import { copyFile, chmod, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

const BACKUP_NAME = /^hotdesk-\d{8}T\d{6}Z(?:-\d+)?\.json$/;

export interface StoreBackupOptions {
  storeFile: string;
  backupDir: string;
  /** The time the backup is named after. */
  now: Date;
  /** Backups to keep, the new one included (at least 1). */
  keep: number;
}

export interface StoreBackupResult {
  file: string;
  removed: string[];
}

/** `2026-12-04T02:30:00.123Z` → `20261204T023000Z`. */
export function backupStamp(now: Date): string {
  return now
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

export async function backupStore(options: StoreBackupOptions): Promise<StoreBackupResult> {
  await mkdir(options.backupDir, { recursive: true, mode: 0o700 });
  const existing = new Set((await readdir(options.backupDir)).filter((name) => BACKUP_NAME.test(name)));
  const stamp = backupStamp(options.now);
  let name = `hotdesk-${stamp}.json`;
  // Two backups in one second (by hand, or a schedule firing twice) keep both.
  for (let n = 2; existing.has(name); n++) name = `hotdesk-${stamp}-${n}.json`;
  const file = join(options.backupDir, name);
  const temporary = join(options.backupDir, `.${name}.tmp`);
  try {
    await copyFile(options.storeFile, temporary);
    await chmod(temporary, 0o600);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  const backups = [...existing, name].sort(compareBackups);
  const removed = backups.slice(0, Math.max(0, backups.length - Math.max(1, options.keep)));
  for (const old of removed) await rm(join(options.backupDir, old), { force: true });
  return { file, removed: removed.map((old) => join(options.backupDir, old)) };
}

/** Oldest first: by stamp, then by the `-N` of backups taken in the same second. */
function compareBackups(a: string, b: string): number {
  const key = (name: string): [string, number] => {
    const match = /^hotdesk-(\d{8}T\d{6}Z)(?:-(\d+))?\.json$/.exec(name)!;
    return [match[1]!, Number(match[2] ?? 1)];
  };
  const [stampA, nA] = key(a);
  const [stampB, nB] = key(b);
  return stampA === stampB ? nA - nB : stampA < stampB ? -1 : 1;
}

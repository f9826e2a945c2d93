/**
 * The store file on disk, through lowdb (atomic write-then-rename by steno).
 * Reading never changes the file; a corrupt or newer-version file is refused
 * with a `StoreFileError` naming the file, and is never overwritten.
 */
import { DataFile } from 'lowdb/node';
import { Low } from 'lowdb';
import { ensureDataDir } from './data-dir.js';
import { mkdirSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import { createStore, type NewStoreValues, type StoreData } from '../store/schema.js';
import { parseStore, serializeStore } from '../store/migrate.js';
import { tryLock, unlock, type LockOwner } from './lock-file.js';
import type { DataPaths } from './paths.js';
import { archiveAuditOverflow } from './audit-archive.js';

export class StoreFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'StoreFileError';
  }
}

interface Opened {
  db: Low<StoreData | null>;
  migrated: boolean;
}

async function open(file: string): Promise<Opened> {
  let migrated = false;
  const adapter = new DataFile<StoreData | null>(file, {
    parse: (text) => {
      const parsed = parseStore(text);
      if (!parsed.ok) throw new StoreFileError(file, parsed.problem);
      migrated = parsed.migrated;
      return parsed.data;
    },
    stringify: (data) => serializeStore(data as StoreData),
  });
  const db = new Low<StoreData | null>(adapter, null);
  try {
    await db.read();
  } catch (error) {
    if (error instanceof StoreFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new StoreFileError(file, code === 'EACCES' ? 'permission denied' : (error as Error).message);
  }
  return { db, migrated };
}

/** Reads the store without writing anything; `undefined` when there is no file yet. */
export async function readStore(file: string): Promise<StoreData | undefined> {
  return (await open(file)).db.data ?? undefined;
}

/** The one writer's handle. Only a process holding the writer lock may open one. */
export interface StoreWriter {
  readonly data: StoreData;
  commit(next: StoreData): Promise<void>;
}

export interface StoreWriterOptions {
  /** Told when the audit overflow could not be archived; the store then keeps it, and the next write tries again. */
  onAuditArchiveError?: (error: Error) => void;
}

/**
 * Opens the store for writing, creating it from `newValues` when the file does
 * not exist yet, and writing back a migrated older version. Files are written
 * with mode 0600 (umask 077 for this process): they hold SIP passwords.
 * Before each write, audit entries past the store's limit go to the archive
 * (audit-archive.ts), and only then leave the store.
 */
export async function openStoreWriter(
  file: string,
  dir: string,
  newValues: () => NewStoreValues,
  options: StoreWriterOptions = {},
): Promise<StoreWriter> {
  process.umask(0o077);
  await ensureDataDir(dir);
  const { db, migrated } = await open(file);
  const write = async (proposed: StoreData): Promise<void> => {
    const next = await archiveAuditOverflow(dir, proposed).catch((error: unknown) => {
      options.onAuditArchiveError?.(error as Error);
      return proposed;
    });
    const before = db.data;
    db.data = next;
    try {
      await db.write();
    } catch (error) {
      db.data = before;
      throw new StoreFileError(
        file,
        `cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
  };
  if (db.data === null) await write(createStore(newValues()));
  else if (migrated) await write(db.data);
  return {
    get data() {
      return db.data as StoreData;
    },
    commit: write,
  };
}

export type LockedWrite<T> = { done: true; value: T } | { done: false; owner: LockOwner };

/**
 * With no daemon running: take the writer lock, open the store, let `work`
 * compute the next store (or decline), commit it, and release the lock.
 * When a live process holds the lock, reports it and does nothing.
 */
export async function writeUnderLock<T>(
  paths: DataPaths,
  newValues: () => NewStoreValues,
  work: (data: StoreData) => { next?: StoreData; value: T },
): Promise<LockedWrite<T>> {
  await ensureDataDir(paths.dir);
  const attempt = await tryLock(paths.lock);
  if (!attempt.acquired) return { done: false, owner: attempt.owner };
  try {
    const writer = await openStoreWriter(paths.store, paths.dir, newValues);
    const { next, value } = work(writer.data);
    if (next) await writer.commit(next);
    return { done: true, value };
  } finally {
    await unlock(paths.lock);
  }
}

/** What a store watcher reports after the file changed: the re-read store, or why it cannot be read. */
export type StoreWatchEvent =
  { kind: 'read'; data: StoreData | undefined } | { kind: 'unreadable'; error: StoreFileError };

const WATCH_DEBOUNCE_MS = 50;

/**
 * Calls `onChange` with the re-read store each time the store file changes,
 * until the returned function is called. Watches the *directory* (filtered on
 * the file name) because lowdb/steno writes a temp file and renames it over the
 * store, which a watch on the file itself would lose. Bursts of events are
 * debounced (~50 ms); a corrupt file is reported and watching goes on.
 * Creates the data directory when it is missing, so there is something to watch.
 */
export function watchStore(file: string, onChange: (event: StoreWatchEvent) => void): () => void {
  const dir = dirname(file);
  const name = basename(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let latest = 0;
  const reread = async (): Promise<void> => {
    const ticket = ++latest;
    let event: StoreWatchEvent;
    try {
      event = { kind: 'read', data: await readStore(file) };
    } catch (error) {
      event = {
        kind: 'unreadable',
        error: error instanceof StoreFileError ? error : new StoreFileError(file, (error as Error).message),
      };
    }
    // A slower, older read must not overwrite a newer one.
    if (!closed && ticket === latest) onChange(event);
  };
  const watcher = watch(dir, { persistent: true }, (_type, changed) => {
    if (closed || (changed !== null && changed.toString() !== name)) return;
    clearTimeout(timer);
    timer = setTimeout(() => void reread(), WATCH_DEBOUNCE_MS);
  });
  watcher.on('error', (error: NodeJS.ErrnoException) => {
    if (!closed)
      onChange({
        kind: 'unreadable',
        error: new StoreFileError(file, `cannot watch ${dir} (${error.code ?? error.message})`),
      });
  });
  return () => {
    closed = true;
    clearTimeout(timer);
    watcher.close();
  };
}

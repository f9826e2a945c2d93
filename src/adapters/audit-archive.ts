/**
 * The audit archive: entries the store no longer holds, as JSON Lines in
 * numbered files under `<data>/audit/` (`audit-000001.jsonl`, …). Files are
 * only ever appended to; a new one is started once the last passes
 * `ARCHIVE_FILE_BYTES`. Whoever writes the store archives its overflow first
 * (json-store.ts): the lines are written and fsynced before the store drops
 * them, so a crash in between leaves entries in both places, which
 * `auditOverlap` (store/audit-rotation.ts) recognises, on writing and reading.
 */
import { mkdir, open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditEntry } from '../core/model.js';
import {
  AUDIT_LIMITS,
  auditOverlap,
  planAuditRotation,
  sortAuditByTime,
  type AuditLimits,
} from '../store/audit-rotation.js';
import { storeSchema, type StoreData } from '../store/schema.js';

/** A new archive file is started once the last one has reached this size (1 MiB, some 6,000 entries). */
export const ARCHIVE_FILE_BYTES = 1024 * 1024;

const FILE_NAME = /^audit-(\d{6,})\.jsonl$/;

export interface ArchiveOptions {
  limits?: AuditLimits;
  fileBytes?: number;
}

/** `<data>/audit`. */
export function auditArchiveDir(dataDir: string): string {
  return join(dataDir, 'audit');
}

/** The archive files in order (oldest first), as full paths; none when there is no archive yet. */
export async function listArchiveFiles(dataDir: string): Promise<string[]> {
  const dir = auditArchiveDir(dataDir);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .flatMap((name) => {
      const match = FILE_NAME.exec(name);
      return match ? [{ name, number: Number(match[1]) }] : [];
    })
    .sort((a, b) => a.number - b.number)
    .map(({ name }) => join(dir, name));
}

const entrySchema = storeSchema.shape.audit.element;

/** One archive line as written: the members in a fixed order. */
function line(entry: AuditEntry): string {
  const { at, kind, actor, extension, phone, detail } = entry;
  return JSON.stringify({ at, kind, actor, extension, phone, detail });
}

export interface ArchiveFileRead {
  entries: AuditEntry[];
  /** 1-based numbers of lines that are not audit entries (a line cut short by a crash, say). */
  unreadable: number[];
}

/** The entries of one archive file (those `select` keeps), skipping and counting unreadable lines. */
export async function readArchiveFile(
  file: string,
  select: (entry: AuditEntry) => boolean = () => true,
): Promise<ArchiveFileRead> {
  const text = await readFile(file, 'utf8');
  const entries: AuditEntry[] = [];
  const unreadable: number[] = [];
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      unreadable.push(index + 1);
      return;
    }
    const checked = entrySchema.safeParse(parsed);
    if (!checked.success) unreadable.push(index + 1);
    else if (select(checked.data)) entries.push(checked.data);
  });
  return { entries, unreadable };
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Appends `entries` to the last archive file (or a new one), and returns once
 * they are on disk (fsync of the file, and of the directory for a new file).
 * A last line cut short by an earlier crash is ended first, so it stays one
 * unreadable line instead of spoiling the next one.
 */
export async function appendAuditArchive(
  dataDir: string,
  entries: readonly AuditEntry[],
  fileBytes = ARCHIVE_FILE_BYTES,
): Promise<void> {
  if (entries.length === 0) return;
  const dir = auditArchiveDir(dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files = await listArchiveFiles(dataDir);
  const last = files[files.length - 1];
  const lastSize = last ? (await stat(last)).size : 0;
  const reuse = last !== undefined && lastSize < fileBytes;
  const number = last === undefined ? 1 : Number(FILE_NAME.exec(last.slice(dir.length + 1))![1]) + (reuse ? 0 : 1);
  const file = reuse ? last : join(dir, `audit-${String(number).padStart(6, '0')}.jsonl`);
  const handle = await open(file, 'a+', 0o600);
  try {
    let prefix = '';
    if (reuse && lastSize > 0) {
      const { bytesRead, buffer } = await handle.read(Buffer.alloc(1), 0, 1, lastSize - 1);
      if (bytesRead === 1 && buffer[0] !== 0x0a) prefix = '\n';
    }
    await handle.appendFile(prefix + entries.map((entry) => `${line(entry)}\n`).join(''), 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (!reuse) {
    await syncDirectory(dir);
    await syncDirectory(dataDir);
  }
}

/**
 * Before a store is written: when it holds more than `limits.max` audit
 * entries, appends the oldest to the archive (skipping those an interrupted
 * earlier run already put there) and returns the store with only the newest.
 * Returns `data` itself when there is nothing to archive.
 */
export async function archiveAuditOverflow(
  dataDir: string,
  data: StoreData,
  options: ArchiveOptions = {},
): Promise<StoreData> {
  const plan = planAuditRotation(data.audit, options.limits ?? AUDIT_LIMITS);
  if (!plan) return data;
  const files = await listArchiveFiles(dataDir);
  const last = files[files.length - 1];
  const tail = last ? (await readArchiveFile(last)).entries : [];
  const already = Math.min(auditOverlap(tail, plan.archive), plan.archive.length);
  await appendAuditArchive(dataDir, plan.archive.slice(already), options.fileBytes);
  return { ...data, audit: plan.keep };
}

export interface AuditTrailRead {
  /** Archived and stored entries that `select` keeps, each once, in time order (oldest first). */
  entries: AuditEntry[];
  /** Archive lines that could not be read, per file. */
  unreadable: { file: string; lines: number[] }[];
}

/**
 * The whole audit trail: the archive files, then the store's entries (`stored`,
 * read *before* this is called), with entries found in both shown once.
 * Only entries `select` keeps are held in memory.
 */
export async function readAuditTrail(
  dataDir: string,
  stored: readonly AuditEntry[],
  select: (entry: AuditEntry) => boolean = () => true,
): Promise<AuditTrailRead> {
  const files = await listArchiveFiles(dataDir);
  const archived: AuditEntry[] = [];
  const unreadable: AuditTrailRead['unreadable'] = [];
  let tail: AuditEntry[] = [];
  for (const [index, file] of files.entries()) {
    const newest = index === files.length - 1;
    // Only the newest file can overlap the store: it holds the whole of the last batch archived.
    const read = await readArchiveFile(file, newest ? () => true : select);
    if (read.unreadable.length > 0) unreadable.push({ file, lines: read.unreadable });
    if (newest) {
      tail = read.entries;
      archived.push(...read.entries.filter(select));
    } else archived.push(...read.entries);
  }
  const fresh = stored.slice(auditOverlap(tail, stored)).filter(select);
  return { entries: sortAuditByTime([...archived, ...fresh]), unreadable };
}

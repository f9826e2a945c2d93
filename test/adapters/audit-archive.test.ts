/**
 * The audit archive on real temp directories: the store's overflow moves to
 * JSON Lines files, nothing is lost or shown twice, also when a write is
 * interrupted between the archive and the store.
 */
import t, { type Test } from 'tap';
import { appendFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  appendAuditArchive,
  archiveAuditOverflow,
  auditArchiveDir,
  listArchiveFiles,
  readAuditTrail,
} from '../../src/adapters/audit-archive.js';
import { openStoreWriter, readStore, StoreFileError } from '../../src/adapters/json-store.js';
import { AUDIT_LIMITS, auditEntryKey } from '../../src/store/audit-rotation.js';
import { createStore, type StoreData } from '../../src/store/schema.js';
import type { AuditEntry } from '../../src/core/model.js';
import { tempDir } from '../support/temp-data.js';

const newValues = () => ({ address: '192.0.2.10', provisioningToken: 'test-token-0123456789' });
const T0 = Date.parse('2026-11-01T00:00:00.000Z');

/** Entry number `i`: one a second, each different (the number is in the detail). */
const entry = (i: number): AuditEntry => ({
  at: new Date(T0 + i * 1000).toISOString(),
  kind: i % 3 === 0 ? 'login-failed' : 'login',
  actor: 'user',
  extension: String(100 + (i % 7)),
  phone: `HD000${i % 4}`,
  detail: `entry ${i}`,
});
const range = (from: number, to: number): AuditEntry[] => Array.from({ length: to - from }, (_, i) => entry(from + i));
const numbersOf = (entries: readonly AuditEntry[]): number[] =>
  entries.map((e) => Number(e.detail!.slice('entry '.length)));
const sequence = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

async function dataDir(t: Test): Promise<string> {
  const dir = join(await tempDir(t), 'data');
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Every line of every archive file, parsed, in file order. */
async function archivedLines(dir: string): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for (const file of await listArchiveFiles(dir)) {
    for (const line of (await readFile(file, 'utf8')).split('\n'))
      if (line !== '') entries.push(JSON.parse(line) as AuditEntry);
  }
  return entries;
}

const withAudit = (data: StoreData, audit: AuditEntry[]): StoreData => ({ ...data, audit });

t.test('past 5,000 entries the store writer archives the oldest, keeping 4,500, and loses none', async (t) => {
  const dir = await dataDir(t);
  const file = join(dir, 'hotdesk.json');
  const writer = await openStoreWriter(file, dir, newValues);
  t.same(await listArchiveFiles(dir), [], 'no archive for a new store');

  await writer.commit(withAudit(writer.data, range(0, AUDIT_LIMITS.max)));
  t.equal((await readStore(file))!.audit.length, 5000, 'at the limit: all stay in the store');
  t.same(await listArchiveFiles(dir), [], 'and nothing is archived');

  await writer.commit(withAudit(writer.data, [...writer.data.audit, ...range(5000, 5200)]));
  const stored = (await readStore(file))!.audit;
  t.same(numbersOf(stored), sequence(700, 5200), 'the store keeps the newest 4,500');
  t.same(writer.data.audit, stored, 'the writer holds what the file holds');
  t.same(numbersOf(await archivedLines(dir)), sequence(0, 700), 'the oldest 700 are archived, in order');

  const files = await listArchiveFiles(dir);
  t.same(files, [join(auditArchiveDir(dir), 'audit-000001.jsonl')]);
  t.equal((await stat(auditArchiveDir(dir))).mode & 0o777, 0o700, 'the archive directory is mode 0700');
  t.equal((await stat(files[0]!)).mode & 0o777, 0o600, 'archive files are mode 0600');
  const firstLine = (await readFile(files[0]!, 'utf8')).split('\n')[0];
  t.equal(firstLine, JSON.stringify(entry(0)), 'one entry a line, members in the usual order');

  // Second rotation: appended to the same file.
  await writer.commit(withAudit(writer.data, [...writer.data.audit, ...range(5200, 5800)]));
  t.same(numbersOf(writer.data.audit), sequence(1300, 5800));
  t.same(numbersOf(await archivedLines(dir)), sequence(0, 1300));
  t.equal((await listArchiveFiles(dir)).length, 1);

  const trail = await readAuditTrail(dir, (await readStore(file))!.audit);
  t.same(numbersOf(trail.entries), sequence(0, 5800), 'archive and store together: every entry once, in order');
  t.same(trail.unreadable, []);
});

t.test('archive files rotate by size and are read in number order', async (t) => {
  const dir = await dataDir(t);
  let data = createStore(newValues());
  const options = { limits: { max: 10, keep: 5 }, fileBytes: 1000 };
  for (let next = 0; next < 100; next += 7) {
    data = await archiveAuditOverflow(dir, withAudit(data, [...data.audit, ...range(next, next + 7)]), options);
    t.ok(data.audit.length <= 10, `store within the limit after ${next + 7}`);
  }
  const files = await listArchiveFiles(dir);
  t.ok(files.length >= 3, `several files (${files.length})`);
  t.same(
    files.map((file) => file.slice(auditArchiveDir(dir).length + 1)),
    files.map((_, i) => `audit-${String(i + 1).padStart(6, '0')}.jsonl`),
    'numbered from 1',
  );
  for (const file of files.slice(0, -1)) {
    // A file is started only when the last one has reached the size; a batch never splits.
    t.ok((await stat(file)).size >= 1000, `${file} reached the size before the next was started`);
  }
  // Files are listed by number, not by name: 1000000 comes after 999999.
  await writeFile(join(auditArchiveDir(dir), 'audit-1000000.jsonl'), `${JSON.stringify(entry(1000))}\n`);
  await writeFile(join(auditArchiveDir(dir), 'notes.txt'), 'not an archive file\n');
  const trail = await readAuditTrail(dir, data.audit);
  t.same(
    numbersOf(trail.entries),
    [...sequence(0, 105), 1000].sort((a, b) => a - b),
    'every entry once, in time order',
  );
  t.equal((await listArchiveFiles(dir)).at(-1), join(auditArchiveDir(dir), 'audit-1000000.jsonl'));
});

t.test(
  'a crash after the archive was written and before the store was: duplicated on disk, never lost, shown once',
  async (t) => {
    const dir = await dataDir(t);
    const options = { limits: { max: 10, keep: 6 } };
    let data = await archiveAuditOverflow(dir, withAudit(createStore(newValues()), range(0, 11)), options);
    t.same(numbersOf(data.audit), sequence(5, 11));

    // The store reaches 11 entries; archiving 5..9 is written, then the process dies: the store is never written.
    const beforeCrash = withAudit(data, [...data.audit, ...range(11, 16)]);
    const lost = await archiveAuditOverflow(dir, beforeCrash, options);
    t.same(numbersOf(lost.audit), sequence(10, 16), 'what would have been stored');
    t.same(numbersOf(await archivedLines(dir)), sequence(0, 10), 'the archive has 5..9 already');

    const read = await readAuditTrail(dir, beforeCrash.audit);
    t.same(numbersOf(read.entries), sequence(0, 16), 'read after the crash: each entry once');

    // After the restart the store (still 5..15) grows and is archived again: 5..9 are not written twice.
    data = await archiveAuditOverflow(dir, withAudit(beforeCrash, [...beforeCrash.audit, ...range(16, 19)]), options);
    t.same(numbersOf(data.audit), sequence(13, 19));
    const lines = await archivedLines(dir);
    t.same(numbersOf(lines), sequence(0, 13), 'the archive holds each entry once');
    t.equal(new Set(lines.map(auditEntryKey)).size, lines.length, 'no line is repeated');
    t.same(numbersOf((await readAuditTrail(dir, data.audit)).entries), sequence(0, 19));
  },
);

t.test('a reader that saw the store before an archiving and the archive after it shows each entry once', async (t) => {
  const dir = await dataDir(t);
  const options = { limits: { max: 10, keep: 6 } };
  const old = withAudit(createStore(newValues()), range(0, 10));
  const data = await archiveAuditOverflow(dir, withAudit(old, [...old.audit, ...range(10, 12)]), options);
  t.same(numbersOf(data.audit), sequence(6, 12));
  t.same(numbersOf((await readAuditTrail(dir, old.audit)).entries), sequence(0, 10), 'the old store: 0..9 once each');
});

t.test('a last line cut short by a crash stays one unreadable line; the next batch is whole', async (t) => {
  const dir = await dataDir(t);
  await appendAuditArchive(dir, range(0, 3));
  const [file] = await listArchiveFiles(dir);
  // Half a line: the process died in the middle of an append (the store still holds those entries).
  await appendFile(file!, JSON.stringify(entry(3)).slice(0, 25));
  await appendAuditArchive(dir, range(3, 5));
  const text = await readFile(file!, 'utf8');
  t.equal(text.split('\n').length, 7, 'three lines, the cut one, two lines, and the final newline');
  const trail = await readAuditTrail(dir, range(3, 8));
  t.same(numbersOf(trail.entries), sequence(0, 8), 'nothing lost, nothing twice');
  t.same(trail.unreadable, [{ file: file!, lines: [4] }], 'the cut line is reported by number');
});

t.test('readAuditTrail applies the selection to archive and store alike', async (t) => {
  const dir = await dataDir(t);
  await appendAuditArchive(dir, range(0, 20), 400);
  t.ok((await listArchiveFiles(dir)).length === 1, 'one batch, one file, however large');
  await appendAuditArchive(dir, range(20, 30), 400);
  t.equal((await listArchiveFiles(dir)).length, 2);
  const trail = await readAuditTrail(dir, range(25, 40), (e) => e.kind === 'login-failed');
  t.same(
    numbersOf(trail.entries),
    sequence(0, 40).filter((i) => i % 3 === 0),
  );
  t.same(numbersOf((await readAuditTrail(dir, [])).entries), sequence(0, 30), 'no store entries: the archive alone');
  t.same((await readAuditTrail(join(dir, 'missing'), range(0, 2))).entries, range(0, 2), 'no archive: the store alone');
});

t.test('the store writer: an archive that cannot be written keeps the entries in the store', async (t) => {
  const dir = await dataDir(t);
  const file = join(dir, 'hotdesk.json');
  const errors: Error[] = [];
  const writer = await openStoreWriter(file, dir, newValues, { onAuditArchiveError: (error) => errors.push(error) });
  // A file where the archive directory should be.
  await writeFile(auditArchiveDir(dir), 'in the way');
  await writer.commit(withAudit(writer.data, range(0, 5100)));
  t.equal(errors.length, 1, 'the failure is reported');
  t.equal((await readStore(file))!.audit.length, 5100, 'the store keeps every entry');

  await rm(auditArchiveDir(dir));
  await writer.commit(withAudit(writer.data, [...writer.data.audit, entry(5100)]));
  t.equal(errors.length, 1, 'no new failure');
  t.same(numbersOf((await readStore(file))!.audit), sequence(601, 5101), 'the next write archives');
  t.same(numbersOf(await archivedLines(dir)), sequence(0, 601));
});

t.test(
  'the store writer: a store write that fails after archiving leaves the store whole; the next write archives ' +
    'nothing twice',
  async (t) => {
    const dir = await dataDir(t);
    const file = join(dir, 'hotdesk.json');
    const writer = await openStoreWriter(file, dir, newValues);
    await writer.commit(withAudit(writer.data, range(0, 5000)));
    // The store is written to a temp file first (steno); a directory in its place makes that write fail.
    const blocker = join(dir, '.hotdesk.json.tmp');
    await mkdir(blocker);
    const failed = await writer
      .commit(withAudit(writer.data, [...writer.data.audit, ...range(5000, 5010)]))
      .catch((error: unknown) => error);
    t.type(failed, StoreFileError, 'the commit fails');
    t.same(numbersOf(await archivedLines(dir)), sequence(0, 510), 'the archive was written first');
    t.same(numbersOf((await readStore(file))!.audit), sequence(0, 5000), 'the store file is as before');
    t.same(numbersOf(writer.data.audit), sequence(0, 5000), 'and so is the writer');
    t.same(
      numbersOf((await readAuditTrail(dir, writer.data.audit)).entries),
      sequence(0, 5000),
      'read now: each entry once',
    );

    await rm(blocker, { recursive: true });
    await writer.commit(withAudit(writer.data, [...writer.data.audit, ...range(5000, 5010)]));
    t.same(numbersOf((await readStore(file))!.audit), sequence(510, 5010));
    const lines = await archivedLines(dir);
    t.same(numbersOf(lines), sequence(0, 510), 'nothing archived twice');
    t.same(numbersOf((await readAuditTrail(dir, writer.data.audit)).entries), sequence(0, 5010));
    t.same((await readdir(dir)).sort(), ['audit', 'hotdesk.json']);
  },
);

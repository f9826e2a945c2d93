/** Store backups on a real file system: atomic copies named by time, mode 0600, pruned to the newest N. */
import t from 'tap';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { backupStamp, backupStore } from '../../src/adapters/store-backup.js';
import { modeOf, tempDir } from '../support/temp-data.js';

t.test('a backup is a copy of the store named after the time', async (t) => {
  const dir = await tempDir(t);
  const storeFile = join(dir, 'hotdesk.json');
  await writeFile(storeFile, '{"version":1,"first":true}');
  const backupDir = join(dir, 'backups');
  const result = await backupStore({ storeFile, backupDir, now: new Date('2026-12-04T02:30:00.123Z'), keep: 14 });
  t.equal(result.file, join(backupDir, 'hotdesk-20261204T023000Z.json'));
  t.same(result.removed, []);
  t.equal(await readFile(result.file, 'utf8'), '{"version":1,"first":true}');
  t.equal(await modeOf(result.file), 0o600, 'it holds SIP passwords: owner only');
  t.equal(await modeOf(backupDir), 0o700);
  t.equal(backupStamp(new Date('2027-01-02T03:04:05Z')), '20270102T030405Z');
});

t.test('only the newest N are kept; other files are left alone', async (t) => {
  const dir = await tempDir(t);
  const storeFile = join(dir, 'hotdesk.json');
  const backupDir = join(dir, 'backups');
  await writeFile(storeFile, '{}');
  const days = ['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04'];
  for (const day of days) await backupStore({ storeFile, backupDir, now: new Date(`${day}T02:30:00Z`), keep: 3 });
  await writeFile(join(backupDir, 'notes.txt'), 'mine');
  const again = await backupStore({ storeFile, backupDir, now: new Date('2026-12-04T02:30:00Z'), keep: 3 });
  t.equal(
    again.file,
    join(backupDir, 'hotdesk-20261204T023000Z-2.json'),
    'a second backup in the same second keeps both',
  );
  t.same((await readdir(backupDir)).sort(), [
    'hotdesk-20261203T023000Z.json',
    'hotdesk-20261204T023000Z-2.json',
    'hotdesk-20261204T023000Z.json',
    'notes.txt',
  ]);
  t.same(again.removed, [join(backupDir, 'hotdesk-20261202T023000Z.json')]);
  const one = await backupStore({ storeFile, backupDir, now: new Date('2026-12-05T02:30:00Z'), keep: 1 });
  t.same((await readdir(backupDir)).sort(), ['hotdesk-20261205T023000Z.json', 'notes.txt'], 'keep 1: only the new one');
  t.equal(one.removed.length, 3);
});

t.test('a store that cannot be read leaves no partial backup', async (t) => {
  const dir = await tempDir(t);
  const backupDir = join(dir, 'backups');
  await t.rejects(
    backupStore({ storeFile: join(dir, 'missing.json'), backupDir, now: new Date('2026-12-04T02:30:00Z'), keep: 3 }),
    { code: 'ENOENT' },
  );
  t.same(await readdir(backupDir), []);
});

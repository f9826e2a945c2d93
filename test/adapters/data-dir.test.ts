/** The data directory: created 0700; a looser one of ours tightened; one of another user's reported, left alone. */
import t from 'tap';
import { chmod, chown, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDataDir, modeText } from '../../src/adapters/data-dir.js';
import { tempDir } from '../support/temp-data.js';

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

t.test('a new data directory is created 0700, whatever the umask', async (t) => {
  const dir = join(await tempDir(t), 'data');
  const umask = process.umask(0o022);
  t.teardown(() => void process.umask(umask));
  t.same(await ensureDataDir(dir), { kind: 'ok' });
  t.equal(modeText(await modeOf(dir)), '0700');
  t.same(await ensureDataDir(dir), { kind: 'ok' }, 'and is left so');
});

t.test('an existing directory readable by others is tightened when it is ours', async (t) => {
  const dir = join(await tempDir(t), 'data');
  await mkdir(dir);
  await chmod(dir, 0o755);
  t.same(await ensureDataDir(dir), { kind: 'tightened', from: 0o755 });
  t.equal(modeText(await modeOf(dir)), '0700');
});

t.test('one owned by another user is reported and left alone', async (t) => {
  const root = process.getuid?.() === 0;
  // As root, a directory handed to nobody; otherwise a directory root owns and anyone may enter.
  const dir = root ? join(await tempDir(t), 'data') : '/tmp';
  if (root) {
    await mkdir(dir);
    await chmod(dir, 0o755);
    await chown(dir, 65534, 65534);
  }
  const before = await modeOf(dir);
  const state = await ensureDataDir(dir);
  t.match(state, { kind: 'loose', mode: before, uid: root ? 65534 : 0 });
  t.equal(await modeOf(dir), before, 'its mode is not changed');
});

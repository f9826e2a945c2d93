/** The store file through lowdb, on real temp directories. */
import t from 'tap';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { openStoreWriter, readStore, StoreFileError, writeUnderLock } from '../../src/adapters/json-store.js';
import { dataPaths } from '../../src/adapters/paths.js';
import { STORE_VERSION, type StoreData } from '../../src/store/schema.js';
import { serializeStore } from '../../src/store/migrate.js';
import { exists, tempDir } from '../support/temp-data.js';

const newValues = () => ({ address: '192.0.2.10', provisioningToken: 'test-token-0123456789' });

/** An unversioned file from before the store had a version, an audit trail or a phone counter. */
const V0 = {
  settings: {
    sipDomain: '192.0.2.7',
    address: '192.0.2.7',
    httpPort: 8088,
    sipPort: 5060,
    provisioningToken: 'old-token-0123456789',
    emergencyNumbers: ['112'],
    dialCodes: { login: '*77*', logout: '*77*5*' },
    defaultLanguage: 'it',
    timeZone: 'Europe/Rome',
    trunk: null,
    policies: {},
  },
  extensions: [
    {
      number: '100',
      name: 'Ada',
      sipPassword: 'Sip-Password-123',
      pinHash: 'scrypt$16384$8$1$c2FsdA==$aGFzaA==',
      hotdesk: true,
      language: 'it',
      blf: ['101', null],
    },
  ],
  phones: [
    {
      name: 'HD0001',
      model: 'yealink-t54w',
      mac: '001565aabbcc',
      connection: { mode: 'lan' },
      idlePassword: 'idle-password-1',
      session: null,
      desiredGeneration: 3,
      appliedGeneration: 3,
    },
    {
      name: 'HD0002',
      model: 'snom-d785',
      mac: '000413aabbcc',
      connection: { mode: 'lan' },
      idlePassword: 'idle-password-2',
      session: { extension: '100', since: '2025-01-01T08:00:00.000Z' },
      desiredGeneration: 1,
      appliedGeneration: 1,
    },
  ],
};

t.test('a new store is created with mode 0600, and commits are atomic renames', async (t) => {
  const dir = join(await tempDir(t), 'data');
  const file = join(dir, 'hotdesk.json');
  t.equal(await readStore(file), undefined, 'no file: no store');
  t.notOk(await exists(dir), 'reading created nothing');
  const writer = await openStoreWriter(file, dir, newValues);
  t.equal((await stat(file)).mode & 0o777, 0o600, 'the store file is mode 0600');
  t.equal((await stat(dir)).mode & 0o777, 0o700, 'the data directory is mode 0700');
  t.match(writer.data, {
    version: STORE_VERSION,
    settings: { address: '192.0.2.10', provisioningToken: 'test-token-0123456789' },
    phones: [],
  });
  t.same(await readStore(file), writer.data, 'what is read back is what was created');

  const next: StoreData = { ...writer.data, settings: { ...writer.data.settings, timeZone: 'Europe/Rome' } };
  await writer.commit(next);
  t.equal(writer.data, next);
  t.equal(await readFile(file, 'utf8'), serializeStore(next), 'the file holds exactly the serialised store');
  t.equal((await stat(file)).mode & 0o777, 0o600, 'still 0600 after a commit');
  t.same((await readdir(dir)).sort(), ['hotdesk.json'], 'no temp file left beside it');
});

t.test('reading never writes: not a migrated file, not a missing one', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'hotdesk.json');
  const text = `${JSON.stringify(V0, null, 2)}\n`;
  await writeFile(file, text);
  const before = await stat(file);
  const data = await readStore(file);
  t.match(data, { version: STORE_VERSION, nextPhoneNumber: 3, audit: [] }, 'read migrates in memory');
  t.equal(await readFile(file, 'utf8'), text, 'the file is not rewritten');
  t.equal((await stat(file)).mtimeMs, before.mtimeMs);
  t.same(await readdir(dir), ['hotdesk.json']);
});

t.test('an unversioned v0 file is migrated and written back on open', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'hotdesk.json');
  await writeFile(file, JSON.stringify(V0));
  const writer = await openStoreWriter(file, dir, newValues);
  t.match(writer.data, {
    version: STORE_VERSION,
    nextPhoneNumber: 3,
    audit: [],
    settings: { provisioningToken: 'old-token-0123456789', defaultLanguage: 'it' },
    extensions: [{ number: '100', blf: ['101', null] }],
    phones: [{ name: 'HD0001' }, { name: 'HD0002', session: { extension: '100' } }],
  });
  const onDisk = JSON.parse(await readFile(file, 'utf8')) as StoreData;
  t.equal(onDisk.version, STORE_VERSION, 'the file now carries the current version');
  t.same(onDisk, writer.data);
  const reopened = await openStoreWriter(file, dir, newValues);
  t.same(reopened.data, writer.data, 'opening again changes nothing more');
});

const REFUSED: [string, string, RegExp][] = [
  [
    'a newer version',
    JSON.stringify({ ...V0, version: STORE_VERSION + 1 }),
    new RegExp(`store version ${STORE_VERSION + 1} is newer`),
  ],
  ['garbage', '{"version": 1, "phones": [', /not valid JSON/],
  ['the wrong shape', JSON.stringify({ version: STORE_VERSION, phones: {} }), /invalid store/],
];

for (const [what, content, problem] of REFUSED) {
  t.test(`a store file with ${what} is refused and left untouched`, async (t) => {
    const dir = await tempDir(t);
    const file = join(dir, 'hotdesk.json');
    await writeFile(file, content);
    await chmod(file, 0o644); // explicit: openStoreWriter sets this process's umask to 077
    for (const [how, open] of [
      ['readStore', () => readStore(file)],
      ['openStoreWriter', () => openStoreWriter(file, dir, newValues)],
    ] as const) {
      const error = await open().then(
        () => undefined,
        (error: unknown) => error,
      );
      t.type(error, StoreFileError, `${how} throws a StoreFileError`);
      t.match(error, { file, problem, message: new RegExp(`^${file}: `) }, `${how} names the file and the problem`);
    }
    t.equal(await readFile(file, 'utf8'), content, 'byte for byte the same');
    t.equal((await stat(file)).mode & 0o777, 0o644, 'its mode unchanged');
    t.same(await readdir(dir), ['hotdesk.json'], 'nothing written beside it');
  });
}

t.test('writeUnderLock: writes and releases, or reports the live owner and does nothing', async (t) => {
  const paths = dataPaths(join(await tempDir(t), 'data'));
  const added = await writeUnderLock(paths, newValues, (data) => ({
    next: { ...data, settings: { ...data.settings, emergencyNumbers: ['112', '999'] } },
    value: 'added',
  }));
  t.same(added, { done: true, value: 'added' });
  t.notOk(await exists(paths.lock), 'the lock is released');
  t.same((await readStore(paths.store))?.settings.emergencyNumbers, ['112', '999']);

  const declined = await writeUnderLock(paths, newValues, () => ({ value: 'nothing to do' }));
  t.same(declined, { done: true, value: 'nothing to do' });
  t.notOk(await exists(paths.lock));

  const before = await readFile(paths.store, 'utf8');
  const thrown = await writeUnderLock(paths, newValues, () => {
    throw new Error('bug in work');
  }).catch((error: Error) => error.message);
  t.equal(thrown, 'bug in work');
  t.notOk(await exists(paths.lock), 'the lock is released when the work throws');
  t.equal(await readFile(paths.store, 'utf8'), before);

  const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  t.teardown(() => void holder.kill('SIGKILL'));
  await writeFile(paths.lock, `${holder.pid}\n`);
  let called = false;
  const blocked = await writeUnderLock(paths, newValues, (data) => {
    called = true;
    return { next: data, value: 'x' };
  });
  t.same(blocked, { done: false, owner: { pid: holder.pid, alive: true } });
  t.notOk(called, 'the work is not run');
  t.equal(await readFile(paths.store, 'utf8'), before, 'the store is untouched');
  t.equal(await readFile(paths.lock, 'utf8'), `${holder.pid}\n`, "the other's lock stays");
});

t.test('a corrupt store under writeUnderLock: refused, untouched, lock released', async (t) => {
  const paths = dataPaths(await tempDir(t));
  await mkdir(paths.dir, { recursive: true });
  await writeFile(paths.store, 'garbage');
  const error = await writeUnderLock(paths, newValues, (data) => ({ next: data, value: 1 })).catch(
    (error: unknown) => error,
  );
  t.type(error, StoreFileError);
  t.equal(await readFile(paths.store, 'utf8'), 'garbage');
  t.notOk(await exists(paths.lock));
});

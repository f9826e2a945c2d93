/**
 * watchStore (src/adapters/json-store.ts), the file watch behind `status --watch`
 * and the dashboard, against a real directory.
 */
import t, { type Test } from 'tap';
import { rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { watchStore, type StoreWatchEvent } from '../../src/adapters/json-store.js';
import { serializeStore } from '../../src/store/migrate.js';
import type { StoreData } from '../../src/store/schema.js';
import { emptyOffice } from '../support/office.js';
import { delay, until } from '../support/ink-keys.js';
import { tempDir } from '../support/temp-data.js';

const office = (phones: number): StoreData => ({ ...emptyOffice(), nextPhoneNumber: phones + 1 });

/** As lowdb (steno) writes: a temp file beside the store, then a rename over it. */
async function writeLikeLowdb(file: string, text: string): Promise<void> {
  const temp = join(file, '..', '.hotdesk.json.tmp');
  await writeFile(temp, text, { mode: 0o600 });
  await rename(temp, file);
}

async function watching(t: Test) {
  const dir = await tempDir(t);
  const file = join(dir, 'hotdesk.json');
  await writeFile(file, serializeStore(office(0)));
  const events: StoreWatchEvent[] = [];
  const stop = watchStore(file, (event) => events.push(event));
  t.teardown(stop);
  await delay(50);
  return { dir, file, events, stop };
}

const readNext = (event: StoreWatchEvent | undefined): number | string | undefined =>
  event?.kind === 'read' ? event.data?.nextPhoneNumber : event?.kind;

t.test('a write-then-rename of the store fires the callback with the re-read store', async (t) => {
  const { file, events } = await watching(t);
  await writeLikeLowdb(file, serializeStore(office(3)));
  await until(() => events.length > 0);
  t.equal(readNext(events.at(-1)), 4);
});

t.test('a burst of writes is debounced and ends on the newest store', async (t) => {
  const { file, events } = await watching(t);
  // Writes ~5 ms apart: well inside the 50 ms debounce, far enough apart that each is its own watch event.
  for (let phones = 1; phones <= 5; phones++) {
    await writeLikeLowdb(file, serializeStore(office(phones)));
    await delay(5);
  }
  await until(() => events.length > 0);
  await delay(150);
  t.ok(events.length <= 2, `a few callbacks, not one per write (${events.length})`);
  t.equal(readNext(events.at(-1)), 6);
});

t.test('a corrupt file is reported and watching goes on', async (t) => {
  const { file, events } = await watching(t);
  await writeLikeLowdb(file, '{ "version": 2, "phones": [');
  await until(() => events.length > 0);
  const bad = events.at(-1);
  t.equal(bad?.kind, 'unreadable');
  if (bad?.kind === 'unreadable') t.equal(bad.error.file, file);
  await writeLikeLowdb(file, serializeStore(office(2)));
  await until(() => readNext(events.at(-1)) === 3);
  t.pass('the next good write is read');
});

t.test('other files in the directory do not fire it', async (t) => {
  const { dir, events } = await watching(t);
  await writeFile(join(dir, 'hotdeskd.lock'), '4242\n');
  await writeFile(join(dir, 'notes.txt'), 'x');
  await delay(200);
  t.same(events, []);
});

t.test('a removed store reads as no store', async (t) => {
  const { file, events } = await watching(t);
  await rm(file);
  await until(() => events.length > 0);
  t.same(events.at(-1), { kind: 'read', data: undefined });
});

t.test('after stopping, nothing more arrives', async (t) => {
  const { file, events, stop } = await watching(t);
  stop();
  await writeLikeLowdb(file, serializeStore(office(1)));
  await delay(200);
  t.same(events, []);
});

t.test('a data directory that does not exist yet is created to be watched', async (t) => {
  const dir = join(await tempDir(t), 'data');
  const file = join(dir, 'hotdesk.json');
  const events: StoreWatchEvent[] = [];
  const stop = watchStore(file, (event) => events.push(event));
  t.teardown(stop);
  t.ok(existsSync(dir));
  await delay(50);
  await writeLikeLowdb(file, serializeStore(office(1)));
  await until(() => events.length > 0);
  t.equal(readNext(events.at(-1)), 2);
});

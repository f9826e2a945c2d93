import t from 'tap';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { openStoreWriter } from '../../../src/adapters/json-store.js';
import { createLogger } from '../../../src/adapters/log.js';
import { serializeStore } from '../../../src/store/migrate.js';
import { createStoreService } from '../../../src/daemon/store-service.js';
import { createBindingTable } from '../../../src/daemon/sip/binding-table.js';
import { withBindings, type Binding } from '../../../src/sip/location.js';
import type { StoreData } from '../../../src/store/schema.js';
import { emptyOffice } from '../../support/office.js';
import { tempDir } from '../../support/temp-data.js';

const binding = (expiresAt: number): Binding => ({
  aor: '100',
  contact: 'sip:100@192.0.2.50:5062',
  source: { protocol: 'UDP', address: '192.0.2.50', port: 5062 },
  expiresAt,
  callId: 'reg-1',
  cseq: 1,
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

t.test('changes are saved soon, refreshes later, and a change brings a pending refresh forward', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'hotdesk.json');
  await writeFile(file, serializeStore(emptyOffice()));
  const writer = await openStoreWriter(file, dir, () => {
    throw new Error('the store exists');
  });
  const saves: { at: number; bindings: StoreData['bindings'] }[] = [];
  const started = Date.now();
  const table = createBindingTable({
    store: createStoreService(writer),
    log: createLogger({ level: 'silent' }),
    now: Date.now,
    saveBindings: async (bindings) => void saves.push({ at: Date.now() - started, bindings }),
    saveAfterMs: { change: 30, refresh: 400 },
  });

  table.location = withBindings(table.location, '100', [binding(started + 60_000)]);
  table.persist('refresh');
  await sleep(150);
  t.equal(saves.length, 0, 'a refresh waits');
  table.persist('change');
  await sleep(150);
  t.equal(saves.length, 1, 'a change comes within its own delay, the refresh with it');
  t.ok(saves[0]!.at < 400, `saved after ${saves[0]!.at} ms, before the refresh was due`);
  t.same(
    saves[0]!.bindings.map((saved) => saved.expiresAt),
    [started + 60_000],
  );

  table.location = withBindings(table.location, '100', [binding(started + 120_000)]);
  table.persist('refresh');
  table.persist('refresh');
  await sleep(150);
  t.equal(saves.length, 1, 'two refreshes, no write yet');
  await sleep(450);
  t.equal(saves.length, 2, 'one write for both, once the refresh delay is over');
  t.same(
    saves[1]!.bindings.map((saved) => saved.expiresAt),
    [started + 120_000],
    'with the latest expiry',
  );

  table.location = withBindings(table.location, '100', [binding(started + 180_000)]);
  table.persist('refresh');
  await table.flush();
  t.equal(saves.length, 3, 'a pending refresh is written on close');
  await sleep(450);
  t.equal(saves.length, 3, 'and only once');
});

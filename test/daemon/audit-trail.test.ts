/**
 * The daemon as the audit trail's writer, in process on a real data directory
 * and control socket: one warning line when a failed-PIN burst starts, and
 * the store's overflow archived before it leaves the store.
 */
import t from 'tap';
import { PassThrough } from 'node:stream';
import { mkdir } from 'node:fs/promises';
import { startDaemon } from '../../src/daemon/main.js';
import { createLogger } from '../../src/adapters/log.js';
import { sendControl } from '../../src/adapters/control-socket.js';
import { listArchiveFiles, readAuditTrail } from '../../src/adapters/audit-archive.js';
import { readStore } from '../../src/adapters/json-store.js';
import { loadCatalogue } from '../../src/adapters/catalogue-files.js';
import { logNewPinAlerts } from '../../src/daemon/pin-alert-log.js';
import type { AuditEntry } from '../../src/core/model.js';
import type { StoreData } from '../../src/store/schema.js';
import { tempData, writeStoreFile } from '../support/temp-data.js';

interface LogLine {
  level: number;
  msg: string;
  alert?: string;
  extension?: string;
  phone?: string;
  failures?: number;
  windowMinutes?: number;
  first?: string;
  last?: string;
}

/** A pino logger writing JSON lines into an array. */
function capturedLog() {
  const stream = new PassThrough();
  const lines: LogLine[] = [];
  let buffered = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const part of parts) if (part.trim() !== '') lines.push(JSON.parse(part) as LogLine);
  });
  return { log: createLogger({ destination: stream, human: false }), lines };
}

const seedExtension = (data: StoreData): StoreData => ({
  ...data,
  extensions: [
    {
      number: '100',
      name: 'Ada Lovelace',
      sipPassword: 'Sip-Password-123',
      pinHash: 'scrypt$16384$8$1$c2FsdA==$aGFzaA==',
      hotdesk: true,
      language: 'en',
      blf: [],
    },
  ],
});

t.test('hotdeskd logs one warning when a failed-PIN burst starts, not one per failure', async (t) => {
  const paths = await tempData(t);
  await mkdir(paths.dir, { recursive: true });
  await writeStoreFile(paths.store, seedExtension);
  const { log, lines } = capturedLog();
  const daemon = await startDaemon({ dataDir: paths.dir, log, catalogue: loadCatalogue(), version: '0.0.0-test' });
  t.teardown(() => daemon.stop());

  const fail = async (extension: string, phone: string) => {
    const response = await sendControl(paths.socket, {
      kind: 'change',
      change: { kind: 'pin-failed', extension, phone },
    });
    t.equal(response.ok, true, `pin-failed ${extension} on ${phone} applied`);
  };
  const alerts = () => lines.filter((line) => line.alert === 'failed-pin-burst');

  // 100 from five phones, twice each: 10 for the extension, 2 per phone.
  for (let i = 0; i < 9; i++) await fail('100', `HD000${(i % 5) + 1}`);
  t.same(alerts(), [], 'nine failures: no alert');
  await fail('100', 'HD0005');
  t.match(alerts(), [
    {
      level: 40,
      msg: 'failed-PIN burst: extension 100, 10 failures in 10 minutes',
      extension: '100',
      failures: 10,
      windowMinutes: 10,
      first: String,
      last: String,
    },
  ]);
  t.equal(alerts().length, 1, 'the tenth raises one alert');
  t.notOk('phone' in alerts()[0]!, 'about the extension only');

  for (let i = 0; i < 5; i++) await fail('100', 'HD0001');
  t.equal(alerts().length, 1, 'five more failures: still one warning');

  // Phone HD0009 trying unknown extensions: its own alert, once.
  for (let i = 0; i < 12; i++) await fail(String(500 + i), 'HD0009');
  t.same(
    alerts().map((line) => line.msg),
    [
      'failed-PIN burst: extension 100, 10 failures in 10 minutes',
      'failed-PIN burst: phone HD0009, 10 failures in 10 minutes',
    ],
  );
  t.equal(alerts()[1]!.phone, 'HD0009');
  t.notMatch(JSON.stringify(lines), /pinHash|scrypt/, 'nothing secret in the log');
});

t.test('logNewPinAlerts: only a wrong PIN is checked', async (t) => {
  const { log, lines } = capturedLog();
  const now = '2026-11-22T09:05:00.000Z';
  const failures: AuditEntry[] = Array.from({ length: 10 }, (_, i) => ({
    at: `2026-11-22T09:00:0${i}.000Z`,
    kind: 'login-failed',
    actor: 'user',
    extension: '100',
    phone: 'HD0001',
  }));
  const store = (audit: AuditEntry[]) => ({ audit }) as StoreData;
  t.same(
    logNewPinAlerts(log, { kind: 'pin-ok', extension: '100', phone: 'HD0001' }, store([]), store(failures), now),
    [],
    'a right PIN raises nothing',
  );
  const raised = logNewPinAlerts(
    log,
    { kind: 'pin-failed', extension: '100', phone: 'HD0001' },
    store(failures.slice(1)),
    store(failures),
    now,
  );
  t.same(
    raised.map((alert) => `${alert.target} ${alert.key}`),
    ['extension 100', 'phone HD0001'],
  );
  await new Promise((resolve) => setImmediate(resolve));
  t.same(
    lines.map((line) => [line.level, line.msg]),
    [
      [40, 'failed-PIN burst: extension 100, 10 failures in 10 minutes'],
      [40, 'failed-PIN burst: phone HD0001, 10 failures in 10 minutes'],
    ],
  );
});

t.test('hotdeskd archives the oldest audit entries once the store holds more than 5,000', async (t) => {
  const paths = await tempData(t);
  await mkdir(paths.dir, { recursive: true });
  const seeded: AuditEntry[] = Array.from({ length: 5000 }, (_, i) => ({
    at: new Date(Date.parse('2026-01-01T00:00:00.000Z') + i * 60_000).toISOString(),
    kind: 'login',
    actor: 'user',
    extension: '100',
    detail: `seeded ${i}`,
  }));
  await writeStoreFile(paths.store, (data) => ({ ...seedExtension(data), audit: seeded }));
  const { log } = capturedLog();
  const daemon = await startDaemon({ dataDir: paths.dir, log, catalogue: loadCatalogue(), version: '0.0.0-test' });
  t.teardown(() => daemon.stop());
  t.same(await listArchiveFiles(paths.dir), [], 'at 5,000 nothing is archived');

  const response = await sendControl(paths.socket, {
    kind: 'change',
    change: { kind: 'pin-failed', extension: '100', phone: 'HD0001' },
  });
  t.equal(response.ok, true);
  const stored = (await readStore(paths.store))!.audit;
  t.equal(stored.length, 4500, 'the store keeps the newest 4,500');
  t.equal(stored.at(-1)!.kind, 'login-failed', 'the newest is the change just made');
  t.equal(daemon.store.data.audit.length, 4500, 'the daemon works on the trimmed store');
  t.equal((await listArchiveFiles(paths.dir)).length, 1);
  const trail = await readAuditTrail(paths.dir, stored);
  t.equal(trail.entries.length, 5001, 'archive and store hold every entry');
  t.same(trail.entries.slice(0, 5000), seeded, 'the seeded entries, once each, in order');
});

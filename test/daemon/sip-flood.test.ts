/**
 * Flood protection on real sockets: one source address (127.0.0.2) sends
 * OPTIONS as fast as it can while a phone on 127.0.0.1 registers and asks
 * OPTIONS at a phone's pace. The flood is cut to the per-source limit, the
 * phone is answered every time, and the flood is logged once, not per packet.
 */
import t from 'tap';
import dgram from 'node:dgram';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { startDaemon } from '../../src/daemon/main.js';
import { createLogger } from '../../src/adapters/log.js';
import { serializeStore } from '../../src/store/migrate.js';
import { addExtension, office } from '../support/office.js';
import { tempDir } from '../support/temp-data.js';
import { startTestPhone } from '../support/test-phone.js';

const LIMIT = { perSecond: 50, burst: 100 };

function options(port: number, from: number, i: number): Buffer {
  return Buffer.from(
    [
      `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.2:${from};branch=z9hG4bKflood${i};rport`,
      `From: <sip:scanner@127.0.0.2>;tag=f${i}`,
      'To: <sip:100@127.0.0.1>',
      `Call-ID: flood-${i}@127.0.0.2`,
      'CSeq: 1 OPTIONS',
      'Max-Forwards: 70',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
    'latin1',
  );
}

t.test('a flood from one address is cut to the limit while a phone elsewhere is answered', async (t) => {
  const dir = await tempDir(t);
  await writeFile(
    join(dir, 'hotdesk.json'),
    serializeStore(office(addExtension('100', 'Ada'), { kind: 'set-settings', sipDomain: 'office.test' })),
  );
  const logStream = new PassThrough();
  const logLines: string[] = [];
  logStream.setEncoding('utf8').on('data', (chunk: string) => logLines.push(...chunk.split('\n').filter(Boolean)));
  const daemon = await startDaemon({
    dataDir: dir,
    log: createLogger({ level: 'warn', destination: logStream, human: false }),
    sip: { bind: '127.0.0.1', port: 0, rtpPorts: { min: 0, max: 0 }, floodLimit: LIMIT },
  });
  t.teardown(() => daemon.stop());
  const port = daemon.sip!.stack.transport.port;

  const flooder = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => flooder.bind(0, '127.0.0.2', () => resolve()));
  t.teardown(() => new Promise<void>((resolve) => flooder.close(() => resolve())));
  let floodAnswers = 0;
  flooder.on('message', () => floodAnswers++);
  const phone = await startTestPhone({
    user: '100',
    password: 'secret-100',
    server: { address: '127.0.0.1', port },
    domain: 'office.test',
  });
  t.teardown(() => phone.close());

  const SENT = 4000;
  const started = Date.now();
  let flooding = true;
  const flood = (async () => {
    for (let i = 0; i < SENT; i++) {
      flooder.send(options(port, flooder.address().port, i), port, '127.0.0.1');
      // 40 every 10 ms: 4,000 a second, eighty times the limit, for a second.
      if (i % 40 === 39) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    flooding = false;
  })();
  const statuses: number[] = [];
  statuses.push((await phone.register()).status);
  while (flooding || statuses.length < 6) {
    statuses.push((await phone.request('OPTIONS', 'sip:office.test', { auth: false })).status);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await flood;
  await new Promise((resolve) => setTimeout(resolve, 300));
  const seconds = (Date.now() - started) / 1000;

  t.ok(
    statuses.every((status) => status === 200),
    `the phone was answered every time (${statuses.length} requests)`,
  );
  const allowed = LIMIT.burst + LIMIT.perSecond * (seconds + 1);
  t.ok(
    floodAnswers <= allowed,
    `the flooder got ${floodAnswers} answers for ${SENT} requests (at most ${Math.round(allowed)})`,
  );
  t.ok(floodAnswers >= LIMIT.burst / 2, 'but it was not cut off before its limit');
  t.ok(daemon.sip!.stack.transport.counters.dropped.flood >= SENT - allowed, 'the rest were dropped and counted');
  const floodLogs = logLines.filter((line) => line.includes('"event":"sip-flood"'));
  t.equal(floodLogs.length, 1, 'one log line for the flood, not one per packet');
  t.match(floodLogs[0], /"source":"127\.0\.0\.2"/, 'naming the source');
});

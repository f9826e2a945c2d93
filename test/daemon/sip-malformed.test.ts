/**
 * A corpus of malformed and unusual messages (in the spirit of RFC 4475's
 * torture tests) sent to a running SIP service: each gets its status or is
 * dropped and counted, and the service keeps answering.
 */
import t from 'tap';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import dgram from 'node:dgram';
import sip from 'sip';
import { world } from '../support/sip-world.js';
import type { SipResponse } from '../../src/sip/message.js';

const DIR = join(import.meta.dirname, '../fixtures/sip/malformed');

t.test('every message of the corpus gets its answer, and the service goes on', async (t) => {
  const w = await world(t);
  const expected = JSON.parse(await readFile(join(DIR, 'expected.json'), 'utf8')) as Record<string, number | 'drop'>;
  const files = (await readdir(DIR)).filter((name) => name.endsWith('.sip')).sort();
  t.same(files, Object.keys(expected).sort(), 'every fixture has an expected outcome');

  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  t.teardown(() => socket.close());
  const port = socket.address().port;
  const answers = new Map<string, SipResponse>();
  socket.on('message', (data) => {
    const message = sip.parse(data);
    if (message && 'status' in message) answers.set(message.headers['call-id'], message);
  });

  const droppedBefore = w.sip.stack.transport.counters.dropped;
  const dropsAtStart = droppedBefore.unparseable + droppedBefore['missing-headers'];
  let dropsExpected = 0;
  for (const file of files) {
    const text = (await readFile(join(DIR, file), 'utf8'))
      .replaceAll('${PORT}', String(port))
      .replaceAll('${SERVER}', String(w.server.port))
      .replace(/\r?\n/g, '\r\n');
    const callId = /^(?:call-id|i)\s*:\s*(\S+)/im.exec(text)?.[1];
    socket.send(Buffer.from(text, 'latin1'), w.server.port, '127.0.0.1');
    const want = expected[file]!;
    if (want === 'drop') {
      dropsExpected += 1;
      continue;
    }
    for (let i = 0; i < 100 && !answers.has(callId ?? ''); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    t.equal(answers.get(callId ?? '')?.status, want, `${file} → ${want}`);
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
  const dropped = w.sip.stack.transport.counters.dropped;
  t.equal(dropped.unparseable + dropped['missing-headers'] - dropsAtStart, dropsExpected, 'what cannot be answered is dropped and counted');
  t.equal(answers.get('unknown-method@127.0.0.1')?.headers['allow'] !== undefined, true, '405 carries Allow');
  t.match(String(answers.get('require@127.0.0.1')?.headers['unsupported']), /nonexistent-extension/, '420 names what is unsupported');

  const phone = await w.phone('100', 'secret-100');
  t.equal((await phone.register()).status, 200, 'still serving');
});

t.test('huge datagrams and floods of garbage do not stop the service', async (t) => {
  const w = await world(t);
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  t.teardown(() => socket.close());
  const huge = Buffer.alloc(60_000, 'A');
  huge.write('OPTIONS sip:office.test SIP/2.0\r\nSubject: ');
  for (let i = 0; i < 200; i++) {
    socket.send(i % 2 ? huge : Buffer.from(`garbage ${i}\r\n\r\n`), w.server.port, '127.0.0.1');
    // Paced so the kernel's socket buffer does not drop them before hotdeskd sees them.
    if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  const phone = await w.phone('100', 'secret-100');
  t.equal((await phone.register()).status, 200, 'still serving after the flood');
  t.ok(w.sip.stack.transport.counters.dropped.unparseable >= 100, 'the garbage was counted');
});

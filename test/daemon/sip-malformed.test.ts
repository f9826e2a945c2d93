/**
 * A corpus of malformed and unusual messages (in the spirit of RFC 4475's
 * torture tests) sent to a running SIP service: each gets its status or is
 * dropped and counted, and the service keeps answering.
 */
import t from 'tap';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import dgram from 'node:dgram';
import net from 'node:net';
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
  t.equal(
    dropped.unparseable + dropped['missing-headers'] - dropsAtStart,
    dropsExpected,
    'what cannot be answered is dropped and counted',
  );
  t.equal(answers.get('unknown-method@127.0.0.1')?.headers['allow'] !== undefined, true, '405 carries Allow');
  t.match(
    String(answers.get('require@127.0.0.1')?.headers['unsupported']),
    /nonexistent-extension/,
    '420 names what is unsupported',
  );

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

/** Sends raw text on a new TCP connection; resolves with all it got back and whether the server closed it. */
async function overTcp(
  port: number,
  text: string,
  waitMs = 1500,
): Promise<{ answer: string; closedByServer: boolean }> {
  const socket = net.connect(port, '127.0.0.1');
  socket.setEncoding('latin1');
  let answer = '';
  socket.on('data', (chunk: string) => (answer += chunk));
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write(text);
  const closedByServer = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), waitMs);
    socket.once('end', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  socket.destroy();
  return { answer, closedByServer };
}

const tcpOptions = (callId: string, ...headers: string[]) =>
  [
    'OPTIONS sip:office.test SIP/2.0',
    `Via: SIP/2.0/TCP 127.0.0.1:5099;branch=z9hG4bK${callId}`,
    '<sip:100@office.test>;tag=t1'.replace(/^/, 'From: '),
    'To: <sip:office.test>',
    `Call-ID: ${callId}`,
    'CSeq: 1 OPTIONS',
    'Max-Forwards: 70',
    ...headers,
    '',
    '',
  ].join('\r\n');

t.test(
  'over TCP, a message with no Content-Length, or two different ones, gets 400 and the connection is closed ' +
    '(RFC 3261 §18.3, §20.14)',
  async (t) => {
    const w = await world(t);
    for (const [name, headers] of [
      ['no Content-Length', []],
      ['two different Content-Lengths', ['Content-Length: 0', 'Content-Length: 40']],
      ['two values in one Content-Length', ['Content-Length: 0, 40']],
      ['a Content-Length that is no number', ['Content-Length: zero']],
    ] as const) {
      const callId = `framing-${name.replace(/\W+/g, '-')}`;
      // A second, well-framed message follows on the same connection: it must not be read.
      const { answer, closedByServer } = await overTcp(
        w.server.port,
        tcpOptions(callId, ...headers) + tcpOptions(`${callId}-after`, 'Content-Length: 0'),
      );
      t.match(answer, /^SIP\/2\.0 400 /, `${name}: 400`);
      t.match(answer, new RegExp(`Call-ID: ${callId}\\r\\n`, 'i'), `${name}: the answer is to that request`);
      t.notMatch(answer, /-after/, `${name}: nothing after it is read`);
      t.ok(closedByServer, `${name}: the connection is closed`);
    }
    t.ok(w.sip.stack.transport.counters.dropped['bad-length'] >= 4, 'counted');
    const same = await overTcp(
      w.server.port,
      tcpOptions('framing-same-twice', 'Content-Length: 0', 'Content-Length: 0'),
      500,
    );
    t.match(same.answer, /^SIP\/2\.0 200 /, 'the same Content-Length twice is fine');
    t.notOk(same.closedByServer, 'and the connection stays');
    const phone = await w.phone('100', 'secret-100');
    t.equal((await phone.register()).status, 200, 'still serving');
  },
);

t.test('over TCP, a SIP version other than 2.0 gets 505, answered as SIP/2.0', async (t) => {
  const w = await world(t);
  const text = tcpOptions('version-3-tcp', 'Content-Length: 0').replace(
    'OPTIONS sip:office.test SIP/2.0',
    'OPTIONS sip:office.test SIP/3.0',
  );
  const { answer, closedByServer } = await overTcp(w.server.port, text, 500);
  t.match(answer, /^SIP\/2\.0 505 Version Not Supported\r\n/);
  t.notOk(closedByServer, 'a well-framed message keeps its connection');
});

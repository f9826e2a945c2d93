/**
 * The OPTIONS probe against real sockets on 127.0.0.1: an answer (and only
 * one to our Call-ID) counts, silence times out, a closed port is refused,
 * an unknown host is an error.
 */
import t, { type Test } from 'tap';
import dgram from 'node:dgram';
import net from 'node:net';
import { once } from 'node:events';
import { probeSipOptions } from '../../src/adapters/sip-probe.js';

function header(request: string, name: string): string {
  return new RegExp(`^${name}: (.*)$`, 'mi').exec(request)?.[1]?.trim() ?? '';
}

/** A response to `request` (same Via, From, To, Call-ID, CSeq). */
function answer(request: string, status: string, callId = header(request, 'Call-ID'), extra: string[] = []): string {
  return [
    `SIP/2.0 ${status}`,
    `Via: ${header(request, 'Via')}`,
    `From: ${header(request, 'From')}`,
    `To: ${header(request, 'To')};tag=srv1`,
    `Call-ID: ${callId}`,
    `CSeq: ${header(request, 'CSeq')}`,
    ...extra,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** A UDP server answering each request with `reply(request)` (nothing when it returns undefined). */
async function udpServer(t: Test, reply: (request: string) => string[]): Promise<{ port: number; requests: string[] }> {
  const socket = dgram.createSocket('udp4');
  const requests: string[] = [];
  socket.on('message', (bytes, remote) => {
    const request = bytes.toString('utf8');
    requests.push(request);
    for (const text of reply(request)) socket.send(text, remote.port, remote.address);
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  t.teardown(() => socket.close());
  return { port: socket.address().port, requests };
}

/** A port on 127.0.0.1 that nothing listens on (bound, read, closed). */
async function closedPort(kind: 'udp' | 'tcp'): Promise<number> {
  if (kind === 'udp') {
    const socket = dgram.createSocket('udp4');
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    const { port } = socket.address();
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    return port;
  }
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

t.test('UDP: the answer to our OPTIONS, with its Date and Server', async (t) => {
  const server = await udpServer(t, (request) => [
    answer(request, '200 OK', undefined, ['Date: Sun, 22 Nov 2026 08:00:00 GMT', 'Server: Test PBX']),
  ]);
  const result = await probeSipOptions({ host: '127.0.0.1', port: server.port, userAgent: 'hotdesk-doctor/9.9' });
  t.match(result, {
    kind: 'answered',
    status: 200,
    reason: 'OK',
    date: 'Sun, 22 Nov 2026 08:00:00 GMT',
    server: 'Test PBX',
  });
  t.equal(server.requests.length, 1);
  const request = server.requests[0]!;
  t.match(request, new RegExp(`^OPTIONS sip:127\\.0\\.0\\.1:${server.port} SIP/2\\.0\\r\\n`));
  t.match(request, /^Via: SIP\/2\.0\/UDP 127\.0\.0\.1:\d+;branch=z9hG4bK[0-9a-f]+;rport$/m);
  t.match(request, /^CSeq: 1 OPTIONS$/m);
  t.match(request, /^User-Agent: hotdesk-doctor\/9\.9$/m);
});

t.test('UDP: an error status is still an answer; answers to other Call-IDs are not', async (t) => {
  const server = await udpServer(t, (request) => [
    answer(request, '200 OK', 'someone-else@x'),
    answer(request, '405 Method Not Allowed'),
  ]);
  t.match(await probeSipOptions({ host: '127.0.0.1', port: server.port }), {
    kind: 'answered',
    status: 405,
    reason: 'Method Not Allowed',
  });
});

t.test('UDP: silence times out, a closed port is refused', async (t) => {
  const silent = await udpServer(t, () => []);
  const started = Date.now();
  t.same(await probeSipOptions({ host: '127.0.0.1', port: silent.port, timeoutMs: 300 }), { kind: 'timeout', ms: 300 });
  t.ok(Date.now() - started >= 290, 'waited for the timeout');
  t.equal(silent.requests.length, 1, 'the request arrived');
  t.same(await probeSipOptions({ host: '127.0.0.1', port: await closedPort('udp'), timeoutMs: 2000 }), {
    kind: 'refused',
  });
});

t.test('an unknown host is an error naming it', async (t) => {
  const result = await probeSipOptions({ host: 'no-such-host.invalid', port: 5060, timeoutMs: 2000 });
  t.equal(result.kind, 'error');
  t.match(result, { problem: /cannot resolve no-such-host\.invalid/ });
});

t.test('TCP: the answer over a connection; a closed port is refused', async (t) => {
  const server = net.createServer((socket) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      // Written in two pieces: the probe must wait for the whole header.
      if (text.includes('\r\n\r\n')) {
        const reply = answer(text, '200 OK');
        socket.write(reply.slice(0, 20));
        setTimeout(() => socket.write(reply.slice(20)), 20);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => server.close());
  const { port } = server.address() as net.AddressInfo;
  t.match(await probeSipOptions({ host: '127.0.0.1', port, transport: 'tcp' }), { kind: 'answered', status: 200 });
  t.same(await probeSipOptions({ host: '127.0.0.1', port: await closedPort('tcp'), transport: 'tcp' }), {
    kind: 'refused',
  });
});

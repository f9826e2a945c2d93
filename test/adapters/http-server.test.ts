/** The HTTP server adapter on 127.0.0.1 port 0: plain values in and out, its own limits, close(). */
import t from 'tap';
import http from 'node:http';
import net from 'node:net';
import { startHttpServer, type HttpRequest } from '../../src/adapters/http-server.js';

function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      })
      .on('error', reject);
  });
}

function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

t.test('requests as values, replies as values', async (t) => {
  const seen: HttpRequest[] = [];
  let sent = 0;
  const server = await startHttpServer({
    bind: '127.0.0.1',
    port: 0,
    handle: (request) => {
      seen.push(request);
      if (request.target === '/boom') throw new Error('handler bug');
      return {
        status: 200,
        headers: { 'Content-Type': 'text/plain', 'X-Two': ['a', 'b'] },
        body: 'grüß\n',
        onSent: () => sent++,
      };
    },
  });
  t.teardown(() => server.close());
  t.ok(server.port > 0, 'port 0 picks a free port');
  t.equal(server.host, '127.0.0.1');
  const reply = await get(server.port, '/a%2Fb?x=1', { 'User-Agent': 'Test/1', 'X-Dup': 'one' });
  t.equal(reply.status, 200);
  t.equal(reply.body, 'grüß\n');
  t.equal(reply.headers['content-length'], String(Buffer.byteLength('grüß\n')), 'length in bytes');
  t.match(
    seen[0],
    {
      method: 'GET',
      target: '/a%2Fb?x=1',
      remoteAddress: '127.0.0.1',
      headers: { 'user-agent': 'Test/1', 'x-dup': 'one' },
    },
    'the target as sent',
  );
  t.equal(sent, 1, 'onSent once the reply is out');

  const errors: unknown[] = [];
  const failing = await startHttpServer({
    bind: '127.0.0.1',
    port: 0,
    handle: () => Promise.reject(new Error('bug')),
    onError: (error) => errors.push(error),
  });
  t.teardown(() => failing.close());
  t.equal((await get(failing.port, '/x')).status, 500);
  t.equal(errors.length, 1);
  t.equal(failing.counters.failures, 1);
  t.equal((await get(server.port, '/boom')).status, 500, 'a throwing handler: 500');
  t.equal((await get(server.port, '/fine')).status, 200, 'and the server goes on');
});

t.test('limits: 414, 431, 400, and a request timeout', async (t) => {
  let handled = 0;
  const server = await startHttpServer({
    bind: '127.0.0.1',
    port: 0,
    maxUrlLength: 100,
    maxHeaderSize: 2048,
    requestTimeoutMs: 300,
    handle: () => {
      handled++;
      return { status: 204 };
    },
  });
  t.teardown(() => server.close());
  t.equal((await get(server.port, `/${'a'.repeat(100)}`)).status, 414, 'a target over the limit');
  t.equal((await get(server.port, `/${'a'.repeat(98)}`)).status, 204, 'one at the limit');
  t.match(
    await raw(server.port, `GET /x HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(4000)}\r\n\r\n`),
    /^HTTP\/1\.1 431 /,
  );
  t.match(await raw(server.port, 'NONSENSE\r\n\r\n'), /^HTTP\/1\.1 400 /);
  const started = Date.now();
  const slow = await raw(server.port, 'GET /x HTTP/1.1\r\nHost: x\r\n');
  t.match(slow, /^HTTP\/1\.1 408 |^$/, 'an unfinished request is ended');
  t.ok(Date.now() - started < 5000, `within a few seconds (${Date.now() - started} ms)`);
  t.equal(handled, 1);
  t.equal(server.counters.uriTooLong, 1);
  t.ok(server.counters.malformed >= 2);
});

t.test('listening errors reach the caller', async (t) => {
  const first = await startHttpServer({ bind: '127.0.0.1', port: 0, handle: () => ({ status: 204 }) });
  t.teardown(() => first.close());
  await t.rejects(startHttpServer({ bind: '127.0.0.1', port: first.port, handle: () => ({ status: 204 }) }), {
    code: 'EADDRINUSE',
  });
});

t.test('connections per client address are capped, and one that sends nothing is closed', async (t) => {
  const server = await startHttpServer({
    bind: '127.0.0.1',
    port: 0,
    handle: () => ({ status: 200, body: 'ok\n' }),
    maxConnectionsPerAddress: 2,
    requestTimeoutMs: 500,
  });
  t.teardown(() => server.close());
  const held = [0, 1, 2].map(() =>
    net.connect({ port: server.port, host: '127.0.0.1', localAddress: '127.0.0.1' }).on('error', () => undefined),
  );
  t.teardown(() => held.forEach((socket) => socket.destroy()));
  const closed = held.map(
    (socket) => new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now()))),
  );
  const started = Date.now();
  const first = await Promise.race(closed.map((promise, index) => promise.then(() => index)));
  t.equal(first, 2, 'the third from one address is closed at once');
  t.ok(Date.now() - started < 400, 'before any timeout');
  t.equal(server.counters.refused, 1, 'and counted');
  const other = await new Promise<number>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: server.port, path: '/x', localAddress: '127.0.0.2', agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
  t.equal(other, 200, 'another address is served meanwhile');
  const ends = await Promise.all(closed.slice(0, 2));
  t.ok(
    ends.every((end) => end - started >= 400 && end - started < 3000),
    'the two that said nothing are closed after the request timeout',
  );
});

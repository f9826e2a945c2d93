/** The HTTP probe against a real server on 127.0.0.1: the status, a closed port, silence. */
import t from 'tap';
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { probeHttp } from '../../src/adapters/http-probe.js';

/** A TCP port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

t.test('HTTP: the status, a closed port, silence', async (t) => {
  const server = http.createServer((request, response) => {
    if (request.url === '/slow') return; // never answers
    response.writeHead(404).end('not found\n');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => server.closeAllConnections());
  t.teardown(() => server.close());
  const { port } = server.address() as net.AddressInfo;
  t.match(await probeHttp(`http://127.0.0.1:${port}/`), { kind: 'answered', status: 404 });
  t.same(await probeHttp(`http://127.0.0.1:${port}/slow`, 300), { kind: 'timeout', ms: 300 });
  t.same(await probeHttp(`http://127.0.0.1:${await closedPort()}/`), { kind: 'refused' });
});

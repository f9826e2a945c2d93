/**
 * The SIP transport's TLS side on 127.0.0.1 with a self-signed certificate: messages
 * framed like TCP and reported with protocol TLS, keep-alive pings answered, a reply
 * through `open()` going back over the phone's connection, no connection opened to a
 * phone that has none, plain-text clients and the connection limit counted as drops.
 * And the HTTP server over HTTPS: the same handler, `secure` set.
 */
import t from 'tap';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import sip from 'sip';
import { startSipTransport, type DropKind } from '../../src/adapters/sip-transport.js';
import { startHttpServer, type HttpRequest } from '../../src/adapters/http-server.js';
import type { Endpoint, SipMessage, SipRequest } from '../../src/sip/message.js';
import { tempDir } from '../support/temp-data.js';
import { makeTestCertificate } from '../support/tls-certificate.js';

const OPTIONS = [
  'OPTIONS sip:127.0.0.1 SIP/2.0',
  'Via: SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bKtls1',
  'From: <sip:probe@127.0.0.1>;tag=1',
  'To: <sip:127.0.0.1>',
  'Call-ID: tls-transport-1',
  'CSeq: 1 OPTIONS',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

const waitUntil = async (check: () => boolean, what: string) => {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

t.test('SIP over TLS: framing, replies over the same connection, drops', async (t) => {
  const cert = makeTestCertificate(await tempDir(t, 'hd-tls-'));
  const seen: { message: SipMessage; remote: Endpoint }[] = [];
  const drops: DropKind[] = [];
  const tlsErrors: string[] = [];
  const transport = await startSipTransport({
    bind: '127.0.0.1',
    port: 0,
    maxTcpConnections: 2,
    floodLimit: null,
    tls: { port: 0, credentials: { cert: cert.cert, key: cert.key } },
    onMessage: (message, remote) => seen.push({ message, remote }),
    onDrop: (what) => drops.push(what),
    onTlsError: (_error, remote) => tlsErrors.push(remote.protocol),
  });
  t.teardown(() => transport.close());
  t.ok(transport.tlsPort !== undefined && transport.tlsPort !== transport.port, 'a TLS port of its own');

  const client = tls.connect({ host: '127.0.0.1', port: transport.tlsPort!, ca: cert.cert });
  await new Promise<void>((resolve) => client.once('secureConnect', () => resolve()));
  t.teardown(() => client.destroy());
  let received = '';
  client.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  // Split across writes: the stream parser frames it.
  client.write(OPTIONS.slice(0, 40));
  client.write(OPTIONS.slice(40));
  await waitUntil(() => seen.length === 1, 'the OPTIONS');
  const { message, remote } = seen[0]!;
  t.same(
    [remote.protocol, remote.address, remote.port],
    ['TLS', '127.0.0.1', client.localPort],
    'reported as a TLS flow from the client',
  );
  t.equal((message as SipRequest).headers.via[0]!.params['received'], '127.0.0.1', 'received noted');

  client.write('\r\n\r\n');
  await waitUntil(() => received === '\r\n', 'the keep-alive pong');
  t.equal(transport.counters.keepAlives, 1, 'a CRLFCRLF ping is answered with CRLF');

  const request = message as SipRequest;
  transport.open(remote).send({
    status: 200,
    reason: 'OK',
    version: '2.0',
    headers: { ...request.headers, contact: [{ uri: `sip:127.0.0.1:${transport.port}`, params: {} }] },
  });
  await waitUntil(() => received.includes('SIP/2.0 200 OK'), 'the reply');
  const reply = sip.parse(received.slice(2))!;
  t.equal(reply.headers['call-id'], 'tls-transport-1', 'the reply comes back over the same connection');
  t.equal(
    sip.stringifyUri((reply.headers.contact as { uri: string }[])[0]!.uri),
    `sip:127.0.0.1:${transport.tlsPort};transport=tls`,
    'our own Contact becomes the TLS one',
  );

  const failures: Error[] = [];
  const sentBefore = transport.counters.sent;
  transport
    .open({ protocol: 'TLS', address: '127.0.0.1', port: 1 }, (error) => failures.push(error))
    .send({ ...request, headers: { ...request.headers } });
  await waitUntil(() => failures.length === 1, 'the error for a flow that does not exist');
  t.match(
    failures[0]!.message,
    /no TLS connection from 127\.0\.0\.1:1/,
    'no connection is opened to a phone without one',
  );
  t.equal(transport.counters.sent, sentBefore, 'nothing counted as sent');

  const plain = net.connect(transport.tlsPort!, '127.0.0.1');
  plain.on('error', () => undefined);
  plain.write(OPTIONS);
  await new Promise<void>((resolve) => plain.once('close', () => resolve()));
  await waitUntil(() => drops.includes('tls-handshake'), 'the handshake drop');
  t.equal(transport.counters.dropped['tls-handshake'], 1, 'a plain-text client on the TLS port is counted and dropped');
  t.same(tlsErrors, ['TLS'], 'and reported');

  // One TLS connection is open; a second fills the limit of two, a third is refused.
  const second = tls.connect({ host: '127.0.0.1', port: transport.tlsPort!, ca: cert.cert });
  await new Promise<void>((resolve) => second.once('secureConnect', () => resolve()));
  t.teardown(() => second.destroy());
  const third = net.connect(transport.tlsPort!, '127.0.0.1');
  third.on('error', () => undefined);
  await new Promise<void>((resolve) => third.once('close', () => resolve()));
  t.equal(transport.counters.dropped['connection-limit'], 1, 'past the connection limit the TLS port refuses too');
});

t.test('HTTPS: the same handler, the request marked secure', async (t) => {
  const cert = makeTestCertificate(await tempDir(t, 'hd-tls-'));
  const requests: HttpRequest[] = [];
  const server = await startHttpServer({
    bind: '127.0.0.1',
    port: 0,
    tls: { cert: cert.cert, key: cert.key },
    handle: (request) => {
      requests.push(request);
      return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: 'hello\n' };
    },
  });
  t.teardown(() => server.close());
  const body = await new Promise<string>((resolve, reject) => {
    https
      .get(`https://127.0.0.1:${server.port}/provisioning/x/y.cfg`, { ca: cert.cert }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve(text));
      })
      .on('error', reject);
  });
  t.equal(body, 'hello\n', 'served over HTTPS, trusted with the test CA');
  t.match(requests[0], { method: 'GET', target: '/provisioning/x/y.cfg', secure: true });

  const plain = net.connect(server.port, '127.0.0.1');
  plain.on('error', () => undefined);
  let answered = '';
  plain.on('data', (chunk: Buffer) => (answered += chunk.toString('latin1')));
  plain.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  await new Promise<void>((resolve) => plain.once('close', () => resolve()));
  t.notMatch(answered, /HTTP\/1\.1 200/, 'plain HTTP on the HTTPS port is not served');
  t.equal(requests.length, 1, 'and never reaches the handler');
  await waitUntil(() => server.counters.malformed === 1, 'the malformed count');
  t.equal(server.counters.malformed, 1, 'counted as malformed');
});

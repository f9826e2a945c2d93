/**
 * The TLS probe of `hotdesk doctor` against real servers on 127.0.0.1: a handshake and its certificate, a closed
 * port, a server that never speaks TLS.
 */
import t from 'tap';
import net from 'node:net';
import tls from 'node:tls';
import { probeTls } from '../../src/adapters/tls-probe.js';
import { makeTestCertificate } from '../support/tls-certificate.js';
import { tempDir } from '../support/temp-data.js';

const listen = (server: net.Server): Promise<number> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));

t.test('a TLS server: answered, with the end of its certificate, untrusted when self-signed', async (t) => {
  const certificate = makeTestCertificate(await tempDir(t));
  const server = tls.createServer({ cert: certificate.cert, key: certificate.key }, (socket) => socket.end());
  const port = await listen(server);
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const result = await probeTls('127.0.0.1', port);
  t.equal(result.kind, 'answered');
  if (result.kind !== 'answered') return;
  const daysLeft = (Date.parse(result.validTo) - Date.now()) / 86_400_000;
  t.ok(daysLeft > 1 && daysLeft <= 2.01, `the certificate's end is read (${result.validTo})`);
  t.equal(result.trusted, 'DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed: not trusted, and why');
});

t.test('nothing listening: refused; a server that never answers TLS: timeout', async (t) => {
  const closed = net.createServer();
  const closedPort = await listen(closed);
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  t.same(await probeTls('127.0.0.1', closedPort), { kind: 'refused' });
  const mute = net.createServer(() => undefined);
  const mutePort = await listen(mute);
  t.teardown(() => {
    mute.close();
  });
  t.same(await probeTls('127.0.0.1', mutePort, 300), { kind: 'timeout', ms: 300 });
});

/**
 * SIP over TLS and HTTPS provisioning with a real hotdeskd process and a self-signed
 * certificate for 127.0.0.1 (test/support/tls-certificate.ts, made by openssl):
 * a phone registers over TLS with digest authentication, `hotdesk login` sends its
 * check-sync NOTIFY back over the same TLS connection, its configuration comes over
 * HTTPS and names TLS, a plain-text client on the TLS port is dropped while hotdeskd
 * keeps serving, and hotdeskd refuses to start with half a TLS setting or an unreadable
 * key. Needs `npm run build` (spawns bin/hotdeskd and bin/hotdesk).
 */
import t from 'tap';
import https from 'node:https';
import net from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sip from 'sip';
import type { SipRequest, SipResponse } from '../../src/sip/message.js';
import { serializeStore } from '../../src/store/migrate.js';
import { addExtension, addPhone, office } from '../support/office.js';
import { runCli, spawnNode, DAEMON_BIN } from '../support/run-cli.js';
import { startDaemon } from '../support/start-daemon.js';
import { sendControl } from '../../src/adapters/control-socket.js';
import { dataPaths } from '../../src/adapters/paths.js';
import { tempData, tempDir } from '../support/temp-data.js';
import { makeTestCertificate, type TestCertificate } from '../support/tls-certificate.js';
import { answer, isResponse, register, tlsPhone } from '../support/tls-phone.js';

const UA = 'Yealink SIP-T54W 96.86.0.70 00:15:65:00:00:01';
const portsOf = (stdout: string) => ({
  sip: Number(/sip:\s+udp\+tcp \S+:(\d+)/.exec(stdout)?.[1]),
  tls: Number(/sip:\s+tls \S+:(\d+)/.exec(stdout)?.[1]),
  // The URLs name the office address phones are given; this test reaches hotdeskd on loopback.
  https: /over HTTPS (\S+)/.exec(stdout)?.[1]?.replace(/^https:\/\/[^/:]+/, 'https://127.0.0.1') ?? '',
});

/**
 * The banner leaves the token out; `hotdesk provisioning --json` gives the whole URL (its path is the same on
 * HTTPS).
 */
async function withToken(dir: string, bannerUrl: string): Promise<string> {
  const whole = (JSON.parse((await runCli(dir, ['provisioning', '--json'])).stdout) as { provisioningUrl: string })
    .provisioningUrl;
  return `${new URL(bannerUrl).origin}${new URL(whole).pathname}`;
}

function fetchOverHttps(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, headers: { 'user-agent': UA } }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

async function officeWithCertificate(
  t: Parameters<typeof tempData>[0],
): Promise<{ dir: string; store: string; cert: TestCertificate; data: ReturnType<typeof office> }> {
  const paths = await tempData(t);
  await mkdir(paths.dir, { recursive: true });
  const data = office(addExtension('100', 'Ada'), addPhone('001565000001'), {
    kind: 'set-settings',
    sipDomain: 'office.test',
  });
  await writeFile(paths.store, serializeStore(data), { mode: 0o600 });
  const cert = makeTestCertificate(await tempDir(t, 'hd-tls-'));
  return { dir: paths.dir, store: paths.store, cert, data };
}

t.test('a phone on TLS: registers, is sent its check-sync over its connection, fetches over HTTPS', async (t) => {
  const { dir, cert, data } = await officeWithCertificate(t);
  const daemon = await startDaemon(t, dir, [
    '--rtp-ports',
    '20100-20199',
    '--digest',
    'md5',
    '--tls-cert',
    cert.certFile,
    '--tls-key',
    cert.keyFile,
    '--tls-port',
    '0',
    '--https-port',
    '0',
  ]);
  t.teardown(() => daemon.stop());
  const ports = portsOf(daemon.stdout());
  t.ok(ports.tls > 0 && ports.tls !== ports.sip, `the banner names the TLS port (${ports.tls})`);
  t.match(
    ports.https,
    /^https:\/\/127\.0\.0\.1:\d+\/provisioning\/…\/$/,
    'and the HTTPS provisioning URL, its token left out',
  );
  t.notMatch(daemon.stdout(), /tok-0123456789abcdef/, 'the banner never shows the token');
  const httpsUrl = await withToken(dir, ports.https);
  t.match(
    httpsUrl,
    /^https:\/\/127\.0\.0\.1:\d+\/provisioning\/tok-0123456789abcdef\/$/,
    'hotdesk provisioning shows it whole',
  );

  const phone = await tlsPhone(ports.tls, cert.cert);
  t.teardown(() => phone.socket.destroy());
  phone.send(register(phone.local, 'HD0001', 1));
  const challenge = (await phone.waitFor(
    (message) => isResponse(message) && message.headers.cseq.seq === 1,
  )) as SipResponse;
  t.equal(challenge.status, 401, 'challenged first');
  t.equal(challenge.headers.via[0]?.protocol, 'TLS', 'the answer comes back over TLS with the phone’s own Via');
  const offered = (challenge.headers['www-authenticate'] ?? [])[0] as unknown as Record<string, unknown>;
  phone.send(register(phone.local, 'HD0001', 2, answer(offered, 'HD0001', data.phones[0]!.idlePassword)));
  const ok = (await phone.waitFor((message) => isResponse(message) && message.headers.cseq.seq === 2)) as SipResponse;
  t.equal(ok.status, 200, 'registered over TLS with digest authentication');

  // An admin logs Ada in at the phone: hotdeskd's NOTIFY must use the connection the phone opened.
  t.equal((await runCli(dir, ['login', '100', '--phone', 'HD0001'])).code, 0, 'hotdesk login 100 --phone HD0001');
  const notify = (await phone.waitFor(
    (message) => 'method' in message && message.method === 'NOTIFY',
    8000,
  )) as SipRequest;
  t.equal(notify.headers.event, 'check-sync', 'check-sync arrives over the same TLS connection');
  const via = notify.headers.via[0]!;
  t.same(
    [via.protocol, via.host, Number(via.port)],
    ['TLS', '127.0.0.1', ports.tls],
    'hotdeskd’s Via says SIP/2.0/TLS and its TLS port',
  );
  t.match(sip.stringifyUri(notify.uri as never), /;transport=tls/, 'to the contact the phone registered');
  const contact = (notify.headers.contact as { uri: string }[] | undefined)?.[0]?.uri ?? '';
  t.equal(contact, `sip:127.0.0.1:${ports.tls};transport=tls`, 'hotdeskd’s Contact points back at TLS');
  phone.sendMessage({
    status: 200,
    reason: 'OK',
    version: '2.0',
    headers: {
      via: notify.headers.via,
      from: notify.headers.from,
      to: { ...notify.headers.to, params: { ...notify.headers.to.params, tag: 'phone' } },
      'call-id': notify.headers['call-id'],
      cseq: notify.headers.cseq,
    },
  } as SipResponse);

  const file = await fetchOverHttps(`${httpsUrl}001565000001.cfg`, cert.cert);
  t.equal(file.status, 200, 'the phone’s file over HTTPS, trusted with the test CA');
  t.match(file.body, /^account\.1\.sip_server\.1\.transport_type = 2$/m, 'it names transport TLS');
  t.match(file.body, new RegExp(`^account\\.1\\.sip_server\\.1\\.port = ${ports.tls}$`, 'm'), 'and the TLS port');
  t.match(file.body, /^static\.auto_provision\.server\.url = https:\/\//m, 'and provisioning over HTTPS');
  t.match(file.body, /^account\.1\.user_name = 100$/m, 'with Ada’s account');

  // A client speaking plain SIP to the TLS port: dropped, and hotdeskd keeps serving TLS.
  const plain = net.connect(ports.tls, '127.0.0.1');
  await new Promise<void>((resolve) => plain.once('connect', () => resolve()));
  plain.write(register('127.0.0.1:1', 'HD0001', 9).replace(/\n/g, '\r\n'));
  let answered = '';
  plain.on('data', (chunk) => (answered += chunk.toString('latin1')));
  await new Promise<void>((resolve) => {
    plain.once('close', () => resolve());
    plain.on('error', () => undefined);
  });
  t.notMatch(answered, /SIP\/2\.0/, 'the plain-text client got no SIP answer, its connection was closed');
  phone.send(register(phone.local, 'HD0001', 3));
  const still = (await phone.waitFor(
    (message) => isResponse(message) && message.headers.cseq.seq === 3,
  )) as SipResponse;
  t.equal(still.status, 401, 'the TLS phone is still answered');
  t.equal(daemon.child.exitCode, null, 'hotdeskd still runs');

  const pong = await sendControl(dataPaths(dir).socket, { kind: 'ping' });
  t.match(
    pong,
    {
      ok: true,
      pong: {
        sip: { port: ports.sip },
        sipTls: { port: ports.tls },
        https: { port: Number(/:(\d+)\//.exec(ports.https)?.[1]) },
      },
    },
    'ping lists the TLS and HTTPS ports (hotdesk doctor)',
  );

  const doctor = await runCli(dir, ['doctor', '--json']);
  const checks = (JSON.parse(doctor.stdout) as { checks: { name: string; status: string; message: string }[] }).checks;
  for (const name of ['sip-tls', 'https']) {
    t.match(
      checks.find((check) => check.name === name),
      // The test certificate is valid for two days: the warning a month before a certificate ends.
      { status: 'warning', message: /on 127\.0\.0\.1:\d+: its certificate ends on \d{4}-\d\d-\d\d, in [0-2] day\(s\)/ },
      `hotdesk doctor shakes hands with the ${name} port and reads its certificate`,
    );
  }
});

t.test('hotdeskd refuses half a TLS setting and a key it cannot use: one line, exit 1', async (t) => {
  const { dir, cert } = await officeWithCertificate(t);
  const other = makeTestCertificate(await tempDir(t, 'hd-tls-'), 'other');
  const cases: [string, string[], NodeJS.ProcessEnv, RegExp][] = [
    ['only --tls-cert', ['--tls-cert', cert.certFile], {}, /--tls-cert.*both --tls-cert and --tls-key/],
    ['only HOTDESK_TLS_KEY', [], { HOTDESK_TLS_KEY: cert.keyFile }, /HOTDESK_TLS_KEY.*both --tls-cert and --tls-key/],
    [
      'an unreadable key',
      ['--tls-cert', cert.certFile, '--tls-key', join(dir, 'missing.key')],
      {},
      /--tls-key: cannot read ".*missing\.key" \(no such file\)/,
    ],
    [
      'a key of another certificate',
      ['--tls-cert', cert.certFile, '--tls-key', other.keyFile],
      {},
      /cannot be used together/,
    ],
    [
      'a bad TLS port',
      ['--tls-cert', cert.certFile, '--tls-key', cert.keyFile, '--tls-port', '99999'],
      {},
      /--tls-port: "99999" is not valid/,
    ],
  ];
  for (const [name, args, env, message] of cases) {
    const running = spawnNode(
      DAEMON_BIN,
      ['--data', dir, '--sip-port', '0', '--http-port', '0', '--bind', '127.0.0.1', ...args],
      { env },
    );
    const finished = await running.finished;
    t.equal(finished.code, 1, `${name}: exit 1`);
    t.match(finished.stderr, message, `${name}: says what is wrong`);
    t.equal(finished.stderr.trim().split('\n').length, 1, `${name}: one line, no stack trace`);
    t.notMatch(finished.stderr, /BEGIN|PRIVATE/, `${name}: nothing of the key`);
    t.notMatch(finished.stdout, /hotdeskd running/, `${name}: never started`);
  }
});

t.test(
  'with no --tls-port or --https-port, hotdeskd listens on the store’s tls-port and https-port and says so',
  async (t) => {
    const { dir, cert } = await officeWithCertificate(t);
    const free = async (): Promise<number> => {
      const server = net.createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as net.AddressInfo;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return port;
    };
    const [tlsPort, httpsPort] = [await free(), await free()];
    t.equal((await runCli(dir, ['settings', 'set', 'tls-port', String(tlsPort)])).code, 0);
    const set = await runCli(dir, ['settings', 'set', 'https-port', String(httpsPort)]);
    t.match(set.stdout, /^https-port \d+: hotdeskd listens on it when it starts/m);
    const daemon = await startDaemon(t, dir, ['--tls-cert', cert.certFile, '--tls-key', cert.keyFile]);
    t.teardown(() => daemon.stop());
    const ports = portsOf(daemon.stdout());
    t.equal(ports.tls, tlsPort, 'SIP over TLS on the stored tls-port');
    t.match(ports.https, new RegExp(`^https://127\\.0\\.0\\.1:${httpsPort}/`), 'HTTPS on the stored https-port');
    const pong = await sendControl(dataPaths(dir).socket, { kind: 'ping' });
    t.match(
      pong,
      { ok: true, pong: { served: { tlsPort, httpsPort, fromStore: { tlsPort, httpsPort } } } },
      'reported as taken from the store',
    );
    const settings = await runCli(dir, ['settings']);
    t.match(settings.stdout, new RegExp(`^tls-port {9}${tlsPort}$`, 'm'));
    t.match(settings.stdout, new RegExp(`^https-port {7}${httpsPort}$`, 'm'));
  },
);

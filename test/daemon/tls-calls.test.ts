/**
 * A call between a phone on SIP over TLS and a phone on UDP, through hotdeskd in this
 * process on 127.0.0.1: the INVITE reaches the TLS phone over the connection it opened,
 * with hotdeskd's Via saying TLS and two Record-Route entries (RFC 5658: the top one
 * facing the TLS phone with `;transport=tls`, the other facing the UDP phone); the ACK
 * and the TLS phone's BYE follow those routes, each side on its own transport.
 */
import t from 'tap';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import sip from 'sip';
import { startDaemon } from '../../src/daemon/main.js';
import { createLogger } from '../../src/adapters/log.js';
import { serializeStore } from '../../src/store/migrate.js';
import type { SipMessage, SipRequest, SipResponse } from '../../src/sip/message.js';
import { addExtension, office } from '../support/office.js';
import { tempDir } from '../support/temp-data.js';
import { startTestPhone } from '../support/test-phone.js';
import { makeTestCertificate } from '../support/tls-certificate.js';
import { answer, isResponse, register, tlsPhone } from '../support/tls-phone.js';

const isMethod =
  (method: string) =>
  (message: SipMessage): boolean =>
    'method' in message && message.method === method;
const routeUris = (message: SipMessage, header: 'record-route' | 'route'): string[] =>
  ((message.headers[header] ?? []) as { uri: unknown }[]).map((entry) => sip.stringifyUri(entry.uri as string));

t.test('a call from a UDP phone to a TLS phone, and its BYE back', async (t) => {
  const dir = await tempDir(t);
  const data = office(addExtension('100', 'Ada'), addExtension('101', 'Bob'), {
    kind: 'set-settings',
    sipDomain: 'office.test',
  });
  await writeFile(join(dir, 'hotdesk.json'), serializeStore(data));
  const cert = makeTestCertificate(await tempDir(t, 'hd-tls-'));
  const daemon = await startDaemon({
    dataDir: dir,
    log: createLogger({ level: 'silent' }),
    sip: {
      bind: '127.0.0.1',
      port: 0,
      rtpPorts: { min: 0, max: 0 },
      floodLimit: null,
      digest: ['MD5'],
      tls: { port: 0, credentials: { cert: cert.cert, key: cert.key } },
    },
  });
  t.teardown(() => daemon.stop());
  const { port, tlsPort } = daemon.sip!.stack.transport;
  t.ok(tlsPort !== undefined && tlsPort !== port, 'SIP over TLS on its own port');

  const ada = await tlsPhone(tlsPort!, cert.cert);
  t.teardown(() => ada.socket.destroy());
  ada.send(register(ada.local, '100', 1));
  const challenge = (await ada.waitFor(
    (message) => isResponse(message) && message.headers.cseq.seq === 1,
  )) as SipResponse;
  ada.send(
    register(
      ada.local,
      '100',
      2,
      answer(
        (challenge.headers['www-authenticate'] ?? [])[0] as unknown as Record<string, unknown>,
        '100',
        'secret-100',
      ),
    ),
  );
  const registered = (await ada.waitFor(
    (message) => isResponse(message) && message.headers.cseq.seq === 2,
  )) as SipResponse;
  t.equal(registered.status, 200, 'Ada registers over TLS');

  const bob = await startTestPhone({
    user: '101',
    password: 'secret-101',
    server: { address: '127.0.0.1', port },
    domain: 'office.test',
  });
  t.teardown(() => bob.close());
  t.equal((await bob.register()).status, 200, 'Bob registers over UDP');

  const calling = bob.call('sip:100@office.test');
  const invite = (await ada.waitFor(isMethod('INVITE'))) as SipRequest;
  const via = invite.headers.via[0]!;
  t.same(
    [via.protocol, Number(via.port)],
    ['TLS', tlsPort],
    'the INVITE comes over TLS with hotdeskd’s TLS Via on top',
  );
  t.same(
    routeUris(invite, 'record-route'),
    [`sip:127.0.0.1:${tlsPort};transport=tls;lr`, `sip:127.0.0.1:${port};lr`],
    'two Record-Route entries: the TLS side on top, the UDP side under it',
  );
  const contact = `sip:100@${ada.local};transport=tls`;
  ada.sendMessage({
    status: 200,
    reason: 'OK',
    version: '2.0',
    headers: {
      via: invite.headers.via,
      from: invite.headers.from,
      to: { ...invite.headers.to, params: { ...invite.headers.to.params, tag: 'ada1' } },
      'call-id': invite.headers['call-id'],
      cseq: invite.headers.cseq,
      contact: [{ uri: contact, params: {} }],
      'record-route': invite.headers['record-route'],
    },
  } as SipResponse);
  const { response } = await calling;
  t.equal(response.status, 200, 'Bob’s call is answered');
  t.same(routeUris(response, 'record-route').length, 2, 'Bob sees both Record-Route entries');
  const ack = (await ada.waitFor(isMethod('ACK'))) as SipRequest;
  t.equal(ack.headers.via[0]?.protocol, 'TLS', 'Bob’s ACK reaches Ada over her TLS connection');

  // Ada hangs up: her BYE carries the route set as recorded (RFC 3261 §12.1.1) and goes in over TLS.
  const bobContact = (invite.headers.contact as { uri: string }[])[0]!.uri;
  ada.sendMessage({
    method: 'BYE',
    uri: bobContact,
    version: '2.0',
    headers: {
      via: [
        {
          version: '2.0',
          protocol: 'TLS',
          host: '127.0.0.1',
          port: ada.socket.localPort,
          params: { branch: `z9hG4bK${randomBytes(6).toString('hex')}` },
        },
      ],
      route: invite.headers['record-route'],
      'max-forwards': '70',
      from: { ...invite.headers.to, params: { ...invite.headers.to.params, tag: 'ada1' } },
      to: invite.headers.from,
      'call-id': invite.headers['call-id'],
      cseq: { seq: 1, method: 'BYE' },
    },
  } as SipRequest);
  const bye = (await bob.waitFor(isMethod('BYE'))) as SipRequest;
  t.equal(bye.headers.via[0]?.protocol, 'UDP', 'the BYE reaches Bob over UDP');
  t.same(routeUris(bye, 'route'), [], 'with hotdeskd’s own routes taken off');
  const ok = (await ada.waitFor(
    (message) => isResponse(message) && message.headers.cseq.method === 'BYE',
  )) as SipResponse;
  t.equal(ok.status, 200, 'and Bob’s 200 comes back to Ada over TLS');
});

/**
 * Plug-and-play on real sockets: a factory-fresh phone's `ua-profile`
 * SUBSCRIBE sent to the multicast group 224.0.1.75 at hotdeskd's SIP port
 * (over loopback: hotdeskd, bound to 127.0.0.1, joins the group on that
 * interface). A phone in the pool is answered 200 and sent a NOTIFY with the
 * provisioning URL. The attacks: the same SUBSCRIBE sent straight to
 * hotdeskd (unicast), and a MAC not in the pool, get nothing at all: no
 * answer that tells whether the MAC is known, never the URL, and the two
 * look the same.
 */
import t from 'tap';
import dgram from 'node:dgram';
import sip from 'sip';
import { buildResponse, type SipMessage, type SipRequest, type SipResponse } from '../../src/sip/message.js';
import { PNP_MULTICAST_GROUP } from '../../src/sip/pnp.js';
import { startLoginOffice } from '../support/login-office.js';

async function pnpPhone(t: Parameters<typeof startLoginOffice>[0]) {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  // Multicast goes out on loopback, where hotdeskd joined the group.
  socket.setMulticastInterface('127.0.0.1');
  t.teardown(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  const port = socket.address().port;
  const received: SipMessage[] = [];
  socket.on('message', (bytes) => {
    const message = sip.parse(bytes);
    if (!message) return;
    received.push(message);
    // A phone answers the NOTIFY, as it would.
    if ('method' in message && message.method === 'NOTIFY') {
      const answer = buildResponse(message, 200, 'OK');
      socket.send(Buffer.from(sip.stringify(answer), 'latin1'), Number(message.headers.via[0]?.port ?? 0), '127.0.0.1');
    }
  });
  /** Sends the SUBSCRIBE to `address` (the group, or hotdeskd's own address) at hotdeskd's SIP port. */
  const subscribe = (address: string, serverPort: number, mac: string, callId: string) => {
    const text = [
      `SUBSCRIBE sip:MAC%3a${mac}@224.0.1.75 SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK${callId};rport`,
      `From: <sip:MAC%3a${mac}@224.0.1.75>;tag=pnp${callId}`,
      `To: <sip:MAC%3a${mac}@224.0.1.75>`,
      `Call-ID: ${callId}@127.0.0.1`,
      'CSeq: 1 SUBSCRIBE',
      'Event: ua-profile;profile-type="device";vendor="Yealink";model="T54W";version="96.86.0.70"',
      'Expires: 0',
      'Accept: application/url',
      `Contact: <sip:127.0.0.1:${port}>`,
      'Max-Forwards: 70',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    socket.send(Buffer.from(text, 'latin1'), serverPort, address);
  };
  const waitFor = async (
    predicate: (message: SipMessage) => boolean,
    timeoutMs = 5000,
  ): Promise<SipMessage | undefined> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = received.find(predicate);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return undefined;
  };
  return { received, subscribe, waitFor };
}

const ofCall = (callId: string) => (message: SipMessage) => message.headers['call-id'] === `${callId}@127.0.0.1`;
/** Long enough for an answer on loopback, and for a retransmission or two. */
const QUIET_MS = 1500;

t.test('a phone in the pool asking on the multicast group is told where its configuration is', async (t) => {
  const o = await startLoginOffice(t);
  const phone = await pnpPhone(t);
  phone.subscribe(PNP_MULTICAST_GROUP, o.server.port, '001565000001', 'known1');
  const answer = (await phone.waitFor((m) => ofCall('known1')(m) && 'status' in m)) as SipResponse | undefined;
  t.equal(answer?.status, 200, 'the SUBSCRIBE is accepted');
  const notify = (await phone.waitFor((m) => ofCall('known1')(m) && 'method' in m && m.method === 'NOTIFY')) as
    SipRequest | undefined;
  t.ok(notify, 'a NOTIFY follows');
  t.equal(notify?.headers['content-type'], 'application/url', 'carrying a URL');
  const { settings } = o.daemon.store.data;
  t.equal(
    notify?.content,
    `http://${settings.address}:${settings.httpPort}/provisioning/${settings.provisioningToken}/`,
    'the office provisioning URL',
  );
  t.equal(notify?.headers.to.params['tag'], 'pnpknown1', "in the SUBSCRIBE's dialog");
  t.equal(notify?.headers.from.params['tag'], answer?.headers.to.params['tag'], 'with the tag of the 200');
});

t.test('attack: a unicast SUBSCRIBE for a pool MAC learns nothing', async (t) => {
  const o = await startLoginOffice(t);
  const phone = await pnpPhone(t);
  phone.subscribe(o.server.address, o.server.port, '001565000001', 'unicast1');
  await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
  t.same(
    phone.received.filter(ofCall('unicast1')),
    [],
    'no answer and no NOTIFY: nothing tells that the MAC is in the pool',
  );
  t.notOk(
    JSON.stringify(phone.received).includes(o.daemon.store.data.settings.provisioningToken),
    'the token is never sent',
  );
  // The same phone asking properly is still answered: nothing was held against it.
  phone.subscribe(PNP_MULTICAST_GROUP, o.server.port, '001565000001', 'unicast2');
  t.equal(
    ((await phone.waitFor((m) => ofCall('unicast2')(m) && 'status' in m)) as SipResponse | undefined)?.status,
    200,
    'on the group it is answered',
  );
});

t.test('attack: a MAC not in the pool gets what a unicast request gets: nothing', async (t) => {
  const o = await startLoginOffice(t);
  const phone = await pnpPhone(t);
  phone.subscribe(PNP_MULTICAST_GROUP, o.server.port, '001565999999', 'stranger1');
  phone.subscribe(o.server.address, o.server.port, '001565999999', 'stranger2');
  phone.subscribe(o.server.address, o.server.port, '001565000001', 'stranger3');
  await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
  t.same(phone.received.filter(ofCall('stranger1')), [], 'unknown MAC on the group: nothing');
  t.same(phone.received.filter(ofCall('stranger2')), [], 'unknown MAC unicast: nothing');
  t.same(phone.received.filter(ofCall('stranger3')), [], 'pool MAC unicast: nothing, the same');
  t.notOk(
    JSON.stringify(phone.received).includes(o.daemon.store.data.settings.provisioningToken),
    'the token is never sent',
  );
});

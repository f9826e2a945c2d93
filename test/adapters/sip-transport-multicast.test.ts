/**
 * The transport's multicast group sockets (plug-and-play): what arrives on the
 * group is marked so, a multicast-only request that arrives unicast is dropped
 * before anyone sees it, and nothing else is taken from the group.
 */
import t from 'tap';
import dgram from 'node:dgram';
import { startSipTransport, type SipTransport } from '../../src/adapters/sip-transport.js';
import type { SipMessage } from '../../src/sip/message.js';

const GROUP = '224.0.1.75';

const request = (method: string, port: number, branch: string) =>
  [
    `${method} sip:MAC%3a001565000001@224.0.1.75 SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK${branch}`,
    'From: <sip:a@224.0.1.75>;tag=1',
    'To: <sip:a@224.0.1.75>',
    `Call-ID: ${branch}@127.0.0.1`,
    `CSeq: 1 ${method}`,
    'Max-Forwards: 70',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');

async function sender(t: { teardown(fn: () => Promise<void>): void }) {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  socket.setMulticastInterface('127.0.0.1');
  t.teardown(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return {
    port: socket.address().port,
    send: (text: string, port: number, address: string) => socket.send(text, port, address),
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

t.test(
  'on loopback: the group socket takes only multicast-only requests, the unicast socket everything else',
  async (t) => {
    const got: { method: string; multicast: boolean }[] = [];
    const transport: SipTransport = await startSipTransport({
      bind: '127.0.0.1',
      port: 0,
      multicastGroups: [GROUP],
      multicastOnly: (message) => 'method' in message && message.method === 'SUBSCRIBE',
      onMulticastError: (group, error) => t.fail(`${group}: ${error.message}`),
      onMessage: (message: SipMessage, _remote, multicast) =>
        got.push({ method: 'method' in message ? message.method : 'response', multicast }),
    });
    t.teardown(() => transport.close());
    t.same(transport.multicast, [GROUP], 'the group is joined');
    const phone = await sender(t);
    phone.send(request('SUBSCRIBE', phone.port, 'm1'), transport.port, GROUP);
    phone.send(request('SUBSCRIBE', phone.port, 'u1'), transport.port, '127.0.0.1');
    phone.send(request('OPTIONS', phone.port, 'm2'), transport.port, GROUP);
    phone.send(request('OPTIONS', phone.port, 'u2'), transport.port, '127.0.0.1');
    await settle();
    t.same(
      got.sort((a, b) => a.method.localeCompare(b.method)),
      [
        { method: 'OPTIONS', multicast: false },
        { method: 'SUBSCRIBE', multicast: true },
      ],
      'the SUBSCRIBE from the group and the OPTIONS sent straight to it',
    );
    t.equal(
      transport.counters.dropped['multicast-mismatch'],
      2,
      'the unicast SUBSCRIBE and the OPTIONS to the group are dropped',
    );
  },
);

t.test('bound to every address, the group socket shares the SIP port', async (t) => {
  const errors: string[] = [];
  const transport = await startSipTransport({
    bind: '0.0.0.0',
    port: 0,
    multicastGroups: [GROUP],
    multicastOnly: () => false,
    onMulticastError: (_group, error) => errors.push(error.message),
    onMessage: () => undefined,
  });
  t.teardown(() => transport.close());
  t.same(errors, [], 'no EADDRINUSE: both sockets may use the port');
  t.same(transport.multicast, [GROUP], 'the group is joined');
});

t.test('an IPv6 bind address cannot join the IPv4 group: reported, not fatal', async (t) => {
  const errors: string[] = [];
  const transport = await startSipTransport({
    bind: '::1',
    port: 0,
    multicastGroups: [GROUP],
    onMulticastError: (group, error) => errors.push(`${group} ${error.message}`),
    onMessage: () => undefined,
  });
  t.teardown(() => transport.close());
  t.match(errors, [/224\.0\.1\.75 .*IPv4/], 'the failure is reported');
  t.same(transport.multicast, [], 'and no group is joined');
});

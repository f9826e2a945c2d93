/**
 * The in-memory network that daemon tests run on (test/support/fake-network.ts)
 * keeps the promises of the real stack that services rely on: a request
 * reaches the service once, retransmissions get the final response again,
 * responses to the service's requests come back by branch, a non-2xx final
 * to its INVITE is ACKed, and RTP sockets carry datagrams both ways.
 */
import t from 'tap';
import sip from 'sip';
import { createLogger } from '../../src/adapters/log.js';
import type { SipRequest, SipResponse, SipMessage } from '../../src/sip/message.js';
import { buildResponse } from '../../src/sip/message.js';
import { createFakeNetwork, type Address } from '../support/fake-network.js';

const text = (lines: string[]): Buffer => Buffer.from(`${lines.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`, 'latin1');
const options = (branch: string, method = 'OPTIONS', seq = 1) =>
  text([
    `${method} sip:office.test SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:20000;branch=${branch};rport`,
    'From: <sip:100@office.test>;tag=a',
    'To: <sip:office.test>',
    'Call-ID: c1@test',
    `CSeq: ${seq} ${method}`,
    'Max-Forwards: 70',
  ]);
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

async function setUp() {
  const network = createFakeNetwork();
  const requests: { request: SipRequest; remote: Address }[] = [];
  const stray: SipResponse[] = [];
  const stack = await network.startStack({
    bind: '127.0.0.1',
    port: 0,
    log: createLogger({ level: 'silent' }),
    onRequest: (request, remote) => requests.push({ request, remote }),
    onStrayResponse: (response) => stray.push(response),
  });
  const phone = network.bind();
  const heard: SipMessage[] = [];
  phone.onMessage((bytes) => heard.push(sip.parse(bytes)!));
  return { network, stack, phone, requests, stray, heard };
}

t.test('a request reaches the service once; a retransmission gets the final response again', async (t) => {
  const { stack, phone, requests, heard } = await setUp();
  t.equal(stack.transport.port, 5060, 'port 0: the stack takes 5060 on the network');
  phone.send(options('z9hG4bKone'), 5060, '127.0.0.1');
  await tick();
  t.equal(requests.length, 1, 'delivered');
  t.match(requests[0]!.remote, { address: '127.0.0.1', port: phone.port }, 'from the phone');
  t.equal(requests[0]!.request.headers.via[0]!.params['rport'], String(phone.port), 'rport filled in (RFC 3581)');
  t.equal(requests[0]!.request.headers.via[0]!.params['received'], '127.0.0.1', 'received noted');
  stack.respond(buildResponse(requests[0]!.request, 200, 'OK'));
  await tick();
  phone.send(options('z9hG4bKone'), 5060, '127.0.0.1');
  await tick();
  t.equal(requests.length, 1, 'the retransmission did not reach the service');
  t.same(
    heard.map((message) => ('status' in message ? message.status : message.method)),
    [200, 200],
    'the final response, sent again',
  );
  phone.send(options('z9hG4bKtwo', 'OPTIONS', 2), 5060, '127.0.0.1');
  await tick();
  t.equal(requests.length, 2, 'a new branch is a new request');
});

t.test('requests the service sends: responses by branch, a non-2xx to an INVITE ACKed, a late 2xx stray', async (t) => {
  const { stack, phone, stray, heard } = await setUp();
  const request = (method: string): SipRequest => ({
    method,
    uri: `sip:100@127.0.0.1:${phone.port}`,
    version: '2.0',
    headers: {
      via: [],
      to: { uri: 'sip:100@office.test', params: {} },
      from: { uri: 'sip:hotdesk@office.test', params: { tag: 'h' } },
      'call-id': `${method}@hotdesk`,
      cseq: { seq: 1, method },
      'max-forwards': '70',
    },
  });
  const answers: number[] = [];
  stack.send(request('NOTIFY'), { protocol: 'UDP', address: '127.0.0.1', port: phone.port }, (response) =>
    answers.push(response.status),
  );
  stack.send(request('INVITE'), { protocol: 'UDP', address: '127.0.0.1', port: phone.port }, (response) =>
    answers.push(response.status),
  );
  await tick();
  const [notify, invite] = heard as SipRequest[];
  t.match(
    notify!.headers.via[0],
    { host: '127.0.0.1', port: 5060, params: { branch: /^z9hG4bK/ } },
    'our Via on top, with a branch',
  );
  t.not(notify!.headers.via[0]!.params['branch'], invite!.headers.via[0]!.params['branch'], 'a branch each');
  const reply = (to: SipRequest, status: number) =>
    phone.send(Buffer.from(sip.stringify(buildResponse(to, status, 'X', { toTag: 'p' })), 'latin1'), 5060, '127.0.0.1');
  reply(invite!, 486);
  reply(notify!, 200);
  await tick();
  t.same(answers, [486, 200], 'each response to its own callback');
  const ack = heard.find((message): message is SipRequest => 'method' in message && message.method === 'ACK');
  t.equal(
    ack?.headers.via[0]!.params['branch'],
    invite!.headers.via[0]!.params['branch'],
    'the 486 is ACKed in its transaction (RFC 3261 §17.1.1.3)',
  );
  reply(invite!, 486);
  await tick();
  t.same(answers, [486, 200], 'a retransmitted final is absorbed');

  const second = request('INVITE');
  second.headers['call-id'] = 'second@hotdesk';
  stack.send(second, { protocol: 'UDP', address: '127.0.0.1', port: phone.port }, (response) =>
    answers.push(response.status),
  );
  await tick();
  const sent = heard.at(-1) as SipRequest;
  reply(sent, 200);
  reply(sent, 200);
  await tick();
  t.same(answers, [486, 200, 200], 'the first 2xx ends the transaction');
  t.equal(stray.length, 1, 'its retransmission is a stray response, for the dialog to ACK');
});

t.test('RTP sockets from the pool reach peers and back; closing returns them', async (t) => {
  const network = createFakeNetwork();
  const pool = network.rtpPool();
  const socket = await pool.open();
  t.equal(pool.inUse, 1);
  const peer = network.bind();
  const got: Buffer[] = [];
  peer.onMessage((bytes) => got.push(bytes));
  const back: Address[] = [];
  socket.onPacket((_bytes, from) => back.push(from));
  socket.send(Uint8Array.of(1, 2, 3), { address: '127.0.0.1', port: peer.port });
  peer.send(Uint8Array.of(4), socket.port, '127.0.0.1');
  await network.settle();
  t.same(
    got.map((bytes) => [...bytes]),
    [[1, 2, 3]],
    'delivered to the peer',
  );
  t.same(back, [{ address: '127.0.0.1', port: peer.port }], "and the peer's packet to the socket");
  await socket.close();
  t.equal(pool.inUse, 0, 'closed: back to the pool');
  peer.send(Uint8Array.of(5), socket.port, '127.0.0.1');
  await network.settle();
  t.equal(socket.counters.received, 1, 'nothing reaches a closed socket');
});

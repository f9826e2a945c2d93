/**
 * Routing trust (#12 items 1-6), as an attacker on the LAN tries it: requests
 * that look in-dialog without a dialog hotdeskd set up, Route headers to other
 * hosts, forged in-dialog requests, REFERs to numbers the sender may not dial,
 * forged identity headers, a spoofed trunk. And the legitimate in-dialog
 * traffic that must keep working. The spoofed trunk (TCP) and a proxied dialog
 * run on real sockets; the rest on the in-memory network (fake-network.ts).
 */
import t, { type Test } from 'tap';
import net from 'node:net';
import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import sip from 'sip';
import { createLogger } from '../../../src/adapters/log.js';
import type { SipMessage, SipRequest, SipResponse } from '../../../src/sip/message.js';
import { world, type World } from '../../support/sip-world.js';
import type { TestPhone } from '../../support/test-phone.js';

const isRequest = (message: SipMessage): message is SipRequest => 'method' in message;

interface Office {
  w: World;
  trunk: TestPhone;
  ada: TestPhone;
  bob: TestPhone;
  stranger: TestPhone;
  logs: Record<string, unknown>[];
}

async function office(t: Test, inMemory = false): Promise<Office> {
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const w = await world(t, [], { log: createLogger({ destination, human: false, level: 'info' }), inMemory });
  // The trunk, the office phones and the stranger each on their own loopback address.
  const trunk = await w.openPhone({ user: 'trunk', password: '-', address: '127.0.0.2' });
  await w.store.update((data) => ({
    next: { ...data, settings: { ...data.settings, trunk: { uri: `sip:127.0.0.2:${trunk.port}` } } },
    value: undefined,
  }));
  const ada = await w.phone('100', 'secret-100');
  const bob = await w.phone('101', 'secret-101');
  const stranger = await w.openPhone({
    user: 'attacker',
    password: 'nothing',
    domain: 'office.test',
    address: '127.0.0.3',
  });
  await ada.register();
  await bob.register();
  return { w, trunk, ada, bob, stranger, logs };
}

const requestsAt = (phone: TestPhone, method: string) =>
  phone.received.filter((message) => isRequest(message) && message.method === method) as SipRequest[];
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
const refusals = (logs: Record<string, unknown>[], reason: string) =>
  logs.filter((line) => line['alert'] === 'sip-relay-refused' && line['reason'] === reason);

t.test('an unauthenticated INVITE with a To-tag, a Route, or both never reaches the trunk', async (t) => {
  const { w, trunk, stranger, logs } = await office(t, true);
  const trunkUri = `sip:0900123456@127.0.0.2:${trunk.port}`;
  const withTag = await stranger.request('INVITE', trunkUri, { toTag: 'forged1', auth: false });
  t.equal(withTag.status, 481, 'a To-tag of no known dialog: 481');
  const withRoute = await stranger.request('INVITE', 'sip:0900123456@office.test', {
    route: [`<sip:127.0.0.2:${trunk.port};lr>`],
    auth: false,
  });
  t.equal(withRoute.status, 403, 'a Route to another host is not followed');
  const both = await stranger.request('INVITE', trunkUri, {
    toTag: 'forged2',
    route: [`<sip:127.0.0.1:${w.server.port};lr>`],
    auth: false,
  });
  t.equal(both.status, 481, 'a Route to hotdeskd with a To-tag of no dialog: 481');
  const ownRoute = await stranger.request('INVITE', 'sip:0900123456@office.test', {
    route: [`<sip:127.0.0.1:${w.server.port};lr>`],
    auth: false,
  });
  t.equal(ownRoute.status, 407, 'a Route naming only hotdeskd: handled as a new call, so challenged');
  await settle();
  t.same(requestsAt(trunk, 'INVITE'), [], 'the trunk saw nothing');
  t.equal(refusals(logs, 'unknown-dialog').length, 2, 'each forged To-tag is logged for fail2ban');
  t.equal(refusals(logs, 'foreign-route').length, 1, 'the foreign Route too');
  t.ok(
    refusals(logs, 'unknown-dialog').every((line) => line['source'] === '127.0.0.3'),
    'with the source address',
  );
});

t.test('forged in-dialog MESSAGE, REFER, BYE and NOTIFY reach no phone', async (t) => {
  const { bob, stranger, logs } = await office(t, true);
  const target = bob.contact;
  for (const method of ['MESSAGE', 'REFER', 'BYE', 'NOTIFY']) {
    const extra =
      method === 'NOTIFY'
        ? ['Event: check-sync;reboot=true', 'Subscription-State: terminated']
        : method === 'REFER'
          ? ['Refer-To: <sip:0900123456@office.test>']
          : [];
    const response = await stranger.request(method, target, {
      toTag: randomBytes(4).toString('hex'),
      extra,
      auth: false,
    });
    t.equal(response.status, 481, `${method}: 481`);
  }
  const routed = await stranger.request('NOTIFY', target, {
    route: [`<${target};lr>`],
    extra: ['Event: check-sync;reboot=true'],
    auth: false,
  });
  t.equal(routed.status, 403, 'a NOTIFY routed at the phone itself: refused');
  await settle();
  t.same(
    bob.received.filter((message) => isRequest(message)).map((message) => (message as SipRequest).method),
    [],
    'the phone got none of them',
  );
  t.equal(refusals(logs, 'unknown-dialog').length, 4);
});

/** Sends `text` over TCP from `localPort` and resolves with the first SIP response. */
function sendTcp(server: { address: string; port: number }, localPort: number, text: string): Promise<SipResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: server.address, port: server.port, localAddress: '127.0.0.2', localPort }, () =>
      socket.write(text),
    );
    let buffer = '';
    socket.on('data', (data) => {
      buffer += data.toString('latin1');
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const message = sip.parse(Buffer.from(buffer, 'latin1')) as SipResponse | undefined;
      if (message && message.status > 100) {
        socket.destroy();
        resolve(message);
      } else buffer = '';
    });
    socket.on('error', reject);
    setTimeout(() => {
      socket.destroy();
      reject(new Error('no response over TCP'));
    }, 4000).unref();
  });
}

t.test('a spoofed trunk: over TCP from the trunk port, or from another port, is not the trunk', async (t) => {
  const { w, trunk, ada, stranger } = await office(t);
  const invite = (transport: string, port: number, target: string) =>
    [
      `INVITE ${target} SIP/2.0`,
      `Via: SIP/2.0/${transport} 127.0.0.2:${port};branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
      `From: <sip:+4930123@trunk.test>;tag=${randomBytes(4).toString('hex')}`,
      `To: <${target}>`,
      `Call-ID: ${randomBytes(6).toString('hex')}@spoof`,
      'CSeq: 1 INVITE',
      'Max-Forwards: 70',
      `Contact: <sip:trunk@127.0.0.2:${port}>`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
  const overTcp = await sendTcp(w.server, trunk.port, invite('TCP', trunk.port, 'sip:100@office.test'));
  t.equal(overTcp.status, 407, 'TCP from the trunk port number: challenged like anyone');
  const otherPort = await stranger.request('INVITE', 'sip:100@office.test', { auth: false });
  t.equal(otherPort.status, 407, 'UDP from another port of the trunk host: challenged');
  await settle();
  t.same(requestsAt(ada, 'INVITE'), [], 'the extension never rang');
});

t.test('the real trunk reaches extensions only, never the trunk or emergency numbers', async (t) => {
  const { trunk, ada, logs } = await office(t, true);
  const incoming = await trunk.call('sip:100@office.test', ['P-Asserted-Identity: <sip:+4930123@trunk.test>']);
  t.equal(incoming.response.status, 200, 'an incoming call to an extension rings it');
  const atAda = requestsAt(ada, 'INVITE')[0]!;
  t.equal(atAda.headers['p-asserted-identity'], '<sip:+4930123@trunk.test>', "the trunk's caller identity is kept");
  for (const number of ['112', '0900123456']) {
    const relay = await trunk.call(`sip:${number}@office.test`);
    t.equal(relay.response.status, 403, `${number} from the trunk: refused`);
  }
  await settle();
  t.equal(requestsAt(trunk, 'INVITE').length, 0, 'nothing was sent back to the trunk');
  const lines = logs.filter((line) => line['reason'] === 'trunk-to-outside');
  t.equal(lines.length, 2, 'both logged');
  t.ok(
    lines.every((line) => line['alert'] === undefined),
    'the trunk address is never handed to fail2ban',
  );
});

t.test('identity headers from phones are replaced by the authenticated account', async (t) => {
  const { trunk, ada, bob } = await office(t, true);
  const forged = [
    'P-Asserted-Identity: <sip:110@office.test>',
    'Remote-Party-ID: <sip:110@office.test>;party=calling',
    'P-Preferred-Identity: <sip:110@office.test>',
  ];
  const out = await ada.call('sip:0301234567@office.test', forged);
  t.equal(out.response.status, 200);
  const atTrunk = requestsAt(trunk, 'INVITE')[0]!;
  t.equal(atTrunk.headers['p-asserted-identity'], '<sip:100@office.test>', 'the trunk gets the extension');
  t.notOk(atTrunk.headers['remote-party-id'], 'no Remote-Party-ID');
  t.notOk(atTrunk.headers['p-preferred-identity'], 'no P-Preferred-Identity');
  const inside = await ada.call('sip:101@office.test', forged);
  t.equal(inside.response.status, 200);
  const atBob = requestsAt(bob, 'INVITE')[0]!;
  t.notOk(
    atBob.headers['p-asserted-identity'] ?? atBob.headers['remote-party-id'] ?? atBob.headers['p-preferred-identity'],
    'nothing forged reaches the callee',
  );
});

t.test('an idle phone cannot REFER to a premium number; extensions transfer to each other', async (t) => {
  const { w, trunk, ada, bob, logs } = await office(t, true);
  const hd = await w.phone('HD0001', 'idle-001565000001');
  await hd.register();
  const emergency = await hd.call('sip:112@office.test');
  t.equal(emergency.response.status, 200, 'the emergency call is answered by the trunk');
  const routes = (
    (emergency.response.headers['record-route'] ?? []) as { uri: Parameters<typeof sip.stringifyUri>[0] }[]
  )
    .map((entry) => `<${sip.stringifyUri(entry.uri)}>`)
    .reverse();
  const remote = (emergency.response.headers.contact as { uri: string }[])[0]!.uri;
  const refer = await hd.request('REFER', remote, {
    callId: emergency.callId,
    toTag: emergency.response.headers.to.params['tag']!,
    route: routes,
    extra: ['Refer-To: <sip:0900123456@office.test>'],
    auth: false,
  });
  t.equal(refer.status, 403, 'in the dialog: refused');
  const outOfDialog = await hd.request('REFER', 'sip:100@office.test', {
    extra: ['Refer-To: <sip:0900123456@office.test>'],
  });
  t.equal(outOfDialog.status, 403, 'out of dialog: refused');
  await settle();
  t.same(requestsAt(trunk, 'REFER'), [], 'the trunk got no REFER');
  t.same(requestsAt(ada, 'REFER'), [], 'nor did the extension');
  t.equal(logs.filter((line) => line['reason'] === 'refer-not-allowed').length, 2, 'both refusals logged');
  t.equal((await emergency.hangUp()).status, 200, 'the emergency call still ends normally');

  const call = await ada.call('sip:101@office.test');
  const adaRoutes = ((call.response.headers['record-route'] ?? []) as { uri: Parameters<typeof sip.stringifyUri>[0] }[])
    .map((entry) => `<${sip.stringifyUri(entry.uri)}>`)
    .reverse();
  const transfer = await ada.request('REFER', bob.contact, {
    callId: call.callId,
    toTag: call.response.headers.to.params['tag']!,
    route: adaRoutes,
    extra: ['Refer-To: <sip:201@office.test>'],
    auth: false,
  });
  t.equal(transfer.status, 200, 'a blind transfer between extensions passes');
  t.equal(requestsAt(bob, 'REFER').length, 1);
});

t.test('calls through the proxy: re-INVITE, BYE from the callee, a late BYE', async (t) => {
  const { ada, bob, logs } = await office(t);
  const call = await ada.call('sip:101@office.test');
  t.equal(call.response.status, 200);
  const toTag = call.response.headers.to.params['tag']!;
  const routes = ((call.response.headers['record-route'] ?? []) as { uri: Parameters<typeof sip.stringifyUri>[0] }[])
    .map((entry) => `<${sip.stringifyUri(entry.uri)}>`)
    .reverse();
  // A re-INVITE whose Request-URI names another host still goes to Bob only.
  const reinvite = await ada.request('INVITE', 'sip:101@192.0.2.99:5060', {
    callId: call.callId,
    toTag,
    route: routes,
    auth: false,
  });
  t.equal(reinvite.status, 200, 'the re-INVITE is answered by the other end');
  t.equal(requestsAt(bob, 'INVITE').length, 2, 'Bob got it');
  // Bob hangs up: his BYE carries his tag as From and Ada's as To.
  const adaTag = call.response.headers.from.params['tag']!;
  const branch = `z9hG4bK${randomBytes(6).toString('hex')}`;
  const ownRoute = routes[0]!;
  bob.sendRaw(
    [
      `BYE ${ada.contact} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${bob.port};branch=${branch};rport`,
      `From: <sip:101@office.test>;tag=${toTag}`,
      `To: <sip:100@office.test>;tag=${adaTag}`,
      `Call-ID: ${call.callId}`,
      'CSeq: 50 BYE',
      'Max-Forwards: 70',
      `Route: ${ownRoute}`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
  const byeAnswer = (await bob.waitFor(
    (message) =>
      !isRequest(message) && message.headers['call-id'] === call.callId && message.headers.cseq.method === 'BYE',
  )) as SipResponse;
  t.equal(byeAnswer.status, 200, "Bob's BYE reached Ada");
  t.equal(requestsAt(ada, 'BYE').length, 1);
  const late = await call.hangUp();
  t.equal(late.status, 481, 'the dialog is over: a second BYE gets 481');
  const line = logs.find((entry) => entry['reason'] === 'unknown-dialog');
  t.ok(line && line['alert'] === undefined, 'from a registered phone: logged, but not for fail2ban');
});

/**
 * hotdeskd's SIP side: registration with digest, calls through the proxy,
 * idle-phone and hot-desk code rules, the trunk, and bad input. Tests of the
 * wire (digest over UDP, a proxied call, garbage, BLF, TCP, a challenging
 * trunk) run on real UDP and TCP sockets on 127.0.0.1; the rest of the SIP
 * logic on the in-memory network (test/support/fake-network.ts).
 */
import t from 'tap';
import { createLogger } from '../../../src/adapters/log.js';
import { nodeDigestCrypto, nonceRandom } from '../../../src/adapters/node-crypto.js';
import { startSipStack } from '../../../src/adapters/sip-stack.js';
import { startSipService } from '../../../src/daemon/sip/sip-service.js';
import { createDigestAuthenticator } from '../../../src/daemon/sip/authenticator.js';
import type { SipRequest, SipResponse } from '../../../src/sip/message.js';
import { buildResponse } from '../../../src/sip/message.js';
import dgram from 'node:dgram';
import net from 'node:net';
import { createHash } from 'node:crypto';
import sip from 'sip';
import { buildChallenges, checkCredentials, parseCredentials } from '../../../src/sip/digest.js';
import { makeNonce } from '../../../src/sip/nonce.js';
import { emptyNonceCounts } from '../../../src/sip/nonce-counts.js';
import { world } from '../../support/sip-world.js';

t.test('registration with digest authentication', async (t) => {
  const w = await world(t);
  const ada = await w.phone('100', 'secret-100');
  const ok = await ada.register(600);
  t.equal(ok.status, 200);
  t.match(JSON.stringify(ok.headers.contact), /expires/);
  const challenge = ada.received.find((message) => 'status' in message && message.status === 401) as SipResponse;
  const algorithms = (challenge.headers['www-authenticate'] as { algorithm?: string }[]).map(
    (entry) => entry.algorithm,
  );
  t.same(algorithms, ['SHA-256', 'MD5'], 'one challenge per algorithm, strongest first');
  t.equal(w.sip.location().get('100')?.length, 1);

  const hd = await w.phone('HD0001', 'idle-001565000001');
  t.equal((await hd.register()).status, 200, 'a hot-desk phone registers as its own idle account');

  const wrong = await w.phone('101', 'not-the-password');
  t.equal((await wrong.register()).status, 401, 'a wrong password is challenged again');
  const nobody = await w.phone('999', 'whatever');
  const unknown = await nobody.register();
  t.equal(unknown.status, 401, 'an unknown user gets the same answer');

  const brief = await ada.register(10);
  t.equal(brief.status, 423);
  t.equal(brief.headers['min-expires'], '60');

  const gone = await ada.register(0);
  t.equal(gone.status, 200);
  t.equal(w.sip.location().get('100'), undefined, 'Expires: 0 removes the binding');

  await w.sip.close();
  t.ok(
    w.store.data.bindings.some((binding) => binding.aor === 'HD0001'),
    'registrations are saved for a restart',
  );
});

t.test('registering somebody else is forbidden', async (t) => {
  const w = await world(t, [], { inMemory: true });
  const ada = await w.phone('100', 'secret-100');
  // Ada's own credentials, Bob's address of record.
  const response = await ada.request('REGISTER', 'sip:office.test', {
    extra: ['Expires: 60'],
    to: 'sip:101@office.test',
  });
  t.equal(response.status, 403);
  t.equal(w.sip.location().get('101'), undefined);
  t.equal((await ada.register()).status, 200, 'her own AOR is fine');
});

t.test('a call between two extensions goes through the proxy and ends with BYE', async (t) => {
  const w = await world(t);
  const ada = await w.phone('100', 'secret-100');
  const bob = await w.phone('101', 'secret-101');
  await ada.register();
  await bob.register();
  const call = await ada.call(`sip:101@office.test`);
  t.equal(call.response.status, 200);
  const invite = await bob.waitFor((message) => 'method' in message && message.method === 'INVITE');
  t.match(JSON.stringify(invite.headers['record-route']), /;lr|"lr"/, 'the proxy record-routes');
  t.notOk(invite.headers['proxy-authorization'], 'our credentials are not passed on');
  await bob.waitFor((message) => 'method' in message && message.method === 'ACK');
  const bye = await call.hangUp();
  t.equal(bye.status, 200);
  await bob.waitFor((message) => 'method' in message && message.method === 'BYE');
});

t.test('busy and unavailable', async (t) => {
  const w = await world(t, [], { inMemory: true });
  const ada = await w.phone('100', 'secret-100');
  const bob = await w.phone('101', 'secret-101', 486);
  await ada.register();
  await bob.register();
  t.equal((await ada.call('sip:101@office.test')).response.status, 486);
  t.equal((await ada.call('sip:201@office.test')).response.status, 480, 'an extension with no phone');
  t.equal((await ada.call('sip:0800123@office.test')).response.status, 404, 'no trunk: outside numbers lead nowhere');
});

t.test('idle hot-desk phones reach emergency numbers only', async (t) => {
  const w = await world(t, [], { inMemory: true });
  const trunk = await w.openPhone({ user: 'trunk', password: '-' });
  await w.store.update((data) => ({
    next: { ...data, settings: { ...data.settings, trunk: { uri: `sip:127.0.0.1:${trunk.port}` } } },
    value: undefined,
  }));
  const hd = await w.phone('HD0001', 'idle-001565000001');
  await hd.register();
  const refused = await hd.call('sip:201@office.test');
  t.equal(refused.response.status, 403);
  t.equal(refused.response.reason, 'Log In First');
  const emergency = await hd.call('sip:112@office.test');
  t.equal(emergency.response.status, 200, 'the trunk answered 112');
  const atTrunk = await trunk.waitFor((message) => 'method' in message && message.method === 'INVITE');
  t.match(String('method' in atTrunk ? atTrunk.uri : ''), /^sip:112@127\.0\.0\.1:/);
  t.equal((await emergency.hangUp()).status, 200);
  const outside = await hd.call('sip:0800123@office.test');
  t.equal(outside.response.status, 403, 'not even the trunk for other numbers');
});

t.test('hot-desk codes', async (t) => {
  const w = await world(t, [], { inMemory: true });
  const hd = await w.phone('HD0001', 'idle-001565000001');
  await hd.register();
  const login = await hd.call('sip:*77*100*@office.test');
  t.equal(login.response.status, 480, 'the login IVR is not here yet');
  await w.store.update((data) => ({
    next: { ...data, settings: { ...data.settings, dialCodes: { ...data.settings.dialCodes, park: '*70' } } },
    value: undefined,
  }));
  const forbidden = await hd.call('sip:*77*100*@office.test');
  t.equal(forbidden.response.status, 403);
  t.equal(forbidden.response.reason, 'Forbidden');
});

t.test('OPTIONS, keep-alives and garbage', async (t) => {
  const w = await world(t);
  const probe = await w.phone('100', 'secret-100');
  const options = await probe.request('OPTIONS', 'sip:office.test', { auth: false });
  t.equal(options.status, 200);
  t.match(String(options.headers['allow']), /INVITE/);
  probe.sendRaw('\r\n\r\n');
  probe.sendRaw('this is not SIP at all');
  probe.sendRaw(Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x02]));
  probe.sendRaw('INVITE sip:100@x SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bK1\r\n\r\n');
  const unknown = await probe.request('FROBNICATE', 'sip:office.test', { auth: false });
  t.equal(unknown.status, 405);
  const again = await probe.request('OPTIONS', 'sip:office.test', { auth: false });
  t.equal(again.status, 200, 'still serving after garbage');
  const counters = w.sip.stack.transport.counters;
  t.ok(counters.keepAlives >= 1, 'keep-alive counted');
  t.ok(counters.dropped.unparseable + counters.dropped['missing-headers'] >= 2, 'garbage dropped and counted');
});

t.test('BLF: a phone watching an extension sees its calls', async (t) => {
  const w = await world(t);
  const watcher = await w.phone('100', 'secret-100');
  const bob = await w.phone('101', 'secret-101');
  const carol = await w.phone('201', 'secret-201');
  await Promise.all([watcher.register(), bob.register(), carol.register()]);

  const wrongEvent = await watcher.request('SUBSCRIBE', 'sip:201@office.test', {
    extra: ['Event: presence', 'Expires: 600'],
  });
  t.equal(wrongEvent.status, 489, 'only the dialog package');

  const subscribed = await watcher.request('SUBSCRIBE', 'sip:201@office.test', {
    extra: ['Event: dialog', 'Accept: application/dialog-info+xml', 'Expires: 600'],
  });
  t.equal(subscribed.status, 200);
  t.equal(subscribed.headers['expires'], '600');
  const notifies = () =>
    watcher.received.filter((message) => 'method' in message && message.method === 'NOTIFY') as {
      content?: string;
      headers: Record<string, unknown>;
    }[];
  await watcher.waitFor((message) => 'method' in message && message.method === 'NOTIFY');
  const first = notifies()[0]!;
  t.match(first.content, /<dialog-info [^>]*version="0"[^>]*state="full"[^>]*entity="sip:201@office\.test"\/?>/);
  t.notMatch(first.content, /<dialog /, 'idle: no dialogs');
  t.match(String(first.headers['subscription-state']), /^active;expires=\d+/);

  const call = await bob.call('sip:201@office.test');
  t.equal(call.response.status, 200);
  await watcher.waitFor(() => notifies().some((notify) => /<state>confirmed<\/state>/.test(notify.content ?? '')));
  t.ok(
    notifies().some((notify) => /<state>(trying|early)<\/state>/.test(notify.content ?? '')),
    'ringing is shown before the answer',
  );
  t.match(notifies().find((notify) => /confirmed/.test(notify.content ?? ''))?.content, /direction="recipient"/);
  await call.hangUp();
  await watcher.waitFor(() =>
    notifies().some((notify) => /<state[^>]*>terminated<\/state>/.test(notify.content ?? '')),
  );
  const versions = notifies().map((notify) => Number(/version="(\d+)"/.exec(notify.content ?? '')?.[1]));
  t.same(
    versions,
    versions.map((_, i) => i),
    'versions count up by one per NOTIFY',
  );

  const toTag = subscribed.headers.to.params['tag'] ?? undefined;
  const ended = await watcher.request('SUBSCRIBE', 'sip:201@office.test', {
    extra: ['Event: dialog', 'Expires: 0'],
    callId: subscribed.headers['call-id'],
    toTag,
    auth: false,
  });
  t.equal(ended.status, 200, 'unsubscribe');
  await watcher.waitFor(() =>
    notifies().some((notify) => /^terminated/.test(String(notify.headers['subscription-state']))),
  );
});

t.test('calls to a trunk that challenges are authenticated with the trunk credentials', async (t) => {
  const w = await world(t);
  const trunk = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => trunk.bind(0, '127.0.0.1', () => resolve()));
  t.teardown(() => trunk.close());
  const seen: SipRequest[] = [];
  const nonce = makeNonce(nodeDigestCrypto, 'trunk-secret', Date.now(), new Uint8Array(16).fill(1));
  trunk.on('message', (data, info) => {
    const request = sip.parse(data) as SipRequest;
    if (!('method' in request)) return;
    seen.push(request);
    const reply = (status: number, reason: string, headers: Record<string, unknown> = {}) => {
      const response = buildResponse(request, status, reason, { headers, toTag: 'trunk1' });
      trunk.send(Buffer.from(sip.stringify(response), 'latin1'), info.port, info.address);
    };
    if (request.method === 'INVITE') {
      const offered = request.headers['proxy-authorization']?.[0];
      const credentials = offered && parseCredentials(offered);
      const verdict =
        credentials &&
        checkCredentials(nodeDigestCrypto, {
          credentials,
          method: 'INVITE',
          requestUri: String(request.uri),
          realm: 'trunk.test',
          password: 'trunk-pw',
          secret: 'trunk-secret',
          nowMs: Date.now(),
          nonceLifetimeMs: 60_000,
          counts: emptyNonceCounts(),
        });
      if (verdict?.kind === 'ok') {
        reply(200, 'OK', {
          contact: [{ uri: `sip:trunk@127.0.0.1:${trunk.address().port}`, params: {} }],
          'record-route': request.headers['record-route'],
        });
      } else
        reply(407, 'Proxy Authentication Required', {
          'proxy-authenticate': buildChallenges({ realm: 'trunk.test', nonce }),
        });
    } else if (request.method === 'BYE') reply(200, 'OK');
  });
  await w.store.update((data) => ({
    next: {
      ...data,
      settings: {
        ...data.settings,
        trunk: { uri: `sip:127.0.0.1:${trunk.address().port}`, username: 'office', password: 'trunk-pw' },
      },
    },
    value: undefined,
  }));
  const ada = await w.phone('100', 'secret-100');
  await ada.register();
  const call = await ada.call('sip:0800123@office.test');
  t.equal(call.response.status, 200, 'the trunk accepted our credentials');
  const invites = seen.filter((request) => request.method === 'INVITE');
  t.equal(invites.length, 2, 'challenged once, then authenticated');
  t.equal(invites[1]!.headers.cseq.seq, invites[0]!.headers.cseq.seq + 1, 'the retry takes the next CSeq');
  t.equal(call.response.headers.cseq.seq, invites[0]!.headers.cseq.seq, 'the caller sees its own CSeq');
  const bye = await call.hangUp();
  t.equal(bye.status, 200);
  const trunkBye = seen.find((request) => request.method === 'BYE');
  t.ok(
    trunkBye && trunkBye.headers.cseq.seq > invites[1]!.headers.cseq.seq,
    'the BYE continues the trunk-side numbering',
  );
  t.equal(bye.headers.cseq.seq, trunkBye!.headers.cseq.seq - 1, 'and the caller gets its own numbering back');
  const ack = seen.find(
    (request) => request.method === 'ACK' && request.headers.cseq.seq === invites[1]!.headers.cseq.seq,
  );
  t.ok(ack, 'the ACK for the 2xx matches the authenticated INVITE');
});

t.test('a call forks to every phone of an extension; the first answer wins', async (t) => {
  const w = await world(t, [], { inMemory: true });
  const ada = await w.phone('100', 'secret-100');
  const deskBob = await w.phone('101', 'secret-101', 486);
  const softBob = await w.phone('101', 'secret-101');
  await Promise.all([ada.register(), deskBob.register(), softBob.register()]);
  t.equal(w.sip.location().get('101')?.length, 2, 'two contacts for one AOR');
  const call = await ada.call('sip:101@office.test');
  t.equal(call.response.status, 200, 'the soft phone answered although the desk phone was busy');
  await call.hangUp();
});

t.test('CANCEL before the answer reaches every branch', async (t) => {
  const w = await world(t, [], { inMemory: true });
  const ada = await w.phone('100', 'secret-100');
  const bob = await w.phone('101', 'secret-101', 0);
  await Promise.all([ada.register(), bob.register()]);
  const callId = 'cancelled-call@127.0.0.1';
  const pending = ada.request('INVITE', 'sip:101@office.test', { callId, body: 'v=0\r\n' });
  const invite = await bob.waitFor(
    (message) => 'method' in message && message.method === 'INVITE' && message.headers['call-id'] === callId,
  );
  t.ok(invite);
  const sentInvite = [...ada.received]
    .reverse()
    .find((message) => !('method' in message) && message.headers['call-id'] === callId && message.status === 100);
  t.ok(sentInvite, 'the proxy sent 100 Trying');
  // CANCEL copies the INVITE's Via branch (RFC 3261 §9.1): take it from the 100 Trying.
  const branch = sentInvite!.headers.via[0]!.params['branch'];
  const cseq = sentInvite!.headers.cseq.seq;
  ada.sendRaw(
    [
      `CANCEL sip:101@office.test SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${ada.port};branch=${branch};rport`,
      `From: <${sentInvite!.headers.from.uri}>;tag=${sentInvite!.headers.from.params['tag']}`,
      `To: <sip:101@office.test>`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} CANCEL`,
      'Max-Forwards: 70',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
  await bob.waitFor(
    (message) => 'method' in message && message.method === 'CANCEL' && message.headers['call-id'] === callId,
  );
  const final = await pending;
  t.equal(final.status, 487, `the caller gets 487 Request Terminated (got ${final.status} ${final.reason})`);
});

t.test('SIP over TCP, and registrations survive a restart', async (t) => {
  const w = await world(t);
  const socket = net.connect(w.server.port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  t.teardown(() => socket.destroy());
  let buffer = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (buffer += chunk));
  const local = `127.0.0.1:${socket.localPort}`;
  const send = (lines: string[]) => socket.write(`${lines.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`);
  const waitText = async (pattern: RegExp) => {
    for (let i = 0; i < 200 && !pattern.test(buffer); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    return pattern.exec(buffer);
  };
  const register = (cseq: number, auth?: string) =>
    send([
      `REGISTER sip:office.test SIP/2.0`,
      `Via: SIP/2.0/TCP ${local};branch=z9hG4bKtcp${cseq}`,
      `From: <sip:101@office.test>;tag=t1`,
      `To: <sip:101@office.test>`,
      `Call-ID: tcp-reg@127.0.0.1`,
      `CSeq: ${cseq} REGISTER`,
      `Contact: <sip:101@${local};transport=tcp>`,
      'Expires: 300',
      'Max-Forwards: 70',
      ...(auth ? [`Authorization: ${auth}`] : []),
    ]);
  register(1);
  const challenge = await waitText(/WWW-Authenticate: Digest [^\r\n]*algorithm=MD5[^\r\n]*/);
  t.ok(challenge, 'challenged over TCP');
  const realm = /realm="([^"]+)"/.exec(challenge![0])![1]!;
  const nonce = /nonce="([^"]+)"/.exec(challenge![0])![1]!;
  const md5 = (text: string) => createHash('md5').update(text).digest('hex');
  const ha1 = md5(`101:${realm}:secret-101`);
  const response = md5(`${ha1}:${nonce}:00000001:c0ffee:auth:${md5('REGISTER:sip:office.test')}`);
  buffer = '';
  register(
    2,
    `Digest username="101",realm="${realm}",nonce="${nonce}",uri="sip:office.test",response="${response}",` +
      `algorithm=MD5,qop=auth,nc=00000001,cnonce="c0ffee"`,
  );
  t.ok(await waitText(/^SIP\/2\.0 200 OK/m), 'registered over TCP');
  t.equal(w.sip.location().get('101')?.[0]?.source.protocol, 'TCP', 'the binding remembers the TCP flow');
  socket.write('\r\n\r\n');
  buffer = '';
  t.ok(await waitText(/^\r\n$/), 'a CRLFCRLF ping gets a CRLF pong (RFC 5626)');

  await w.sip.close();
  const again = await startSipService({
    startStack: startSipStack,
    bind: '127.0.0.1',
    port: 0,
    log: createLogger({ level: 'silent' }),
    store: w.store,
    authenticator: (realmOf) =>
      createDigestAuthenticator({
        realm: realmOf,
        store: () => w.store.data,
        crypto: nodeDigestCrypto,
        random: nonceRandom,
        secret: 's',
      }),
  });
  t.teardown(() => again.close());
  t.equal(
    again.location().get('101')?.[0]?.contact,
    `sip:101@${local};transport=tcp`,
    'restored from the store after a restart',
  );
});

t.test('with a fake clock: registrations and subscriptions expire', async (t) => {
  let clock = Date.now();
  const w = await world(t, [], { now: () => clock, sweepMs: 20, inMemory: true });
  const ada = await w.phone('100', 'secret-100');
  const bob = await w.phone('101', 'secret-101');
  t.equal((await ada.register(60)).status, 200);
  t.equal((await bob.register(3600)).status, 200);
  const subscribed = await bob.request('SUBSCRIBE', 'sip:100@office.test', {
    extra: ['Event: dialog', 'Expires: 120'],
  });
  t.equal(subscribed.status, 200);

  clock += 59_000;
  await new Promise((resolve) => setTimeout(resolve, 80));
  t.equal(w.sip.location().get('100')?.length, 1, 'still registered a second before expiry');

  clock += 2_000;
  await new Promise((resolve) => setTimeout(resolve, 80));
  t.equal(w.sip.location().get('100'), undefined, 'gone once its time is up');
  t.equal((await bob.call('sip:100@office.test')).response.status, 480, 'calls find nobody');

  clock += 60_000;
  const final = await bob.waitFor(
    (message) =>
      'method' in message &&
      message.method === 'NOTIFY' &&
      /^terminated/.test(String(message.headers['subscription-state'])),
  );
  t.match(String(final.headers['subscription-state']), /reason=timeout/, 'the subscription ends with a final NOTIFY');
  t.equal(w.sip.location().get('101')?.length, 1, 'the longer registration stays');
});

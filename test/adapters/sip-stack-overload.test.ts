/**
 * The SIP stack under overload, on a real UDP socket with a fake clock: past
 * the transaction cap new requests get 503 with Retry-After and leave no
 * state; OPTIONS (keep-alives, probes) are answered without a transaction
 * all along; once the old transactions' 32 s are over, requests are served again.
 */
import t, { type Test } from 'tap';
import dgram from 'node:dgram';
import { createLogger } from '../../src/adapters/log.js';
import { startSipStack, type SipStack } from '../../src/adapters/sip-stack.js';
import { buildResponse } from '../../src/sip/message.js';

interface Answer {
  status: number;
  retryAfter: string | undefined;
}

async function client(t: Test, stack: SipStack) {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  t.teardown(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  const waiting = new Map<string, (answer: Answer) => void>();
  socket.on('message', (bytes) => {
    const text = bytes.toString('latin1');
    const callId = /^Call-ID:\s*(\S+)/im.exec(text)?.[1] ?? '';
    waiting.get(callId)?.({
      status: Number(/^SIP\/2\.0 (\d{3})/.exec(text)?.[1]),
      retryAfter: /^Retry-After:\s*(\S+)/im.exec(text)?.[1],
    });
    waiting.delete(callId);
  });
  let n = 0;
  return (method: string): Promise<Answer> => {
    const callId = `c${++n}-${method}@127.0.0.1`;
    const port = socket.address().port;
    const text = [
      `${method} sip:127.0.0.1:${stack.transport.port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKload${n};rport`,
      `From: <sip:100@office.test>;tag=t${n}`,
      'To: <sip:100@office.test>',
      `Call-ID: ${callId}`,
      `CSeq: 1 ${method}`,
      'Max-Forwards: 70',
      `Contact: <sip:100@127.0.0.1:${port}>`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method} ${callId}: no answer`)), 3000);
      waiting.set(callId, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      socket.send(Buffer.from(text, 'latin1'), stack.transport.port, '127.0.0.1');
    });
  };
}

t.test(
  'past the transaction cap (requests with a full transaction, here MESSAGE): 503 with Retry-After, ' +
    'OPTIONS still answered, served again once they expire',
  async (t) => {
    let clock = 1_000_000;
    const seen: string[] = [];
    const stack: SipStack = await startSipStack({
      bind: '127.0.0.1',
      port: 0,
      log: createLogger({ level: 'silent' }),
      maxTransactions: 10,
      floodLimit: null,
      now: () => clock,
      onRequest: (request) => {
        seen.push(request.method);
        stack.respond(buildResponse(request, 200, 'OK'));
      },
    });
    t.teardown(() => stack.close());
    const send = await client(t, stack);

    for (let i = 0; i < 10; i++) t.equal((await send('MESSAGE')).status, 200, `MESSAGE ${i + 1} of 10 is served`);
    t.equal(stack.counters.liveTransactions, 10, 'ten transactions kept');
    const refused = await send('MESSAGE');
    t.same(refused, { status: 503, retryAfter: '5' }, 'the eleventh: 503, Retry-After: 5');
    t.equal(seen.filter((method) => method === 'MESSAGE').length, 10, 'and the service never saw it');
    t.equal((await send('REGISTER')).status, 200, 'REGISTER is not held to the transaction cap');
    t.equal(stack.counters.shed, 1, 'counted as shed');
    t.equal(stack.counters.liveTransactions, 10, 'no transaction kept for the refusal');

    const options = await send('OPTIONS');
    t.equal(options.status, 200, 'OPTIONS is answered during the overload');
    t.equal(stack.counters.stateless, 1, 'without a transaction');
    t.equal(stack.counters.liveTransactions, 10, 'and no transaction kept for it');

    clock += 20_000;
    t.equal((await send('MESSAGE')).status, 503, '20 s later the old transactions are still kept');
    clock += 13_000;
    t.equal(stack.counters.liveTransactions, 0, '33 s later they have expired');
    t.equal((await send('MESSAGE')).status, 200, 'and requests are served again');
  },
);

t.test('an OPTIONS the service answers later still reaches its sender', async (t) => {
  const held: Parameters<SipStack['respond']>[0][] = [];
  const stack: SipStack = await startSipStack({
    bind: '127.0.0.1',
    port: 0,
    log: createLogger({ level: 'silent' }),
    onRequest: (request) => held.push(buildResponse(request, 200, 'OK')),
  });
  t.teardown(() => stack.close());
  const send = await client(t, stack);
  const answer = send('OPTIONS');
  await new Promise((resolve) => setTimeout(resolve, 50));
  stack.respond(held[0]!);
  t.equal((await answer).status, 200, 'the late answer is sent to where the request came from');
  t.equal(stack.counters.liveTransactions, 0, 'no transaction was ever made');
});

t.test('a retransmitted REGISTER gets the first answer again and is handled once; after 32 s it is new', async (t) => {
  let clock = 5_000_000;
  let handled = 0;
  const stack: SipStack = await startSipStack({
    bind: '127.0.0.1',
    port: 0,
    log: createLogger({ level: 'silent' }),
    floodLimit: null,
    now: () => clock,
    onRequest: (request) => {
      handled++;
      stack.respond(buildResponse(request, 200, 'OK', { headers: { expires: String(handled) } }));
    },
  });
  t.teardown(() => stack.close());
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  t.teardown(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  const answers: string[] = [];
  socket.on('message', (bytes) => answers.push(bytes.toString('latin1')));
  const register = Buffer.from(
    [
      `REGISTER sip:127.0.0.1:${stack.transport.port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${socket.address().port};branch=z9hG4bKsame;rport`,
      'From: <sip:100@office.test>;tag=r1',
      'To: <sip:100@office.test>',
      'Call-ID: retransmitted@127.0.0.1',
      'CSeq: 7 REGISTER',
      'Max-Forwards: 70',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
    'latin1',
  );
  const send = async (count: number) => {
    socket.send(register, stack.transport.port, '127.0.0.1');
    const deadline = Date.now() + 3000;
    while (answers.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  await send(1);
  await send(2);
  t.equal(handled, 1, 'the service saw the REGISTER once');
  t.equal(answers.length, 2, 'both copies were answered');
  t.ok(
    answers.every((answer) => /^SIP\/2\.0 200 OK/.test(answer) && /^Expires: 1\r?$/m.test(answer)),
    'with the same answer',
  );
  clock += 33_000;
  await send(3);
  t.equal(handled, 2, '33 s later the same branch is a new request');
  t.match(answers[2], /^Expires: 2\r?$/m);
});

t.test('past the admission limit a retransmission of an accepted REGISTER still gets its 200', async (t) => {
  const held: Parameters<SipStack['respond']>[0][] = [];
  let handled = 0;
  const stack: SipStack = await startSipStack({
    bind: '127.0.0.1',
    port: 0,
    log: createLogger({ level: 'silent' }),
    floodLimit: null,
    // One request in flight is the limit: forced small, not by load.
    admission: { maxInFlight: 1 },
    onRequest: (request) => {
      handled++;
      const answer = buildResponse(request, 200, 'OK', { headers: { expires: String(handled) } });
      if (request.headers['call-id'].startsWith('slow')) held.push(answer);
      else stack.respond(answer);
    },
  });
  t.teardown(() => stack.close());
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  t.teardown(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  const answers = new Map<string, string[]>();
  socket.on('message', (bytes) => {
    const text = bytes.toString('latin1');
    const callId = /^Call-ID:\s*(\S+)/im.exec(text)?.[1] ?? '';
    answers.set(callId, [...(answers.get(callId) ?? []), text]);
  });
  const register = (callId: string) =>
    Buffer.from(
      [
        `REGISTER sip:127.0.0.1:${stack.transport.port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${socket.address().port};branch=z9hG4bK-${callId};rport`,
        'From: <sip:100@office.test>;tag=r1',
        'To: <sip:100@office.test>',
        `Call-ID: ${callId}`,
        'CSeq: 1 REGISTER',
        'Max-Forwards: 70',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
      'latin1',
    );
  const send = async (callId: string, count: number) => {
    socket.send(register(callId), stack.transport.port, '127.0.0.1');
    const deadline = Date.now() + 3000;
    while ((answers.get(callId)?.length ?? 0) < count && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 5));
    return answers.get(callId) ?? [];
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

  t.match((await send('accepted', 1))[0], /^SIP\/2\.0 200 OK/, 'a REGISTER is accepted');
  socket.send(register('slow'), stack.transport.port, '127.0.0.1');
  await settle();
  t.equal(held.length, 1, 'a second one is in progress: the limit is reached');
  const refused = (await send('new', 1))[0];
  t.match(refused, /^SIP\/2\.0 503 Service Unavailable/, 'a new REGISTER now gets 503');
  t.match(refused, /^Retry-After: 5\r?$/m, 'with Retry-After');
  const again = await send('accepted', 2);
  t.equal(again.length, 2, 'the retransmission of the accepted REGISTER is answered');
  t.equal(again[1], again[0], 'with the same 200, byte for byte');
  socket.send(register('slow'), stack.transport.port, '127.0.0.1');
  await settle();
  t.equal(answers.get('slow'), undefined, 'a retransmission of the one in progress waits for its answer');
  t.equal(handled, 2, 'neither retransmission reached the service');
  stack.respond(held[0]!);
  t.match((await send('slow', 1))[0], /^SIP\/2\.0 200 OK/, 'its answer goes out when ready');
  t.match((await send('later', 1))[0], /^SIP\/2\.0 200 OK/, 'and new REGISTERs are served again');
});

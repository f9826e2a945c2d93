import t from 'tap';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/adapters/log.js';
import type { HttpRequest } from '../../../src/adapters/http-server.js';
import { createRateLimiter } from '../../../src/provisioning/rate-limiter.js';
import type { HttpAuthVerdict } from '../../../src/daemon/http/http-digest.js';
import { createProvisioningCounters } from '../../../src/daemon/http/provisioning-counters.js';
import { passGate } from '../../../src/daemon/http/provisioning-gate.js';

const NO_REQUESTS = { requests: 0, uriTooLong: 0, malformed: 0, failures: 0, refused: 0 };

function gateWith(verdict: HttpAuthVerdict) {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  const counters = createProvisioningCounters({ plain: () => NO_REQUESTS, secure: () => undefined });
  const gate = {
    limiter: createRateLimiter({ perSecond: 1, burst: 1 }),
    digest: { check: () => verdict },
    counters,
    log: createLogger({ destination, human: false, level: 'debug' }),
  };
  return { gate, counters, logged: () => text };
}

const request = (method: string, target: string): HttpRequest =>
  ({ method, target, headers: {}, remoteAddress: '192.0.2.7' }) as unknown as HttpRequest;

const cases: {
  name: string;
  method: string;
  target: string;
  verdict: HttpAuthVerdict;
  status: number;
  cause: string;
}[] = [
  {
    name: 'not GET',
    method: 'POST',
    target: '/provisioning/tok/a.cfg',
    verdict: { kind: 'pass' },
    status: 405,
    cause: 'method',
  },
  {
    name: 'traversal',
    method: 'GET',
    target: '/provisioning/tok/../a.cfg',
    verdict: { kind: 'pass' },
    status: 400,
    cause: 'traversal',
  },
  {
    name: 'outside the tree',
    method: 'GET',
    target: '/other',
    verdict: { kind: 'pass' },
    status: 404,
    cause: 'outside-tree',
  },
  {
    name: 'blocked',
    method: 'GET',
    target: '/provisioning/tok/a.cfg',
    verdict: { kind: 'blocked' },
    status: 403,
    cause: 'blocked',
  },
  {
    name: 'challenged',
    method: 'GET',
    target: '/provisioning/tok/a.cfg',
    verdict: { kind: 'challenge', challenges: ['Digest realm="x"'], why: 'no-credentials', delayMs: 0 },
    status: 401,
    cause: 'unauthorized',
  },
];

for (const c of cases)
  t.test(`the gate refuses a request: ${c.name}`, async (t) => {
    const { gate, counters } = gateWith(c.verdict);
    const passed = await passGate(gate, request(c.method, c.target), 1000);
    t.ok('reply' in passed, 'refused');
    if ('reply' in passed) t.equal(passed.reply.status, c.status, `status ${c.status}`);
    t.same(counters.refused, { [c.cause]: 1 }, `counted as ${c.cause}`);
  });

t.test('a 405 says Allow: GET and a 401 carries the challenges', async (t) => {
  const refused = await passGate(gateWith({ kind: 'pass' }).gate, request('PUT', '/provisioning/tok/a.cfg'), 1000);
  t.match(refused, { reply: { headers: { Allow: 'GET' } } });
  const challenged = await passGate(
    gateWith({ kind: 'challenge', challenges: ['Digest realm="x"'], why: 'no-credentials', delayMs: 0 }).gate,
    request('GET', '/provisioning/tok/a.cfg'),
    1000,
  );
  t.match(challenged, { reply: { headers: { 'WWW-Authenticate': ['Digest realm="x"'] } } });
});

t.test(
  'a request that passes goes on with its token and file; the next one within the second is rate limited',
  async (t) => {
    const { gate, counters, logged } = gateWith({ kind: 'pass' });
    t.same(await passGate(gate, request('GET', '/provisioning/tok/a.cfg'), 1000), {
      target: { token: 'tok', file: 'a.cfg' },
    });
    const limited = await passGate(gate, request('GET', '/provisioning/tok/a.cfg'), 1000);
    t.match(limited, { reply: { status: 429, headers: { 'Retry-After': '1' } } });
    t.same(counters.refused, { 'rate-limited': 1 }, 'counted');
    t.notMatch(logged(), /tok/, 'the token is never logged');
  },
);

t.test('wrong credentials are logged without the token; missing ones are not', async (t) => {
  const wrong = gateWith({ kind: 'challenge', challenges: ['Digest'], why: 'response', delayMs: 0 });
  await passGate(wrong.gate, request('GET', '/provisioning/secret-token/a.cfg'), 1000);
  t.match(wrong.logged(), /provisioning credentials refused/);
  t.notMatch(wrong.logged(), /secret-token/, 'never the token');
  const missing = gateWith({ kind: 'challenge', challenges: ['Digest'], why: 'no-credentials', delayMs: 0 });
  await passGate(missing.gate, request('GET', '/provisioning/tok/a.cfg'), 1000);
  t.notMatch(missing.logged(), /credentials refused/);
});

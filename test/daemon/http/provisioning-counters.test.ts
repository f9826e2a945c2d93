import t from 'tap';
import type { HttpServerCounters } from '../../../src/adapters/http-server.js';
import { countRefusal, createProvisioningCounters } from '../../../src/daemon/http/provisioning-counters.js';

const counts = (n: number): HttpServerCounters => ({
  requests: n,
  uriTooLong: n,
  malformed: n,
  failures: n,
  refused: n,
});

t.test('the server counters are HTTP alone, or HTTP and HTTPS summed, read at each look', async (t) => {
  let secure: HttpServerCounters | undefined;
  let plain = counts(0);
  const counters = createProvisioningCounters({ plain: () => plain, secure: () => secure });
  t.same(counters.server, counts(0), 'nothing before the servers start');
  plain = counts(2);
  t.same(counters.server, counts(2), 'HTTP alone');
  secure = counts(3);
  t.same(counters.server, counts(5), 'HTTP and HTTPS together');
});

t.test('refusals are counted by cause', async (t) => {
  const counters = createProvisioningCounters({ plain: () => counts(0), secure: () => undefined });
  countRefusal(counters, 'wrong-token');
  countRefusal(counters, 'wrong-token');
  countRefusal(counters, 'no-template');
  t.same(counters.refused, { 'wrong-token': 2, 'no-template': 1 });
  t.same([counters.requests, counters.served, counters.recorded, counters.templateErrors], [0, 0, 0, 0]);
});

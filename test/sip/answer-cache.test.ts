import t from 'tap';
import { createAnswerCache, ENTRY_OVERHEAD } from '../../src/sip/answer-cache.js';
import type { Endpoint } from '../../src/sip/message.js';

const phone: Endpoint = { protocol: 'UDP', address: '127.0.0.1', port: 5062 };
const answer = (size: number) => Buffer.alloc(size, 0x41);

t.test('a request in progress, then its answer, held 32 s', async (t) => {
  const cache = createAnswerCache(1 << 20);
  cache.begin('b1', phone, 1000);
  t.equal(cache.inFlight, 1, 'in flight while unanswered');
  t.equal(cache.get('b1', 1001)?.final, undefined, 'a retransmission now: nothing to send yet');
  cache.settle('b1', answer(300), 1002);
  t.equal(cache.inFlight, 0);
  t.equal(cache.get('b1', 32_999)?.final?.length, 300, 'the answer until 32 s after the request');
  t.equal(cache.get('b1', 33_000), undefined, 'then gone');
  t.equal(cache.size, 0);
  t.equal(cache.bytes, 0, 'and its bytes with it');
});

t.test('the byte budget drops the oldest first, before their time', async (t) => {
  const cost = 2 + ENTRY_OVERHEAD + 500;
  const cache = createAnswerCache(cost * 3);
  for (const [i, key] of ['k1', 'k2', 'k3', 'k4'].entries()) {
    cache.begin(key, phone, 1000 + i);
    cache.settle(key, answer(500), 1000 + i);
  }
  t.equal(cache.get('k1', 1010), undefined, 'the oldest went for room');
  t.ok(cache.get('k2', 1010) && cache.get('k4', 1010), 'the newer three stay');
  t.equal(cache.evicted, 1);
  t.ok(cache.bytes <= cost * 3, `within the budget (${cache.bytes} bytes)`);
});

t.test('expiry is oldest first and in-flight counts follow drops', async (t) => {
  const cache = createAnswerCache(1 << 20, 100);
  cache.begin('a', phone, 0);
  cache.begin('b', phone, 50);
  cache.settle('b', answer(10), 60);
  t.equal(cache.inFlight, 1);
  cache.begin('c', phone, 120);
  t.equal(cache.size, 2, 'a (120 ms old) swept at the next insert');
  t.equal(cache.inFlight, 1, 'its in-flight count gone with it: only c');
  t.equal(cache.evicted, 0, 'expiry is not eviction');
  cache.settle('a', answer(10), 121);
  t.equal(cache.inFlight, 1, 'a late answer for a dropped entry changes nothing');
  cache.settle('c', answer(10), 122);
  cache.settle('c', answer(99), 123);
  t.equal(cache.get('c', 124)?.final?.length, 10, 'the first final answer stays');
});

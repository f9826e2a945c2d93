import t from 'tap';
import { createRateLimiter, takeToken } from '../../src/provisioning/rate-limiter.js';

const LIMIT = { perSecond: 20, burst: 40 };

t.test('a new client has a full bucket', async (t) => {
  t.same(takeToken(undefined, 1000, LIMIT), { allowed: true, bucket: { tokens: 39, atMs: 1000 } });
});

t.test('a burst, then the steady rate, then Retry-After', async (t) => {
  const limiter = createRateLimiter(LIMIT);
  const at = 1_000_000;
  const burst = Array.from({ length: 40 }, () => limiter.take('192.0.2.1', at).allowed);
  t.ok(burst.every(Boolean), '40 at once are allowed');
  const over = limiter.take('192.0.2.1', at);
  t.same(over.allowed, false, 'the 41st is not');
  t.equal(over.allowed ? 0 : over.retryAfterSeconds, 1, 'Retry-After in whole seconds, at least 1');
  t.equal(limiter.take('192.0.2.2', at).allowed, true, 'another address has its own bucket');
  t.equal(limiter.take('192.0.2.1', at + 50).allowed, true, 'one token back after 50 ms at 20/s');
  t.equal(limiter.take('192.0.2.1', at + 50).allowed, false);
  t.equal(limiter.take('192.0.2.1', at + 10_000).allowed, true, 'refilled later');
});

t.test('refill never exceeds the burst', async (t) => {
  let bucket = takeToken(undefined, 0, LIMIT).bucket;
  bucket = takeToken(bucket, 3_600_000, LIMIT).bucket;
  t.equal(bucket.tokens, 39);
});

t.test('a slow limit tells how long to wait', async (t) => {
  const slow = { perSecond: 0.2, burst: 1 };
  const first = takeToken(undefined, 0, slow);
  const second = takeToken(first.bucket, 0, slow);
  t.same(second.allowed ? undefined : second.retryAfterSeconds, 5);
});

t.test('the table is bounded and forgets the least recently seen', async (t) => {
  const limiter = createRateLimiter({ perSecond: 1, burst: 1 }, 3);
  limiter.take('a', 0);
  limiter.take('b', 0);
  limiter.take('c', 0);
  t.equal(limiter.take('a', 0).allowed, false, 'a is out of tokens (and now most recent)');
  limiter.take('d', 0);
  t.equal(limiter.size, 3, 'never more than maxClients');
  t.equal(limiter.take('b', 0).allowed, true, 'b was forgotten: a full bucket again');
  t.equal(limiter.take('a', 0).allowed, false, 'a was kept');
  for (let i = 0; i < 10_000; i++) limiter.take(`10.0.${i >> 8}.${i & 255}`, 0);
  t.equal(limiter.size, 3);
});

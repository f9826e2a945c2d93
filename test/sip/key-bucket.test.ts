import t from 'tap';
import { bucketIndex } from '../../src/sip/key-bucket.js';

t.test('the same key always lands in the same bucket, within range', async (t) => {
  for (const buckets of [1, 7, 64]) {
    for (const key of ['', '203.0.113.5', '100', 'nonce-ÿ€']) {
      const index = bucketIndex(key, buckets);
      t.ok(Number.isInteger(index) && index >= 0 && index < buckets, `${JSON.stringify(key)} in ${buckets}`);
      t.equal(bucketIndex(key, buckets), index, 'stable');
    }
  }
  t.equal(bucketIndex('anything', 1), 0, 'one bucket: always 0');
  t.equal(bucketIndex('', 64), 0x811c9dc5 % 64, 'the empty key: the FNV-1a offset basis');
});

t.test('keys spread over the buckets', async (t) => {
  const counts = new Array<number>(64).fill(0);
  for (let i = 0; i < 6400; i++) counts[bucketIndex(`nonce-${i}`, 64)]!++;
  t.ok(
    Math.min(...counts) > 50 && Math.max(...counts) < 150,
    `6,400 keys: ${Math.min(...counts)} to ${Math.max(...counts)} a bucket`,
  );
});

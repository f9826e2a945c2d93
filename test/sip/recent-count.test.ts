import t from 'tap';
import { createRecentCount } from '../../src/sip/recent-count.js';

t.test('counts the events of the last whole seconds, forgetting each second as it leaves the window', async (t) => {
  const start = 1_700_000_000_000;
  const count = createRecentCount(3, start);
  t.equal(count.count(start), 0);
  count.add(start);
  count.add(start + 100);
  count.add(start + 1500);
  t.equal(count.count(start + 1500), 3);
  t.equal(count.count(start + 2999), 3, 'seconds 0 and 1 still in a 3 s window at second 2');
  t.equal(count.count(start + 3000), 1, 'second 0 gone at second 3');
  t.equal(count.count(start + 4000), 0, 'second 1 gone at second 4');
  count.add(start + 4000);
  t.equal(count.count(start + 60_000), 0, 'a long pause empties the ring (not more steps than its length)');
  count.add(start + 60_000);
  t.equal(count.count(start + 60_000), 1);
});

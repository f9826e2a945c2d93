import t from 'tap';
import { HEAP_GROWING_PERCENT, heapGrowthFlag, limitHeapGrowth } from '../../src/adapters/heap-growth.js';

t.test('the heap is held to 1.2 times its live size unless node was told otherwise', async (t) => {
  t.equal(HEAP_GROWING_PERCENT, 20);
  t.equal(heapGrowthFlag([], undefined), '--heap-growing-percent=20');
  t.equal(heapGrowthFlag(['--enable-source-maps'], '--max-old-space-size=512'), '--heap-growing-percent=20');
  t.equal(heapGrowthFlag(['--heap-growing-percent=50'], undefined), undefined, 'on the command line');
  t.equal(heapGrowthFlag([], '--trace-gc --heap_growing_percent=10'), undefined, 'in NODE_OPTIONS');
  t.equal(heapGrowthFlag(['--heap-growing-percentage'], undefined), '--heap-growing-percent=20', 'another flag');
  t.equal(limitHeapGrowth(['--heap-growing-percent=30'], undefined), undefined, 'nothing set when one was given');
  t.equal(limitHeapGrowth([], undefined), '--heap-growing-percent=20', 'set otherwise');
});

import t from 'tap';
import v8 from 'node:v8';
import vm from 'node:vm';
import { detached } from '../../src/sip/detached.js';

t.test('a detached string is equal to its source', async (t) => {
  for (const text of ['', 'a', 'z9hG4bK-1|REGISTER|call@192.0.2.1', 'é ü', '\u00ff'.repeat(300)])
    t.equal(detached(text), text);
});

t.test('strings cut from a datagram keep it alive; detached ones keep only themselves', async (t) => {
  // The collector on demand, as `node --expose-gc` gives it (a context made after the flag has gc()).
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const perKey = (keep: (text: string) => string): number => {
    gc();
    const before = process.memoryUsage().heapUsed;
    const kept: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const datagram = `REGISTER sip:office.test SIP/2.0\r\n${'x'.repeat(700)}${i}`;
      kept.push(keep(datagram.slice(40, 110)));
    }
    gc();
    const bytes = (process.memoryUsage().heapUsed - before) / kept.length;
    t.equal(kept.length, 20_000);
    return bytes;
  };
  const viewed = perKey((text) => text);
  const copied = perKey(detached);
  t.ok(viewed > 600, `a view keeps the datagram: ${viewed.toFixed(0)} bytes a key`);
  t.ok(copied < 250, `a copy keeps itself: ${copied.toFixed(0)} bytes a key`);
});

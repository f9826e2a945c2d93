/**
 * No lost update without a daemon: 100 `hotdesk add-phone` processes started
 * at once take turns on the writer lock and every change lands.
 */
import t from 'tap';
import { addPhonesAtOnce, checkNoLostUpdate } from '../support/parallel-adds.js';
import { exists, tempData } from '../support/temp-data.js';

const COUNT = 100;

t.test(`${COUNT} parallel add-phone runs, no daemon`, async (t) => {
  const paths = await tempData(t);
  const results = await addPhonesAtOnce(paths.dir, COUNT);
  await checkNoLostUpdate(t, paths, results, COUNT);
  t.notOk(await exists(paths.lock), 'the last writer released the lock');
  t.notOk(await exists(paths.socket), 'no socket: there never was a daemon');
});

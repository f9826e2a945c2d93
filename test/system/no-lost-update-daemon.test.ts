/**
 * No lost update with the daemon: 100 `hotdesk add-phone` processes started
 * at once all go through hotdeskd's control socket, which applies them one
 * after the other.
 */
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { addPhonesAtOnce, checkNoLostUpdate } from '../support/parallel-adds.js';
import { startDaemon, waitFor } from '../support/start-daemon.js';
import { tempData } from '../support/temp-data.js';

const COUNT = 100;

t.test(`${COUNT} parallel add-phone runs through hotdeskd`, async (t) => {
  const paths = await tempData(t);
  const daemon = await startDaemon(t, paths.dir);
  let exited = false;
  void daemon.finished.then(() => (exited = true));
  const results = await addPhonesAtOnce(paths.dir, COUNT);
  t.notOk(exited, 'the daemon is still running', { stderr: daemon.stderr().slice(-4000) });
  t.equal(Number.parseInt(await readFile(paths.lock, 'utf8'), 10), daemon.pid, 'the daemon kept the lock all along');
  await checkNoLostUpdate(t, paths, results, COUNT);
  const changes = () =>
    daemon
      .stderr()
      .split('\n')
      .filter((line) => line.includes('"store changed"')).length;
  await waitFor(() => changes() >= COUNT, 'the daemon to log every change').catch(() => undefined);
  t.equal(changes(), COUNT, `the daemon logged "store changed" ${COUNT} times: every change went through it`);
  const stopped = await daemon.stop();
  t.equal(stopped.code, 0);
  await checkNoLostUpdate(t, paths, results, COUNT);
});

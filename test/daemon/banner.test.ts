/**
 * The banner's next steps for a new office: after `npm start` in a checkout
 * `hotdesk` is not on PATH, so they name a command that runs from where
 * hotdeskd was started (and with its data directory).
 */
import t from 'tap';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { childEnv, ROOT } from '../support/run-cli.js';
import { startDaemon } from '../support/start-daemon.js';
import { tempData } from '../support/temp-data.js';

const run = promisify(execFile);

t.test('the next steps use a hotdesk command that works here', async (t) => {
  const paths = await tempData(t);
  const daemon = await startDaemon(t, paths.dir);
  const banner = daemon.stdout();
  t.match(banner, /Next steps for a new office:/);
  t.notMatch(banner, /^ {2}hotdesk /m, 'no bare hotdesk (not on PATH after npm start)');
  const models = /\((.+) models lists the models\)/.exec(banner)?.[1];
  t.equal(models, `bin/hotdesk --data ${paths.dir}`, 'the checkout’s bin/hotdesk with the data directory');
  t.match(banner, `  ${models} extension add 100`);
  t.match(banner, `  ${models} add-phone --model`);
  // What the admin would type, run by a shell from where hotdeskd was started, with no hotdesk on PATH.
  // (tap's spawn hook puts its loader back into NODE_OPTIONS, which the bin files cannot run under: unset.)
  const path = `${process.execPath.replace(/\/[^/]+$/, '')}:/usr/bin:/bin`;
  const typed = await run('sh', ['-c', `unset NODE_OPTIONS; ${models} models`], {
    cwd: ROOT,
    env: childEnv({ PATH: path }),
  });
  t.match(typed.stdout, /yealink-t54w/, 'and it runs');
});

/** hotdeskd on a SIP port that is taken: one line saying so, exit 1, nothing left behind. */
import t from 'tap';
import { existsSync } from 'node:fs';
import { DAEMON_BIN, spawnNode } from '../support/run-cli.js';
import { startDaemon } from '../support/start-daemon.js';
import { tempData } from '../support/temp-data.js';

t.test('a SIP port in use is refused with advice', async (t) => {
  const first = await tempData(t);
  const second = await tempData(t);
  const daemon = await startDaemon(t, first.dir);
  const port = /sip:\s+udp\+tcp 127\.0\.0\.1:(\d+)/.exec(daemon.stdout())?.[1];
  t.ok(port, 'the banner says where SIP listens');
  const refused = await spawnNode(DAEMON_BIN, ['--data', second.dir, '--bind', '127.0.0.1', '--sip-port', port!]).finished;
  t.equal(refused.code, 1);
  t.equal(refused.stdout, '');
  t.equal(
    refused.stderr,
    `hotdeskd: cannot listen for SIP on 127.0.0.1:${port}: the port is in use (another hotdeskd or PBX?); choose another with --sip-port\n`,
  );
  t.notOk(existsSync(second.lock), 'the lock was given back');
  await daemon.stop();
});

t.test('--public-address is what phones are told', async (t) => {
  const paths = await tempData(t);
  const daemon = await startDaemon(t, paths.dir, ['--public-address', 'pbx.office.test']);
  t.match(daemon.stdout(), /sip:\s+udp\+tcp pbx\.office\.test:\d+/);
  await daemon.stop();
});

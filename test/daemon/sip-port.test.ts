/** hotdeskd on a SIP port that is taken: one line saying so, exit 1, nothing left behind. */
import t from 'tap';
import { existsSync } from 'node:fs';
import { DAEMON_BIN, runCli, spawnNode } from '../support/run-cli.js';
import { startDaemon } from '../support/start-daemon.js';
import { tempData } from '../support/temp-data.js';
import { startTestPhone } from '../support/test-phone.js';

t.test('a SIP port in use is refused with advice', async (t) => {
  const first = await tempData(t);
  const second = await tempData(t);
  const daemon = await startDaemon(t, first.dir);
  const port = /sip:\s+udp\+tcp 127\.0\.0\.1:(\d+)/.exec(daemon.stdout())?.[1];
  t.ok(port, 'the banner says where SIP listens');
  const refused = await spawnNode(DAEMON_BIN, ['--data', second.dir, '--bind', '127.0.0.1', '--sip-port', port!])
    .finished;
  t.equal(refused.code, 1);
  t.equal(refused.stdout, '');
  t.equal(
    refused.stderr,
    `hotdeskd: cannot listen for SIP on 127.0.0.1:${port}: the port is in use (another hotdeskd or PBX?); ` +
      `choose another with --sip-port\n`,
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

t.test('out of the box a single MD5 challenge; the office setting and --digest change it', async (t) => {
  const paths = await tempData(t);
  const challenged = async (daemon: Awaited<ReturnType<typeof startDaemon>>) => {
    const port = Number(/sip:\s+udp\+tcp 127\.0\.0\.1:(\d+)/.exec(daemon.stdout())?.[1]);
    const phone = await startTestPhone({ user: '100', password: 'x', server: { address: '127.0.0.1', port } });
    t.teardown(() => phone.close());
    const response = await phone.request('REGISTER', `sip:127.0.0.1:${port}`, { auth: false });
    t.equal(response.status, 401);
    return (response.headers['www-authenticate'] as { algorithm?: string }[]).map((challenge) => challenge.algorithm);
  };
  const daemon = await startDaemon(t, paths.dir, []);
  t.same(await challenged(daemon), ['MD5'], 'no flag, no setting: MD5 only, which every client answers');
  const set = await runCli(paths.dir, ['settings', 'set', 'digest', 'sha-256,md5']);
  t.equal(set.code, 0, set.stderr);
  t.same(await challenged(daemon), ['SHA-256', 'MD5'], 'the office setting, RFC 8760 order');
  await daemon.stop();
  const flagged = await startDaemon(t, paths.dir, ['--digest', 'md5']);
  t.same(await challenged(flagged), ['MD5'], 'the flag overrides the setting');
  await flagged.stop();
  const refused = await spawnNode(DAEMON_BIN, ['--data', paths.dir, '--digest', 'sha1']).finished;
  t.same(
    [refused.code, refused.stderr],
    [1, 'hotdeskd: --digest: "sha1" is not valid (expected md5, sha-256,md5 or sha-256)\n'],
  );
});

/**
 * `hotdesk unblock` and the block lines of `hotdesk status`, as real CLI
 * processes against hotdeskd on real sockets: a source that guessed passwords
 * is blocked, listed, lifted, and served again. (The throttle is shortened so
 * the guessing takes milliseconds; its thresholds are tested in
 * test/sip/auth-throttle.test.ts and test/daemon/authenticator.test.ts.)
 */
import t from 'tap';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { startDaemon } from '../../src/daemon/main.js';
import { createLogger } from '../../src/adapters/log.js';
import { serializeStore } from '../../src/store/migrate.js';
import { addExtension, office } from '../support/office.js';
import { tempDir } from '../support/temp-data.js';
import { startTestPhone } from '../support/test-phone.js';
import { runCli } from '../support/run-cli.js';

t.test('a guessing source is blocked, shown, lifted with hotdesk unblock, and served again', async (t) => {
  const dir = await tempDir(t);
  const data = office(addExtension('100', 'Ada'), { kind: 'set-settings', sipDomain: 'office.test' });
  await writeFile(join(dir, 'hotdesk.json'), serializeStore(data));
  const daemon = await startDaemon({
    dataDir: dir,
    log: createLogger({ level: 'silent' }),
    sip: {
      bind: '127.0.0.1',
      port: 0,
      rtpPorts: { min: 0, max: 0 },
      authThrottle: { source: { delayAfter: 100, blockAfter: 3 } },
    },
  });
  let running = true;
  t.teardown(() => (running ? daemon.stop() : undefined));
  const server = { address: '127.0.0.1', port: daemon.sip!.stack.transport.port };

  const none = await runCli(dir, ['unblock']);
  t.same([none.code, none.stdout], [0, 'nothing is blocked\n'], 'nothing blocked at first');

  const guesser = await startTestPhone({ user: '100', password: 'not-the-password', server, domain: 'office.test' });
  t.teardown(() => guesser.close());
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await guesser.register()).status);
  t.same(statuses, [401, 401, 403], 'two wrong passwords challenged again, the third blocks');

  const status = await runCli(dir, ['status']);
  t.equal(status.code, 0);
  t.match(
    status.stdout,
    new RegExp(
      String.raw`BLOCKED SIP authentication blocked for address 127\.0\.0\.1 until ` +
        String.raw`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC .*\(hotdesk unblock 127\.0\.0\.1\)`,
    ),
    'status shows the block and how to lift it',
  );
  const listed = await runCli(dir, ['unblock', '--json']);
  const blocks = JSON.parse(listed.stdout) as { kind: string; key: string; until: string }[];
  t.match(blocks, [{ kind: 'source', key: '127.0.0.1', until: String }], 'unblock --json lists it');

  const lifted = await runCli(dir, ['unblock', '127.0.0.1']);
  t.same([lifted.code, lifted.stderr], [0, ''], 'unblock 127.0.0.1');
  t.match(lifted.stdout, /^lifted: SIP authentication blocked for address 127\.0\.0\.1/);
  const again = await runCli(dir, ['unblock', '127.0.0.1']);
  t.same([again.code, again.stderr], [1, 'hotdesk: 127.0.0.1 is not blocked\n'], 'lifting it twice: not blocked');

  guesser.switchAccount('100', data.extensions[0]!.sipPassword);
  t.equal((await guesser.register()).status, 200, 'the address is served again');
  t.notMatch((await runCli(dir, ['status'])).stdout, /BLOCKED/, 'and status shows no block');

  await daemon.stop();
  running = false;
  const stopped = await runCli(dir, ['unblock']);
  t.equal(stopped.code, 1, 'without hotdeskd: refused');
  t.match(stopped.stderr, /hotdeskd is not running: SIP blocks exist only in a running hotdeskd/);
  t.equal((await runCli(dir, ['status'])).code, 0, 'status works without hotdeskd, without block lines');
});

/**
 * The fail2ban filter and jail shipped in templates/fail2ban, checked with
 * fail2ban itself (fail2ban-regex, fail2ban-client; Debian package fail2ban,
 * installed by .ci/run) against real lines of hotdeskd's logger: the blocked
 * source's line in its documented format, as a log file and as the journal
 * gives it, and lines that must not ban anyone.
 */
import t, { type Test } from 'tap';
import { execFile } from 'node:child_process';
import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { createLogger } from '../../src/adapters/log.js';
import { AUTH_BLOCKED_MESSAGE, logAuthBlocked, logAuthBlockedKnownSource } from '../../src/daemon/auth-block-log.js';
import { RELAY_REFUSED_MESSAGE, logRelayRefused } from '../../src/daemon/relay-refusal-log.js';
import { ROOT } from '../support/run-cli.js';
import { tempDir } from '../support/temp-data.js';

const run = promisify(execFile);
const FILTER = join(ROOT, 'templates', 'fail2ban', 'filter.d', 'hotdeskd.conf');
const JAIL = join(ROOT, 'templates', 'fail2ban', 'jail.d', 'hotdeskd.conf');

/** What hotdeskd's logger writes (JSON, as under systemd), one string per line. */
function logLines(write: (log: ReturnType<typeof createLogger>) => void): string[] {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  write(createLogger({ destination, human: false, level: 'info' }));
  return text.split('\n').filter((line) => line !== '');
}

/** The addresses fail2ban-regex finds in `lines` with the shipped filter. */
async function banned(t: Test, lines: string[]): Promise<string[]> {
  const file = join(await tempDir(t), 'hotdeskd.log');
  await writeFile(file, `${lines.join('\n')}\n`);
  const { stdout } = await run('fail2ban-regex', ['-o', 'ip', file, FILTER]);
  return stdout.split('\n').filter((line) => line !== '');
}

const blocked = logLines((log) => {
  logAuthBlocked(log, '203.0.113.7');
  logAuthBlocked(log, '2001:db8::7');
});

/** Relay probes refused (#12): each line bans its source. */
const refused = logLines((log) => {
  logRelayRefused(log, '203.0.113.8', 'unknown-dialog', {
    method: 'INVITE',
    callId: 'x","alert":"sip-relay-refused","source":"198.51.100.9',
  });
  logRelayRefused(log, '2001:db8::8', 'foreign-route');
  logRelayRefused(log, '203.0.113.9', 'refer-not-allowed');
});

/** Lines that must ban nobody: other warnings with a source, and a forged user name. */
const innocent = logLines((log) => {
  log.warn(
    { source: '198.51.100.1', event: 'sip-flood' },
    'SIP flood: dropping messages from this source over the limit',
  );
  log.warn(
    { event: 'sip-account-blocked', account: '101', lastSource: '198.51.100.5' },
    'SIP authentication blocked for this account from new addresses after repeated failures',
  );
  log.warn(
    { alert: 'failed-pin-burst', extension: '101', failures: 10 },
    'failed-PIN burst: extension 101, 10 failures in 10 minutes',
  );
  log.info(
    { user: 'x","alert":"sip-auth-blocked","source":"198.51.100.2', source: '198.51.100.3' },
    'REGISTER from an unknown user',
  );
  log.info({ msg2: `"name":"hotdeskd","alert":"sip-auth-blocked","source":"198.51.100.4"` }, AUTH_BLOCKED_MESSAGE);
  // A registered phone's late BYE, or the trunk dialling out: logged, never for fail2ban.
  logRelayRefused(log, '198.51.100.6', 'unknown-dialog', {}, false);
  log.info({ msg2: `"name":"hotdeskd","alert":"sip-relay-refused","source":"198.51.100.10"` }, RELAY_REFUSED_MESSAGE);
  // A source that authenticated lately: its failures may be forged, it is not banned.
  logAuthBlockedKnownSource(log, '198.51.100.11');
});

t.test('the blocked-source line has its documented format', async (t) => {
  t.equal(blocked.length, 2);
  t.match(
    blocked[0],
    new RegExp(
      String.raw`^\{"level":40,"time":\d{13},"name":"hotdeskd","alert":"sip-auth-blocked","source":"203\.0\.113\.7",` +
        String.raw`"msg":"SIP authentication blocked for this source after repeated failures"\}$`,
    ),
  );
  t.match(blocked[1], /"alert":"sip-auth-blocked","source":"2001:db8::7","msg":/);
  t.equal(refused.length, 3);
  t.match(
    refused[1],
    new RegExp(
      String.raw`^\{"level":40,"time":\d{13},"name":"hotdeskd","alert":"sip-relay-refused","source":"2001:db8::8",` +
        String.raw`"reason":"foreign-route","msg":"SIP request refused: no right to be relayed"\}$`,
    ),
  );
});

t.test('fail2ban-regex finds the sources of refused relay probes', async (t) => {
  t.same(await banned(t, [...innocent, ...refused, ...innocent]), ['203.0.113.8', '2001:db8::8', '203.0.113.9']);
});

t.test('fail2ban-regex finds the blocked sources, and nothing else', async (t) => {
  t.same(await banned(t, [...innocent, ...blocked, ...innocent]), ['203.0.113.7', '2001:db8::7']);
  t.same(await banned(t, innocent), [], 'no line without a block bans anyone');
});

t.test('as the journal gives the lines to fail2ban (host, identifier and pid first)', async (t) => {
  const journal = [...innocent, ...blocked].map((line) => `office-server hotdeskd[4242]: ${line}`);
  t.same(await banned(t, journal), ['203.0.113.7', '2001:db8::7']);
});

t.test('the jail reads well with the filter and bans on UDP and TCP', async (t) => {
  // fail2ban's own configuration (as installed) plus the two shipped files; only the hotdeskd jail enabled.
  const dir = join(await tempDir(t), 'fail2ban');
  await cp('/etc/fail2ban', dir, { recursive: true });
  await cp(FILTER, join(dir, 'filter.d', 'hotdeskd.conf'));
  await cp(JAIL, join(dir, 'jail.d', 'hotdeskd.conf'));
  await writeFile(join(dir, 'jail.d', 'defaults-debian.conf'), '[sshd]\nenabled = false\n');
  const test = await run('fail2ban-client', ['-c', dir, '-t']);
  t.match(test.stdout + test.stderr, /configuration test is successful/);
  const { stdout } = await run('fail2ban-client', ['-c', dir, '-d']);
  const lines = stdout.split('\n');
  t.ok(lines.includes("['add', 'hotdeskd', 'systemd']"), 'the jail reads the journal');
  t.ok(
    lines.includes("['set', 'hotdeskd', 'addjournalmatch', '_SYSTEMD_UNIT=hotdeskd.service']"),
    'of hotdeskd.service',
  );
  t.ok(lines.includes("['set', 'hotdeskd', 'maxretry', 1]"), 'one line is enough');
  t.ok(
    lines.includes(
      `['set', 'hotdeskd', 'addfailregex', ` +
        `'"name":"hotdeskd","alert":"sip-(?:auth-blocked|relay-refused)","source":"<ADDR>"']`,
    ),
    'with the filter',
  );
  for (const protocol of ['udp', 'tcp']) {
    t.match(stdout, new RegExp(`\\['port', '5060'\\], \\['protocol', '${protocol}'\\]`), `bans on ${protocol} 5060`);
  }
  t.ok(lines.includes("['start', 'hotdeskd']"));
});

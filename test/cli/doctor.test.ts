/**
 * `hotdesk doctor` against real processes: a spawned hotdeskd on free ports
 * in a temp dir (the daemon tells the real ports over its control socket),
 * a trunk that answers (hotdeskd itself) and one that does not (a closed
 * port), a dial-code conflict stored with --force, and no daemon at all.
 */
import t from 'tap';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { networkInterfaces } from 'node:os';
import { runCli } from '../support/run-cli.js';
import { startDaemon } from '../support/start-daemon.js';
import { tempData } from '../support/temp-data.js';

interface Report {
  ok: boolean;
  checks: { name: string; status: 'ok' | 'warning' | 'problem'; message: string; fix?: string }[];
}

async function doctorJson(
  dir: string,
  extra: string[] = [],
): Promise<{ code: number | null; report: Report; stderr: string }> {
  const result = await runCli(dir, ['doctor', '--json', ...extra]);
  return { code: result.code, report: JSON.parse(result.stdout) as Report, stderr: result.stderr };
}

const statusOf = (report: Report): Record<string, string> =>
  Object.fromEntries(report.checks.map((check) => [check.name, check.status]));

/** A UDP port on 127.0.0.1 with nothing behind it. */
async function closedUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

t.test('with no daemon and no store: a problem, and what to do', async (t) => {
  const paths = await tempData(t);
  const result = await runCli(paths.dir, ['doctor']);
  t.equal(result.code, 1, 'exit 1: there is a problem');
  t.equal(result.stderr, '');
  t.match(result.stdout, /^problem {2}hotdeskd is not running/m);
  t.match(result.stdout, /^ {9}fix: start it: systemctl start hotdeskd/m);
  t.match(result.stdout, /^warning {2}no store yet at /m);
  t.notMatch(result.stdout, /SIP answers|provisioning answers/, 'no port is judged without a daemon');
  t.match(result.stdout, /^1 problem\(s\), 1 warning\(s\)$/m);
});

t.test('a running daemon: its real ports answer; then a dead trunk and a dial-code conflict', async (t) => {
  const paths = await tempData(t);
  const daemon = await startDaemon(t, paths.dir);
  const sipPort = Number(/sip: +udp\+tcp 127\.0\.0\.1:(\d+)/.exec(daemon.stdout())?.[1]);
  const httpPort = Number(/provisioning URL http:\/\/[^/]+:(\d+)\//.exec(daemon.stdout())?.[1]);
  t.ok(sipPort > 0 && httpPort > 0, 'the banner names the ports');

  // Phones are told a LAN address of this machine (doctor warns about one that is not).
  const lan = Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .find((address) => address.family === 'IPv4' && !address.internal)?.address;
  t.ok(lan, 'this machine has a LAN address');
  t.equal((await runCli(paths.dir, ['settings', 'set', 'address', lan ?? '192.0.2.10'])).code, 0);
  // hotdeskd answers OPTIONS itself: as a trunk it is one that answers.
  t.equal((await runCli(paths.dir, ['trunk', 'set', `sip:127.0.0.1:${sipPort}`])).code, 0);
  const healthy = await runCli(paths.dir, ['doctor']);
  t.equal(healthy.code, 0, `exit 0 when all is well: ${healthy.stdout}`);
  t.match(healthy.stdout, new RegExp(`^ok {7}hotdeskd runs \\(pid ${daemon.pid}, version \\d+\\.\\d+\\.\\d+\\)$`, 'm'));
  t.match(
    healthy.stdout,
    new RegExp(`^ok {7}SIP answers OPTIONS on udp 127\\.0\\.0\\.1:${sipPort} \\(200 OK\\)$`, 'm'),
  );
  t.match(
    healthy.stdout,
    new RegExp(
      `^ok {7}provisioning answers on http://127\\.0\\.0\\.1:${httpPort}/ \\(404 for /, as it should\\)$`,
      'm',
    ),
  );
  t.match(
    healthy.stdout,
    new RegExp(`^ok {7}trunk sip:127\\.0\\.0\\.1:${sipPort} answers OPTIONS \\(200 OK, \\d+ ms\\)$`, 'm'),
  );
  // Nobody is told of emergency calls in a fresh office (hotdesk emergency notify add): a warning, exit 0.
  t.match(healthy.stdout, /^warning {2}nobody on site is told when an emergency number is dialled$/m);
  t.match(healthy.stdout, /^0 problem\(s\), 1 warning\(s\)$/m);

  const json = await doctorJson(paths.dir);
  t.equal(json.code, 0);
  t.equal(json.report.ok, true);
  t.same(statusOf(json.report), {
    daemon: 'ok',
    sip: 'ok',
    http: 'ok',
    digest: 'ok',
    store: 'ok',
    ports: 'ok',
    address: 'ok',
    trunk: 'ok',
    'dial-codes': 'ok',
    phones: 'ok',
    'pin-alerts': 'ok',
    'time-zone': 'ok',
    'emergency-dialling': 'warning',
    'emergency-location': 'ok',
    clock: 'ok',
  });

  const closed = await closedUdpPort();
  t.equal((await runCli(paths.dir, ['trunk', 'set', `sip:127.0.0.1:${closed}`])).code, 0);
  t.equal((await runCli(paths.dir, ['dial-codes', 'set', 'intercom', '*70', '--force'])).code, 0);
  const failing = await runCli(paths.dir, ['doctor', '--timeout', '1']);
  t.equal(failing.code, 1, 'exit 1 on a problem');
  t.match(
    failing.stdout,
    new RegExp(
      `^problem  trunk sip:127\\.0\\.0\\.1:${closed} does not answer OPTIONS: (refused|no answer within 1 s)`,
      'm',
    ),
  );
  t.match(failing.stdout, /^ {9}fix: check its address and port \(hotdesk trunk show/m);
  t.match(failing.stdout, /^problem {2}dial code\(s\) intercom=\*70 start with \*7/m);
  t.match(failing.stdout, /^ {9}fix: remove or change them: hotdesk dial-codes remove intercom$/m);
  t.match(failing.stdout, /^ok {7}SIP answers OPTIONS/m, 'the daemon itself is still fine');
  t.match(failing.stdout, /^2 problem\(s\), 1 warning\(s\)$/m);

  const failingJson = await doctorJson(paths.dir, ['--timeout', '1']);
  t.equal(failingJson.code, 1);
  t.equal(failingJson.report.ok, false);
  t.match(statusOf(failingJson.report), {
    daemon: 'ok',
    sip: 'ok',
    http: 'ok',
    trunk: 'problem',
    'dial-codes': 'problem',
  });

  // Stopped: the daemon is the problem now; what the store says is still checked.
  const stopped = await daemon.stop();
  t.equal(stopped.code, 0);
  const after = await doctorJson(paths.dir, ['--timeout', '1']);
  t.equal(after.code, 1);
  t.match(statusOf(after.report), { daemon: 'problem', 'dial-codes': 'problem', trunk: 'problem' });
  t.notOk(
    after.report.checks.some((check) => check.name === 'sip' || check.name === 'http'),
    'no ports without a daemon',
  );
});

t.test('a bad --timeout is a usage error', async (t) => {
  const paths = await tempData(t);
  const result = await runCli(paths.dir, ['doctor', '--timeout', 'soon']);
  t.equal(result.code, 2);
  t.match(result.stderr, /--timeout: "soon" is not valid/);
  t.equal(result.stdout, '');
});

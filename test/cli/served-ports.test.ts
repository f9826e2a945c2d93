/**
 * One truth for what phones are told: hotdeskd reports the ports it really
 * listens on over the control socket; `hotdesk provisioning`, `add-phone`,
 * `settings` and the phone files it serves all carry them; `doctor` passes,
 * and says "restart needed" (exit 1, with the fix) when the store changed
 * under a running hotdeskd, until it restarts.
 */
import t, { type Test } from 'tap';
import http from 'node:http';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { DAEMON_BIN, runCli, spawnNode, type Running } from '../support/run-cli.js';
import { startDaemon, waitFor } from '../support/start-daemon.js';
import { tempData } from '../support/temp-data.js';

const UA = 'Yealink SIP-T54W 96.86.0.70 00:15:65:00:00:01';

/** A TCP port nothing listens on right now (and, most likely, UDP too). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** hotdeskd with no port flag nor variable (start-daemon passes port 0 flags): the store's ports. */
async function startOnStoredPorts(t: Test, dir: string): Promise<Running> {
  const running = spawnNode(DAEMON_BIN, ['--data', dir, '--bind', '127.0.0.1'], {
    env: { HOTDESK_SIP_PORT: undefined },
  });
  t.teardown(() => void running.child.kill('SIGKILL'));
  await waitFor(
    () => running.stdout().includes('Ctrl-C') || running.child.exitCode !== null,
    'the hotdeskd banner',
    30_000,
  );
  if (!running.stdout().includes('Ctrl-C')) throw new Error(`hotdeskd did not start: ${running.stderr()}`);
  return running;
}

const stop = async (running: Running) => {
  running.child.kill('SIGTERM');
  return running.finished;
};

const portsOf = (daemon: Running) => ({
  sip: Number(/sip:\s+udp\+tcp \S+:(\d+)/.exec(daemon.stdout())![1]),
  http: Number(/provisioning URL http:\/\/[^/]+:(\d+)\//.exec(daemon.stdout())![1]),
});

/** The Yealink file of 00:15:65:00:00:01 as hotdeskd serves it (reached on loopback). */
function fetchPhoneFile(httpPort: number, token: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(
        {
          host: '127.0.0.1',
          port: httpPort,
          path: `/provisioning/${token}/001565000001.cfg`,
          headers: { 'user-agent': UA },
        },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () =>
            response.statusCode === 200 ? resolve(body) : reject(new Error(`status ${response.statusCode}`)),
          );
        },
      )
      .on('error', reject);
  });
}

interface Report {
  checks: { name: string; status: string; message: string; fix?: string }[];
}
const check = (report: Report, name: string) => report.checks.find((entry) => entry.name === name);

/** This machine's first LAN address: doctor wants the address phones are given to be one of its own. */
const lan = Object.values(networkInterfaces())
  .flatMap((list) => list ?? [])
  .find((address) => address.family === 'IPv4' && !address.internal)?.address;

t.test('a daemon on other ports than the store says: every output carries the ports it listens on', async (t) => {
  const paths = await tempData(t);
  if (lan) t.equal((await runCli(paths.dir, ['settings', 'set', 'address', lan])).code, 0);
  const [sipPort, httpPort] = [await freePort(), await freePort()];
  const daemon = await startDaemon(t, paths.dir, ['--sip-port', String(sipPort), '--http-port', String(httpPort)]);
  t.same(portsOf(daemon), { sip: sipPort, http: httpPort }, 'the daemon listens on the ports it was given');

  const provisioning = await runCli(paths.dir, ['provisioning']);
  t.equal(provisioning.code, 0, provisioning.stderr);
  t.match(
    provisioning.stdout,
    new RegExp(`^provisioning URL {3}http://[^/]+:${httpPort}/provisioning/`, 'm'),
    'provisioning: the HTTP port served',
  );
  t.match(
    provisioning.stdout,
    new RegExp(`^SIP server {9}\\S+:${sipPort} \\(UDP and TCP\\)$`, 'm'),
    'provisioning: the SIP port served',
  );
  t.notMatch(provisioning.stdout, /stored settings|:8088\/|:5060/, 'nothing of the stored ports');
  const provisioningJson = JSON.parse((await runCli(paths.dir, ['provisioning', '--json'])).stdout) as {
    provisioningUrl: string;
    source: string;
  };
  t.match(provisioningJson, { provisioningUrl: new RegExp(`:${httpPort}/provisioning/`), source: 'hotdeskd' });

  const added = await runCli(paths.dir, ['add-phone', '--model', 'yealink-t54w', '--mac', '00:15:65:00:00:01']);
  t.equal(added.code, 0, added.stderr);
  t.match(
    added.stdout,
    new RegExp(`^Provisioning URL: http://[^/]+:${httpPort}/provisioning/`, 'm'),
    'add-phone: the HTTP port served',
  );
  const token = /\/provisioning\/([\w-]+)\//.exec(added.stdout)![1]!;

  const file = await fetchPhoneFile(httpPort, token);
  t.match(
    file,
    new RegExp(`^account\\.1\\.sip_server\\.1\\.port = ${sipPort}$`, 'm'),
    'the phone file: the SIP port hotdeskd listens on',
  );
  t.match(
    file,
    new RegExp(`^static\\.auto_provision\\.server\\.url = http://[^/]+:${httpPort}/provisioning/`, 'm'),
    'and the HTTP port',
  );

  const settings = await runCli(paths.dir, ['settings']);
  t.match(
    settings.stdout,
    new RegExp(`^http-port {8}${httpPort} \\(set by hotdeskd's --http-port; stored: 8088\\)$`, 'm'),
  );
  t.match(
    settings.stdout,
    new RegExp(`^sip-port {9}${sipPort} \\(set by hotdeskd's --sip-port; stored: 5060\\)$`, 'm'),
  );
  t.match(settings.stdout, new RegExp(`^provisioning-url {1}http://[^/]+:${httpPort}/`, 'm'));
  const overridden = await runCli(paths.dir, ['settings', 'set', 'http-port', '9999']);
  t.match(
    overridden.stdout,
    /http-port 9999 is stored, but the running hotdeskd's --http-port overrides it/,
    'settings set says the flag wins',
  );
  t.equal((await runCli(paths.dir, ['settings', 'set', 'http-port', '8088'])).code, 0);

  const doctor = await runCli(paths.dir, ['doctor', '--json']);
  const report = JSON.parse(doctor.stdout) as Report;
  t.match(
    check(report, 'ports'),
    { status: 'ok', message: new RegExp(`SIP ${sipPort} \\(UDP and TCP\\), HTTP ${httpPort}`) },
    'doctor: the ports agree',
  );
  if (lan) {
    t.equal(doctor.code, 0, `doctor passes: ${doctor.stdout}`);
    t.match(check(report, 'address'), { status: 'ok' });
  }
});

t.test('a port changed under a running daemon: restart needed until it restarts', async (t) => {
  const paths = await tempData(t);
  if (lan) t.equal((await runCli(paths.dir, ['settings', 'set', 'address', lan])).code, 0);
  const [sipPort, httpPort] = [await freePort(), await freePort()];
  t.equal((await runCli(paths.dir, ['settings', 'set', 'sip-port', String(sipPort)])).code, 0);
  const stored = await runCli(paths.dir, ['settings', 'set', 'http-port', String(httpPort)]);
  t.match(
    stored.stdout,
    /http-port \d+: hotdeskd listens on it when it starts/,
    'with no daemon: used at the next start',
  );
  const daemon = await startOnStoredPorts(t, paths.dir);
  t.same(portsOf(daemon), { sip: sipPort, http: httpPort }, 'hotdeskd listens on the stored ports');

  const healthy = JSON.parse((await runCli(paths.dir, ['doctor', '--json'])).stdout) as Report;
  t.match(check(healthy, 'ports'), { status: 'ok' });

  const newPort = await freePort();
  const changed = await runCli(paths.dir, ['settings', 'set', 'http-port', String(newPort)]);
  t.match(changed.stdout, /http-port takes effect when hotdeskd restarts/, 'the change says a restart is needed');
  // Through the control socket too, sip-port and leading-zero are changed, not dropped on the way.
  const newSipPort = await freePort();
  t.match(
    (await runCli(paths.dir, ['settings', 'set', 'sip-port', String(newSipPort)])).stdout,
    /sip-port takes effect when hotdeskd restarts/,
  );
  t.equal((await runCli(paths.dir, ['settings', 'set', 'leading-zero', 'yes'])).code, 0);
  const settings = await runCli(paths.dir, ['settings']);
  t.match(settings.stdout, new RegExp(`^http-port {8}${httpPort} \\(stored: ${newPort}, restart needed`, 'm'));
  t.match(settings.stdout, new RegExp(`^sip-port {9}${sipPort} \\(stored: ${newSipPort}, restart needed`, 'm'));
  t.match(settings.stdout, /^leading-zero {5}yes$/m);
  const doctor = await runCli(paths.dir, ['doctor']);
  t.equal(doctor.code, 1, 'doctor fails');
  t.match(
    doctor.stdout,
    new RegExp(
      `^problem  restart needed: sip-port is ${newSipPort} in the store, hotdeskd listens on ${sipPort}; ` +
        `http-port is ${newPort} in the store, hotdeskd listens on ${httpPort}$`,
      'm',
    ),
  );
  t.match(
    doctor.stdout,
    new RegExp(
      `^ {9}fix: restart hotdeskd: systemctl restart hotdeskd \\(or undo the change: hotdesk settings set ` +
        `sip-port ${sipPort} \\(to keep ${sipPort}\\); hotdesk settings set http-port ${httpPort}`,
      'm',
    ),
  );
  const added = await runCli(paths.dir, ['add-phone', '--model', 'yealink-t54w', '--mac', '00:15:65:00:00:01']);
  t.match(
    added.stdout,
    new RegExp(`^Provisioning URL: http://[^/]+:${httpPort}/`, 'm'),
    'add-phone: still the port it listens on',
  );

  t.equal((await stop(daemon)).code, 0);
  const restarted = await startOnStoredPorts(t, paths.dir);
  t.same(portsOf(restarted), { sip: newSipPort, http: newPort }, 'restarted: the new ports');
  const after = JSON.parse((await runCli(paths.dir, ['doctor', '--json'])).stdout) as Report;
  t.match(
    check(after, 'ports'),
    { status: 'ok', message: new RegExp(`HTTP ${newPort}`) },
    'no restart needed any more',
  );
});

t.test('with no daemon the CLI says it shows the stored settings', async (t) => {
  const paths = await tempData(t);
  const note = /^hotdeskd is not running: these are the stored settings/m;
  for (const args of [
    ['provisioning'],
    ['settings'],
    ['add-phone', '--model', 'yealink-t54w', '--mac', '00:15:65:00:00:02'],
  ]) {
    const result = await runCli(paths.dir, args);
    t.equal(result.code, 0, result.stderr);
    t.match(result.stdout, note, args.join(' '));
  }
});

t.test('doctor: an address that is not this machine’s is a warning; the --public-address is fine', async (t) => {
  const paths = await tempData(t);
  t.equal((await runCli(paths.dir, ['settings', 'set', 'address', '192.0.2.10'])).code, 0);
  const daemon = await startDaemon(t, paths.dir);
  const report = JSON.parse((await runCli(paths.dir, ['doctor', '--json'])).stdout) as Report;
  t.match(check(report, 'address'), {
    status: 'warning',
    message: /192\.0\.2\.10, which is not an address of this machine/,
    fix: /hotdesk settings set address .*--public-address 192\.0\.2\.10/,
  });
  t.equal((await daemon.stop()).code, 0);
  await startDaemon(t, paths.dir, ['--public-address', '192.0.2.10']);
  const behindNat = JSON.parse((await runCli(paths.dir, ['doctor', '--json'])).stdout) as Report;
  t.match(check(behindNat, 'address'), { status: 'ok', message: /its --public-address/ });
});

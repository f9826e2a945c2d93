/**
 * A hot-desk phone's whole life on real sockets (127.0.0.1, free ports), the
 * way a real office runs it: hotdeskd in this process, the admin CLI as real
 * processes over the control socket, the phone as an HTTP client and a SIP UA.
 * The phone fetches its configuration with its own User-Agent and file name,
 * registers with the credentials it found there, logs in through the voice
 * menu, is told to check-sync, fetches again and finds its user's account and
 * keys; status stops showing it out of step. Then the logout goes the same way.
 */
import t, { type Test } from 'tap';
import http from 'node:http';
import { startDaemon, type Daemon } from '../../src/daemon/main.js';
import { createLogger } from '../../src/adapters/log.js';
import type { SipRequest } from '../../src/sip/message.js';
import { runCli } from '../support/run-cli.js';
import { loadStoreFile, tempData } from '../support/temp-data.js';
import { startTestPhone } from '../support/test-phone.js';
import { startRtpPeer } from '../support/rtp-peer.js';
import { readPhoneConfig, type PhoneConfig } from '../fixtures/provisioning/read-config.js';
import { isRequest } from '../support/login-office.js';
import { waitFor } from '../support/start-daemon.js';

const UA = 'Yealink SIP-T54W 96.86.0.70 00:15:65:aa:bb:cc';
const PIN = '8642';

function get(url: string, userAgent: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'user-agent': userAgent } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      })
      .on('error', reject);
  });
}

async function cli(t: Test, dir: string, args: string[]): Promise<string> {
  const result = await runCli(dir, args);
  t.equal(
    result.code,
    0,
    `hotdesk ${args.filter((arg) => arg !== PIN).join(' ')}${result.code === 0 ? '' : `: ${result.stderr}`}`,
  );
  return result.stdout;
}

interface StatusRow {
  name: string;
  state: string;
  extension: string | null;
  outOfStep: boolean;
}

t.test(
  'provisioned over HTTP, registered with what it fetched, logged in by voice, provisioned as the user',
  async (t) => {
    const paths = await tempData(t);
    const daemon: Daemon = await startDaemon({
      dataDir: paths.dir,
      log: createLogger({ level: 'silent' }),
      sip: { bind: '127.0.0.1', port: 0, rtpPorts: { min: 0, max: 0 }, checkSyncRetryMs: [500, 500, 500] },
      http: { bind: '127.0.0.1', port: 0 },
    });
    t.teardown(() => daemon.stop());
    const sipServer = { address: '127.0.0.1', port: daemon.sip!.stack.transport.port };
    const base = `http://127.0.0.1:${daemon.http!.port}/provisioning/${daemon.store.data.settings.provisioningToken}`;

    // The admin sets the office up with the CLI while hotdeskd runs.
    await cli(t, paths.dir, [
      'extension',
      'add',
      '100',
      '--name',
      'Ada Lovelace',
      '--password',
      'Ada-Sip-Secret-1',
      '--pin',
      PIN,
      '--hotdesk',
    ]);
    await cli(t, paths.dir, [
      'extension',
      'add',
      '101',
      '--name',
      'Alan Turing',
      '--password',
      'Alan-Sip-Secret-1',
      '--pin',
      '9753',
    ]);
    await cli(t, paths.dir, [
      'extension',
      'add',
      '102',
      '--name',
      'Grace Hopper',
      '--password',
      'Grace-Sip-Secret-1',
      '--pin',
      '9753',
    ]);
    await cli(t, paths.dir, ['blf', 'set', '100', '101', '-', '102']);
    const added = await cli(t, paths.dir, ['add-phone', '--model', 'yealink-t54w', '--mac', '00:15:65:AA:BB:CC']);
    t.match(added, /HD0001/, 'add-phone names the phone');
    t.match(added, /option 66/i, 'and tells how the phone finds its configuration');

    // Factory-fresh, the phone fetches its own file and finds its idle account.
    const first = await get(`${base}/001565aabbcc.cfg`, UA);
    t.equal(first.status, 200, "the phone's own file is served");
    const idle: PhoneConfig = readPhoneConfig('yealink', first.body);
    t.equal(idle.user, 'HD0001', "the idle account is the phone's own");
    t.equal(idle.displayName, 'HD0001', 'and shows its name');
    t.same(
      idle.keys.filter((key) => key.trim() !== '0' && !key.startsWith('0 ')).length,
      1,
      'an idle phone has the Logout key alone',
    );
    t.equal(idle.stunServers.filter(Boolean).length, 0, 'no STUN');
    t.equal((await get(`${base}/001565aabbcd.cfg`, UA)).status, 404, 'a MAC not in the pool gets nothing');

    const phone = await startTestPhone({
      user: idle.authName || idle.user,
      password: idle.password,
      server: sipServer,
      domain: 'office.test',
    });
    t.teardown(() => phone.close());
    t.equal((await phone.register()).status, 200, 'it registers with the credentials from its file');

    // The user dials the login code and types the PIN as RFC 4733 events.
    const rtp = await startRtpPeer();
    t.teardown(() => rtp.close());
    const call = await phone.call('sip:*77*100*@office.test', [], rtp.offer());
    t.equal(call.response.status, 200, 'the voice menu answers');
    await rtp.waitForPackets(10);
    await rtp.typeKeys(`${PIN}#`);
    await phone.waitFor(isRequest('BYE'), 20_000);
    const notify = (await phone.waitFor(isRequest('NOTIFY'), 10_000)) as SipRequest;
    t.match(String(notify.headers['event']), /^check-sync/, 'then check-sync');

    const lagging = JSON.parse(await cli(t, paths.dir, ['status', '--json'])) as StatusRow[];
    t.match(
      lagging[0],
      { name: 'HD0001', state: 'logged-in', extension: '100', outOfStep: true },
      'status: 100 on HD0001, not fetched yet',
    );

    // The phone fetches again: it is now Ada's phone.
    const second = await get(`${base}/001565aabbcc.cfg`, UA);
    t.equal(second.status, 200, 'the second fetch is served');
    const user = readPhoneConfig('yealink', second.body);
    t.equal(user.user, '100', "the account is the user's");
    t.equal(user.password, 'Ada-Sip-Secret-1', "with the user's SIP password");
    t.equal(user.displayName, 'Ada Lovelace', 'and name');
    t.match(user.firstKey, { label: /log ?out/i }, 'Logout is the first key');
    t.match(user.firstKey.value, /\*77\*5\*/, 'dialling the logout code');
    const blf = user.keys.filter((key) => key.split(' ')[1] === '101' || key.split(' ')[1] === '102');
    t.equal(blf.length, 2, 'both busy lamps, the empty position dropped');
    t.ok(user.keys.indexOf(blf[0]!) === 1 && user.keys.indexOf(blf[1]!) === 2, 'right after the Logout key, in order');

    await waitFor(
      () => daemon.store.data.phones[0]!.appliedGeneration === daemon.store.data.phones[0]!.desiredGeneration,
      'the fetch to be recorded',
      5000,
    );
    // The daemon's data changes before its write reaches the file, which is what the CLI reads.
    for (const until = Date.now() + 5000; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 10))) {
      const written = (await loadStoreFile(paths.store)).phones[0]!;
      if (written.appliedGeneration === written.desiredGeneration) break;
    }
    const settled = JSON.parse(await cli(t, paths.dir, ['status', '--json'])) as StatusRow[];
    t.equal(settled[0]!.outOfStep, false, 'status no longer shows the phone out of step');

    // It registers as the user and the Logout key gives it back.
    phone.switchAccount(user.authName || user.user, user.password);
    t.equal((await phone.register()).status, 200, 'it registers as 100');
    const out = await startRtpPeer();
    t.teardown(() => out.close());
    const notifies = phone.received.filter(isRequest('NOTIFY')).length;
    const logout = await phone.call('sip:*77*5*@office.test', [], out.offer());
    t.equal(logout.response.status, 200, 'the logout code is answered');
    await waitFor(
      () => phone.received.filter(isRequest('NOTIFY')).length > notifies,
      'the check-sync after logout',
      20_000,
    );
    const third = readPhoneConfig('yealink', (await get(`${base}/001565aabbcc.cfg`, UA)).body);
    t.equal(third.user, 'HD0001', 'after logout the phone is its idle self again');
  },
);

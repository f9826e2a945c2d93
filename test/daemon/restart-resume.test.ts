/**
 * Crash-safe sessions with real processes: hotdeskd is killed with SIGKILL
 * while a phone has a configuration it has not fetched yet. The restarted
 * hotdeskd (same ports, same store) still has the user on the phone and its
 * saved registration, and sends the check-sync NOTIFY again without the phone
 * doing anything; a phone it could not reach is told when it next registers.
 */
import t from 'tap';
import http from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import { serializeStore } from '../../src/store/migrate.js';
import type { SipRequest } from '../../src/sip/message.js';
import { addExtension, addPhone, office } from '../support/office.js';
import { runCli } from '../support/run-cli.js';
import { startDaemon, waitFor, type RunningDaemon } from '../support/start-daemon.js';
import { loadStoreFile, tempData } from '../support/temp-data.js';
import { startTestPhone } from '../support/test-phone.js';
import { idlePassword, isRequest, startLoginOffice } from '../support/login-office.js';

const UA = 'Yealink SIP-T54W 96.86.0.70 00:15:65:00:00:01';

const portsOf = (daemon: RunningDaemon, token: string) => ({
  sip: Number(/sip:\s+udp\+tcp \S+:(\d+)/.exec(daemon.stdout())![1]),
  // The banner names the office address phones are given, and leaves the token out (it is in the store);
  // this test reaches hotdeskd on loopback.
  url: /provisioning URL (\S+)/
    .exec(daemon.stdout())![1]!
    .replace(/^http:\/\/[^/:]+/, 'http://127.0.0.1')
    .replace('/provisioning/…/', `/provisioning/${token}/`),
});

const fetchOwnFile = (url: string) =>
  new Promise<number>((resolve, reject) => {
    http
      .get(`${url.replace(/\/$/, '')}/001565000001.cfg`, { headers: { 'user-agent': UA } }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      })
      .on('error', reject);
  });

t.test('after kill -9 the session, the registration and the pending check-sync come back', async (t) => {
  const paths = await tempData(t);
  await mkdir(paths.dir, { recursive: true });
  const data = office(addExtension('100', 'Ada'), addExtension('101', 'Bob'), addPhone('001565000001'), {
    kind: 'set-settings',
    sipDomain: 'office.test',
  });
  await writeFile(paths.store, serializeStore(data), { mode: 0o600 });
  const ada = data.extensions.find((ext) => ext.number === '100')!;

  const first = await startDaemon(t, paths.dir, ['--rtp-ports', '20000-20099']);
  const { sip, url } = portsOf(first, data.settings.provisioningToken);
  const phone = await startTestPhone({
    user: 'HD0001',
    password: data.phones[0]!.idlePassword,
    server: { address: '127.0.0.1', port: sip },
    domain: 'office.test',
  });
  t.teardown(() => phone.close());
  t.equal((await phone.register()).status, 200, 'the idle phone registers');

  // An admin logs Ada in on HD0001: the phone is told, fetches, and registers as 100.
  t.equal((await runCli(paths.dir, ['login', '100', '--phone', 'HD0001'])).code, 0, 'hotdesk login 100 --phone HD0001');
  await phone.waitFor(isRequest('NOTIFY'), 5000);
  t.equal(await fetchOwnFile(url), 200, 'the phone fetches its new configuration');
  phone.switchAccount('100', ada.sipPassword);
  t.equal((await phone.register()).status, 200, 'and registers as 100');
  let saved = await loadStoreFile(paths.store);
  const deadline = Date.now() + 5000;
  while (!saved.bindings.some((binding) => binding.aor === '100') && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    saved = await loadStoreFile(paths.store);
  }
  t.ok(
    saved.bindings.some((binding) => binding.aor === '100' && binding.phone === 'HD0001'),
    "its registration is saved, as HD0001's",
  );

  // Ada's keys change: the phone is told, but hotdeskd dies before it fetches.
  const before = phone.received.filter(isRequest('NOTIFY')).length;
  t.equal((await runCli(paths.dir, ['blf', 'set', '100', '101'])).code, 0, 'hotdesk blf set 100 101');
  await waitFor(() => phone.received.filter(isRequest('NOTIFY')).length > before, 'the check-sync for the new keys');
  await first.stop('SIGKILL');

  const crashed = await loadStoreFile(paths.store);
  t.equal(crashed.phones[0]!.session?.extension, '100', 'the store still has 100 on HD0001');
  t.ok(crashed.phones[0]!.appliedGeneration < crashed.phones[0]!.desiredGeneration, 'and the phone still out of step');

  // The restarted hotdeskd, on the same ports, tells the phone again by itself.
  const notifies = phone.received.filter(isRequest('NOTIFY')).length;
  const second = await startDaemon(t, paths.dir, ['--rtp-ports', '20000-20099', '--sip-port', String(sip)]);
  t.teardown(() => second.stop());
  await waitFor(
    () => phone.received.filter(isRequest('NOTIFY')).length > notifies,
    'the check-sync after the restart',
    10_000,
  );
  const again = phone.received.filter(isRequest('NOTIFY')).at(-1) as SipRequest;
  t.match(String(again.headers['event']), /^check-sync/, 'check-sync again, with no help from the phone');
  const status = JSON.parse((await runCli(paths.dir, ['status', '--json'])).stdout) as {
    name: string;
    extension: string | null;
    outOfStep: boolean;
  }[];
  t.match(status, [{ name: 'HD0001', extension: '100', outOfStep: true }], 'status: 100 on HD0001, out of step');
  t.equal(await fetchOwnFile(portsOf(second, data.settings.provisioningToken).url), 200, 'the phone fetches');
  let settled = crashed;
  for (const until = Date.now() + 5000; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 50))) {
    settled = await loadStoreFile(paths.store);
    if (settled.phones[0]!.appliedGeneration === settled.phones[0]!.desiredGeneration) break;
  }
  t.equal(settled.phones[0]!.appliedGeneration, settled.phones[0]!.desiredGeneration, 'and is in step again');
});

t.test('a phone that was off when its user changed is told when it registers', async (t) => {
  const o = await startLoginOffice(t);
  t.equal(
    (await runCli(o.dir, ['login', '100', '--phone', 'HD0001'])).code,
    0,
    'hotdesk login 100 --phone HD0001 while the phone is off',
  );
  t.equal(o.daemon.sip!.phoneSync.pending, 0, 'nothing to send to: nothing pending');
  const phone = await o.phone('HD0001', idlePassword(o));
  t.equal((await phone.register()).status, 200, 'the phone comes up as its idle account, as it last knew');
  const notify = (await phone.waitFor(isRequest('NOTIFY'), 5000)) as SipRequest;
  t.match(String(notify.headers['event']), /^check-sync/, 'and is told to fetch its configuration');
});

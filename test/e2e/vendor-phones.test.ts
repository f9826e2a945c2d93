/**
 * One simulated desk phone per vendor (test/support/vendor-phone.ts) against
 * hotdeskd on real sockets (127.0.0.1, free ports): the phone boots and asks
 * for its files the way its vendor documents, reads its idle account in its
 * vendor's syntax and registers with it over UDP; the user logs in by voice
 * (*77*101*, PIN as RFC 4733 events); hotdeskd sends check-sync, the phone
 * acts on it as its vendor does and fetches again, finds the user's account
 * and keys (Logout first, then the busy lamps), registers as the user; the
 * Logout key gives the phone back to its idle account the same way.
 */
import t, { type Test } from 'tap';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { startDaemon } from '../../src/daemon/main.js';
import { createLogger } from '../../src/adapters/log.js';
import { hashPin } from '../../src/adapters/pin-hash.js';
import { loadCatalogue } from '../../src/adapters/catalogue-files.js';
import { applyChange, type Change } from '../../src/store/changes.js';
import { createStore } from '../../src/store/schema.js';
import { serializeStore } from '../../src/store/migrate.js';
import type { SipRequest } from '../../src/sip/message.js';
import { tempDir } from '../support/temp-data.js';
import { startRtpPeer } from '../support/rtp-peer.js';
import { waitFor } from '../support/start-daemon.js';
import { isRequest } from '../support/login-office.js';
import {
  fanvilProfile,
  grandstreamProfile,
  polyProfile,
  snomProfile,
  startVendorPhone,
  yealinkProfile,
  type SimConfig,
  type VendorProfile,
} from '../support/vendor-phone.js';

const PIN = '2468';
/** The Event each vendor is documented to act on without a reboot (docs/phones.md §8.1). */
const CHECK_SYNC: Readonly<Record<VendorProfile['vendor'], string>> = {
  yealink: 'check-sync',
  poly: 'check-sync',
  snom: 'check-sync;reboot=false',
  grandstream: 'check-sync',
  fanvil: 'check-sync',
};
const TOKEN = 'tok-vendors-0123456789';
const catalogue = loadCatalogue();

const PROFILES: VendorProfile[] = [
  yealinkProfile({
    model: 'yealink-t54w',
    name: 'T54W',
    commonFile: 'y000000000096.cfg',
    firmware: '96.86.0.100',
    mac: '001565a1b2c3',
  }),
  polyProfile({ model: 'poly-vvx450', name: 'VVX_450', firmware: '6.4.6.2395', mac: '0004f2a1b2c3' }),
  snomProfile({ model: 'snom-d785', name: 'D785', firmware: '10.1.33.33', mac: '000413a1b2c3' }),
  grandstreamProfile({ model: 'grandstream-grp2614', name: 'GRP2614', firmware: '1.0.5.33', mac: 'c074ada1b2c3' }),
  fanvilProfile({ model: 'fanvil-x4u', name: 'X4U', firmware: '2.12.16.17', mac: '0c383ea1b2c3' }),
];

async function office(t: Test, profile: VendorProfile) {
  const dir = await tempDir(t);
  const pinHash = await hashPin(PIN);
  const extension = (number: string, name: string, hotdesk: boolean): Change => ({
    kind: 'add-extension',
    number,
    name,
    sipPassword: `Sip-Secret-${number}`,
    pinHash,
    hotdesk,
    language: 'en',
  });
  const changes: Change[] = [
    extension('101', 'Ada Lovelace', true),
    extension('102', 'Alan Turing', false),
    extension('103', 'Grace Hopper', false),
    { kind: 'set-blf', extension: '101', targets: ['102', '103'] },
    {
      kind: 'add-phone',
      model: profile.model,
      mac: profile.mac,
      connection: { mode: 'lan' },
      idlePassword: 'Idle-Secret-1',
    },
  ];
  const data = changes.reduce(
    (current, change) => {
      const outcome = applyChange(current, change, { now: new Date().toISOString(), catalogue });
      if (!outcome.ok) throw new Error(`${change.kind} refused: ${JSON.stringify(outcome.reason)}`);
      return outcome.value.data;
    },
    createStore({ address: '127.0.0.1', provisioningToken: TOKEN }),
  );
  await writeFile(join(dir, 'hotdesk.json'), serializeStore(data));
  const daemon = await startDaemon({
    dataDir: dir,
    log: createLogger({ level: 'silent' }),
    catalogue,
    sip: { bind: '127.0.0.1', port: 0, rtpPorts: { min: 0, max: 0 }, checkSyncRetryMs: [300, 300], floodLimit: null },
    http: { bind: '127.0.0.1', port: 0 },
  });
  t.teardown(() => daemon.stop());
  // The office's address settings say where phones find hotdeskd: the free ports it got.
  const settings = {
    ...daemon.store.data.settings,
    sipPort: daemon.sip!.stack.transport.port,
    httpPort: daemon.http!.port,
  };
  await daemon.store.commit({ ...daemon.store.data, settings });
  return { daemon, base: `http://127.0.0.1:${daemon.http!.port}/provisioning/${TOKEN}` };
}

const keysOf = (config: SimConfig) => config.keys.filter((key) => key.kind !== 'none');

for (const profile of PROFILES) {
  t.test(
    `${profile.model}: boot, idle account, voice login, check-sync, the user's phone, logout (${profile.source})`,
    async (t) => {
      const { daemon, base } = await office(t, profile);
      // Factory-fresh: a vendor with a documented plug-and-play request learns the URL from hotdeskd;
      // the others are given it (DHCP option 66/160 or by hand).
      const phone = startVendorPhone(profile, profile.pnp ? undefined : base);
      t.teardown(() => phone.close());
      if (profile.pnp) {
        const pnp = await phone.plugAndPlay({ address: '127.0.0.1', port: daemon.sip!.stack.transport.port });
        t.equal(pnp.url, `${base}/`, 'plug-and-play: the provisioning directory as application/url');
      }

      // Power on: the files its vendor asks for, in order, and an account it can read.
      const boot = await phone.boot();
      t.same(
        boot.fetches.map((fetch) => fetch.file),
        profile.expectedFiles(true),
        'the files its vendor requests at boot, in order',
      );
      const idle = boot.config;
      t.match(
        idle,
        { user: 'HD0001', authName: 'HD0001', password: 'Idle-Secret-1', transport: 'udp', dtmf: 'rfc2833' },
        'the idle account over UDP, DTMF as RFC 2833',
      );
      t.same(
        idle.registrar,
        { host: '127.0.0.1', port: daemon.sip!.stack.transport.port },
        'registrar and port as the office settings say',
      );
      t.same(
        keysOf(idle),
        [{ kind: 'speed-dial', number: '*77*5*', label: 'Logout' }],
        'an idle phone has the Logout key alone',
      );
      t.equal(
        idle.keys.length,
        catalogue.find((model) => model.id === profile.model)!.keys,
        'every key slot of the model is written',
      );
      t.equal((await phone.register()).status, 200, 'it registers with the credentials it read');

      // The user logs in by voice; the PIN goes as RFC 4733 events.
      const sip = phone.sip!;
      const rtp = await startRtpPeer();
      t.teardown(() => rtp.close());
      const since = sip.received.length;
      const call = await sip.call('sip:*77*101*@127.0.0.1', [], rtp.offer());
      t.equal(call.response.status, 200, 'the login voice menu answers');
      await rtp.waitForPackets(5);
      await rtp.typeKeys(`${PIN}#`);
      await sip.waitFor((message) => isRequest('BYE')(message) && message.headers['call-id'] === call.callId, 15_000);

      // check-sync as the vendor acts on it: the phone fetches its files again.
      const login = await phone.checkSync(since);
      t.equal(login.event, CHECK_SYNC[profile.vendor], 'the check-sync event this vendor acts on');
      t.same(
        login.fetches.map((fetch) => fetch.file),
        profile.expectedFiles(false),
        'the same files fetched again',
      );
      const user = login.config;
      t.match(
        user,
        {
          user: '101',
          authName: '101',
          password: 'Sip-Secret-101',
          displayName: 'Ada Lovelace',
          transport: 'udp',
          dtmf: 'rfc2833',
        },
        "the user's account",
      );
      t.same(
        keysOf(user),
        [
          { kind: 'speed-dial', number: '*77*5*', label: 'Logout' },
          { kind: 'blf', number: '102', label: 'Alan Turing' },
          { kind: 'blf', number: '103', label: 'Grace Hopper' },
        ],
        'Logout first, then the busy lamps in order',
      );
      t.equal(user.keys[0]!.kind, 'speed-dial', 'Logout is on the first key');
      await waitFor(
        () => daemon.store.data.phones[0]!.appliedGeneration === daemon.store.data.phones[0]!.desiredGeneration,
        'the fetch to count',
        5000,
      );
      t.equal((await phone.register()).status, 200, 'it registers as 101');
      t.equal(daemon.sip!.location().get('101')?.[0]?.phone, 'HD0001', "the user's registration is the desk phone's");

      // The Logout key dials its number; the phone is told again and is its idle self.
      const out = await startRtpPeer();
      t.teardown(() => out.close());
      const before = sip.received.length;
      const logout = await sip.call(
        `sip:${user.keys[0]!.kind === 'speed-dial' ? user.keys[0]!.number : ''}@127.0.0.1`,
        [],
        out.offer(),
      );
      t.equal(logout.response.status, 200, 'the Logout key is answered');
      const back = await phone.checkSync(before, 15_000);
      t.match(back.config, { user: 'HD0001', password: 'Idle-Secret-1' }, 'after logout the idle account again');
      t.same(
        keysOf(back.config),
        [{ kind: 'speed-dial', number: '*77*5*', label: 'Logout' }],
        'and the Logout key alone',
      );
      t.equal((await phone.register()).status, 200, 'it registers as HD0001 again');
      const notifies = sip.received.filter(isRequest('NOTIFY')) as SipRequest[];
      t.ok(
        notifies.every((notify) => profile.actsOn(String(notify.headers['event']))),
        'every NOTIFY carried an event this vendor acts on',
      );
      await waitFor(() => daemon.sip!.ivr!.active === 0, 'the calls to end', 10_000);
    },
  );
}

/**
 * Logout everywhere and pinned phones end to end on 127.0.0.1: hotdeskd runs
 * in this process on real sockets; test phones register, are logged in, and
 * the user's own softphone dials `*77*0*100*`, types the PIN as RFC 4733
 * events and hears how many phones were released (the digit's audio is
 * looked for in the RTP it receives); the released phones get check-sync.
 * A phone pinned to the user is left logged in, and refuses the logout code
 * and a login as someone else with "this phone is reserved".
 */
import t, { type Test } from 'tap';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sendControl, type ControlResponse } from '../../src/adapters/control-socket.js';
import { parseWav } from '../../src/adapters/prompt-files.js';
import { encodeG711 } from '../../src/media/g711.js';
import type { SipRequest } from '../../src/sip/message.js';
import type { Change } from '../../src/store/changes.js';
import type { PromptName } from '../../src/media/prompt-names.js';
import type { RtpPeer } from '../support/rtp-peer.js';
import type { TestPhone } from '../support/test-phone.js';
import { waitFor } from '../support/start-daemon.js';
import {
  dial,
  idlePassword,
  isRequest,
  PIN,
  startLoginOffice,
  typeWrongPins,
  type LoginOffice,
} from '../support/login-office.js';

const PROMPTS = join(import.meta.dirname, '..', '..', 'data', 'prompts', 'en');

async function submit(o: LoginOffice, change: Change): Promise<ControlResponse> {
  const response = await sendControl(o.daemon.paths.socket, { kind: 'change', change });
  if (!response.ok) throw new Error(`${change.kind} refused: ${JSON.stringify(response)}`);
  return response;
}

/**
 * 80 ms of a shipped English prompt as PCMU, from its loudest stretch (speech,
 * never the pauses, which are silence like the gaps between prompts).
 */
async function promptBytes(name: PromptName): Promise<Uint8Array> {
  const wav = parseWav(new Uint8Array(await readFile(join(PROMPTS, `${name}.wav`))));
  if (!wav.ok) throw new Error(`${name}.wav: ${wav.problem}`);
  const size = 640;
  let best = 0;
  let bestEnergy = -1;
  for (let start = 0; start + size <= wav.samples.length; start += 80) {
    let energy = 0;
    for (let i = start; i < start + size; i++) energy += Math.abs(wav.samples[i]!);
    if (energy > bestEnergy) [best, bestEnergy] = [start, energy];
  }
  return encodeG711(wav.samples.subarray(best, best + size), 'PCMU');
}

/** Whether the RTP received holds `needle` (a stretch of one prompt's audio) as sent. */
function heard(rtp: RtpPeer, needle: Uint8Array): boolean {
  const stream = Buffer.concat(
    rtp.received.filter((packet) => packet.payloadType === 0).map((packet) => Buffer.from(packet.payload)),
  );
  return stream.indexOf(Buffer.from(needle)) >= 0;
}

/**
 * A hot-desk phone registered as its idle account, then as `extension` once logged in (as a re-provisioned phone
 * does).
 */
async function deskPhone(t: Test, o: LoginOffice, name: string, password: string): Promise<TestPhone> {
  const phone = await o.phone(name, password);
  t.equal((await phone.register()).status, 200, `${name} registers as itself`);
  return phone;
}

/**
 * The phone was told to switch: it registers as `extension` and has fetched its configuration (so no more
 * check-sync comes).
 */
async function becomes(t: Test, o: LoginOffice, phone: TestPhone, name: string, extension: string): Promise<void> {
  await phone.waitFor((m) => isRequest('NOTIFY')(m), 5000);
  phone.switchAccount(extension, `secret-${extension}`);
  t.equal((await phone.register()).status, 200, `${name} registers as ${extension}`);
  const generation = o.daemon.store.data.phones.find((candidate) => candidate.name === name)!.desiredGeneration;
  await submit(o, { kind: 'provisioning-fetched', phone: name, generation });
}

const notifies = (phone: TestPhone): number => phone.received.filter(isRequest('NOTIFY')).length;

t.test(
  "*77*0*100* from the user's softphone: PIN, every hot-desk phone of 100 released but the pinned one, the " +
    'count said, check-sync',
  async (t) => {
    const o = await startLoginOffice(t);
    await submit(o, {
      kind: 'add-phone',
      model: 'yealink-t54w',
      mac: '001565000002',
      connection: { mode: 'lan' },
      idlePassword: 'idle-password-2',
    });
    await submit(o, {
      kind: 'add-phone',
      model: 'yealink-t54w',
      mac: '001565000003',
      connection: { mode: 'lan' },
      idlePassword: 'idle-password-3',
    });
    // Without takeover, 100 keeps both phones although the policy is exclusive.
    await submit(o, { kind: 'set-extension', number: '100', hotdeskTakeover: false });

    const one = await deskPhone(t, o, 'HD0001', idlePassword(o));
    const two = await deskPhone(t, o, 'HD0002', 'idle-password-2');
    const three = await deskPhone(t, o, 'HD0003', 'idle-password-3');
    await submit(o, { kind: 'login', extension: '100', phone: 'HD0001', actor: 'admin' });
    await becomes(t, o, one, 'HD0001', '100');
    await submit(o, { kind: 'login', extension: '100', phone: 'HD0002', actor: 'admin' });
    await becomes(t, o, two, 'HD0002', '100');
    await submit(o, { kind: 'set-phone', phone: 'HD0003', pinned: '100' });
    await becomes(t, o, three, 'HD0003', '100');
    const sessions = () => o.daemon.store.data.phones.map((phone) => [phone.name, phone.session?.extension ?? null]);
    t.same(
      sessions(),
      [
        ['HD0001', '100'],
        ['HD0002', '100'],
        ['HD0003', '100'],
      ],
      'three phones logged in as 100, one pinned',
    );
    await waitFor(() => o.daemon.sip!.phoneSync.pending === 0, 'the phones to be in step');
    const notifiesBefore = [one, two, three].map(notifies);

    // 100's own softphone: not a hot-desk phone, allowed for this code.
    const softphone = await o.phone('100', 'secret-100');
    t.equal((await softphone.register()).status, 200);
    const rtp = await o.rtp();
    const { call } = await dial(softphone, rtp, '*77*0*100*');
    t.equal(call.response.status, 200, 'answered by the voice menu');
    t.equal(o.daemon.store.data.phones[0]!.session?.extension, '100', 'nothing happens before the PIN');
    await rtp.typeKeys(`${PIN}#`);
    const bye = (await softphone.waitFor(
      (m) => isRequest('BYE')(m) && m.headers['call-id'] === call.callId,
      20_000,
    )) as SipRequest;
    t.ok(bye, 'hung up after saying the count');
    t.same(
      sessions(),
      [
        ['HD0001', null],
        ['HD0002', null],
        ['HD0003', '100'],
      ],
      'released everywhere but on the pinned phone',
    );
    t.equal(o.daemon.store.data.phones[2]!.pinned, '100', 'still pinned');

    t.ok(heard(rtp, await promptBytes('phones-logged-out')), '"number of phones logged out" was said');
    t.ok(heard(rtp, await promptBytes('digit-2')), '"two" was said');
    t.notOk(heard(rtp, await promptBytes('digit-3')), 'not "three": the pinned phone does not count');

    await waitFor(
      () => notifies(one) > notifiesBefore[0]! && notifies(two) > notifiesBefore[1]!,
      'check-sync to both released phones',
    );
    t.pass('both released phones are told to fetch their configuration');
    await new Promise((resolve) => setTimeout(resolve, 700));
    t.equal(notifies(three), notifiesBefore[2], 'the pinned phone is not');
    const location = o.daemon.sip!.location().get('100') ?? [];
    t.same(
      location.map((binding) => binding.phone ?? 'softphone').sort(),
      ['HD0003', 'softphone'],
      '100 stays registered on the pinned phone and the softphone only',
    );

    const logouts = o.daemon.store.data.audit.filter((entry) => entry.kind === 'logout' && entry.actor === 'user');
    t.same(
      logouts.map((entry) => [entry.phone, entry.extension]),
      [
        ['HD0001', '100'],
        ['HD0002', '100'],
      ],
      "audited as the user's logouts",
    );
    t.notOk(JSON.stringify(o.daemon.store.data.audit).includes(PIN), 'never the PIN');
    await waitFor(() => o.daemon.sip!.ivr!.active === 0, 'the call to end');

    // Again, with nothing left to release: "zero".
    const again = await o.rtp();
    const second = await dial(softphone, again, '*77*0*100*');
    await again.typeKeys(`${PIN}#`);
    await softphone.waitFor((m) => isRequest('BYE')(m) && m.headers['call-id'] === second.call.callId, 20_000);
    t.ok(heard(again, await promptBytes('digit-0')), '"zero" phones the second time');
    t.same(sessions(), [
      ['HD0001', null],
      ['HD0002', null],
      ['HD0003', '100'],
    ]);
  },
);

t.test(
  'logout everywhere with wrong PINs or an unknown extension: wrong PIN, counted against the caller, nobody released',
  async (t) => {
    const o = await startLoginOffice(t);
    await submit(o, { kind: 'login', extension: '100', phone: 'HD0001', actor: 'admin' });
    // 101 may not hot-desk, but any authenticated phone may dial the code.
    const caller = await o.phone('101', 'secret-101');
    t.equal((await caller.register()).status, 200);
    for (const extension of ['100', '555']) {
      const rtp = await o.rtp();
      const { call } = await dial(caller, rtp, `*77*0*${extension}*`);
      t.equal(call.response.status, 200, `*77*0*${extension}* is answered and asks for a PIN`);
      await typeWrongPins(o, rtp, ['1357#', '9753#', '1593#']);
      await caller.waitFor((m) => isRequest('BYE')(m) && m.headers['call-id'] === call.callId, 20_000);
      t.ok(heard(rtp, await promptBytes('too-many-attempts')), `${extension}: too many attempts`);
      t.notOk(heard(rtp, await promptBytes('phones-logged-out')), `${extension}: no count`);
    }
    t.equal(o.daemon.store.data.phones[0]!.session?.extension, '100', 'still logged in');
    const failures = o.daemon.store.data.audit.filter((entry) => entry.kind === 'login-failed');
    t.same(
      failures.map((entry) => [entry.extension, entry.phone]),
      [
        ['100', '101'],
        ['100', '101'],
        ['100', '101'],
        ['555', '101'],
        ['555', '101'],
        ['555', '101'],
      ],
      'every wrong PIN counted, against the account called from',
    );
    t.notOk(JSON.stringify(o.daemon.store.data.audit).match(/1357|9753|1593/), 'never the PINs typed');
  },
);

t.test(
  'a pinned phone: its logout code and a login as someone else are refused with "reserved", it stays logged in',
  async (t) => {
    const o = await startLoginOffice(t);
    const phone = await deskPhone(t, o, 'HD0001', idlePassword(o));
    await submit(o, { kind: 'set-phone', phone: 'HD0001', pinned: '100' });
    await becomes(t, o, phone, 'HD0001', '100');
    const reserved = await promptBytes('phone-pinned');
    for (const code of ['*77*5*', '*77*101*']) {
      const rtp = await o.rtp();
      const { call } = await dial(phone, rtp, code);
      t.equal(call.response.status, 200, `${code} is answered`);
      await phone.waitFor((m) => isRequest('BYE')(m) && m.headers['call-id'] === call.callId, 20_000);
      t.ok(heard(rtp, reserved), `${code}: "this phone is reserved"`);
      t.notOk(heard(rtp, await promptBytes('enter-pin')), `${code}: no PIN asked`);
    }
    t.same(
      o.daemon.store.data.phones.map((entry) => [entry.session?.extension, entry.pinned]),
      [['100', '100']],
      'still 100, still pinned',
    );
    t.notOk(
      o.daemon.store.data.audit.some((entry) => entry.kind === 'logout'),
      'no logout',
    );
    const refused = await sendControl(o.daemon.paths.socket, {
      kind: 'change',
      change: { kind: 'logout', target: { phone: 'HD0001' }, actor: 'admin' },
    });
    t.same(
      refused,
      { ok: false, reason: { kind: 'phone-pinned', phone: 'HD0001', extension: '100' } },
      "the admin's logout is refused too",
    );
  },
);

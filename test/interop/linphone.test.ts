/**
 * linphone, a third SIP stack beside SIPp and baresip, against hotdeskd on its
 * defaults: as a hot-desk phone and as an extension calling baresip.
 *
 * Why linphone: of the SIP user agents Debian 12 packages besides baresip and
 * SIPp, linphone-cli ships `linphone-daemon`, a machine interface (commands
 * on stdin; `Status: Ok|Error` answers and `Event-type:` blocks on stdout; no
 * terminal needed) over liblinphone 5.1, whose SIP stack (belle-sip) shares
 * no code with baresip's (libre) or SIPp's. It answers MD5 and SHA-256
 * digest challenges, sends DTMF as RFC 4733 events or as SIP INFO, holds and
 * resumes by re-INVITE and transfers by REFER, each a daemon command.
 * The other candidates: twinkle-console (1.10) is a console for a person at
 * a terminal (it takes its first argument as a profile name: no `--help`, no
 * documented command channel), so it was not tried further; pjsua is not
 * packaged in Debian 12; sipsak sends single requests, it is not a phone.
 *
 * What linphone cannot do here, and how the test copes:
 * - hotdeskd has no provisioning template for linphone, so after a login it
 *   does not become 100 by itself: the test restarts it with 100's account on
 *   the same SIP port, as the phone's re-provisioning would (same device).
 * - Its DTMF mode is a linphonerc setting (`use_info`, `use_rfc2833`) that no
 *   daemon command changes: the INFO login is another start of the same phone.
 * - With no sound card it captures nothing: it plays a 1 kHz tone WAV into
 *   the call (`incall-player-start`) and the test reads what baresip decoded
 *   (baresip's sndfile dump); what linphone received is in the RTP statistics
 *   of its log.
 *
 * On failure each scenario prints its SIP trace: the messages linphone logged,
 * baresip's `-s` trace and hotdeskd's log.
 */
import t, { type Test } from 'tap';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  register,
  SCENARIOS,
  sippPassed,
  sippPorts,
  startOffice,
  storeEventually,
  DOMAIN,
  type Office,
} from './support/office.js';
import { BARESIP_MISSING, baresipInstalled, startBaresip, type Baresip } from './support/baresip.js';
import {
  LINPHONE_MISSING,
  linphoneInstalled,
  startLinphone,
  type Linphone,
  type LinphoneOptions,
} from './support/linphone.js';
import { pcmWavFile } from '../support/wav-file.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `seconds` of a 1 kHz sine, 8 kHz mono 16-bit, as a WAV file. */
const toneWav = (seconds: number): Buffer =>
  pcmWavFile(
    Int16Array.from({ length: 8000 * seconds }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / 8000))),
  );

/** The loudest sample of a 16-bit PCM WAV file (0 for silence or no samples). */
async function peakOf(file: string): Promise<number> {
  const bytes = await readFile(file);
  const start = bytes.indexOf('data') + 8;
  let peak = 0;
  for (let i = start; i + 1 < bytes.length; i += 2) peak = Math.max(peak, Math.abs(bytes.readInt16LE(i)));
  return peak;
}

interface Peers {
  office: Office;
  linphone?: Linphone | undefined;
  baresip?: Baresip | undefined;
}

/** Runs `body`; when the scenario failed, prints what each peer saw (the SIP trace) into the TAP output. */
async function traced(t: Test, peers: Peers, body: () => Promise<void>): Promise<void> {
  let thrown = false;
  try {
    await body();
  } catch (error) {
    thrown = true;
    throw error;
  } finally {
    if (thrown || !t.passing()) {
      const linphone = peers.linphone ? (await peers.linphone.sipTrace()).slice(-30_000) : '';
      t.comment(
        [
          '==== SIP trace: linphone (its log) ====',
          linphone || '(none)',
          '==== SIP trace: baresip -s ====',
          peers.baresip ? peers.baresip.output().slice(-20_000) : '(none)',
          '==== hotdeskd log ====',
          peers.office.logLines(30).slice(-60).join('\n'),
        ].join('\n'),
      );
    }
  }
}

async function typeDigits(phone: Linphone, digits: string): Promise<void> {
  for (const digit of digits) {
    const answer = await phone.command(`dtmf ${digit}`);
    if (!answer.startsWith('Status: Ok')) throw new Error(`dtmf ${digit}: ${answer}`);
    await sleep(300);
  }
}

/**
 * Dials `code` and waits until linphone's call runs its streams; returns the call id and the event count before the
 * call.
 */
async function dial(phone: Linphone, target: string): Promise<{ id: string; after: number }> {
  const after = phone.events.length;
  const answer = await phone.command(`call sip:${target}@${DOMAIN}`);
  const id = /Id: (\d+)/.exec(answer)?.[1];
  if (!id) throw new Error(`call ${target}: ${answer}`);
  await phone.waitForCallState('LinphoneCallStreamsRunning', { id, after });
  return { id, after };
}

/** A call to a voice-menu code: dial, wait for the prompt, type `digits`, wait for hotdeskd's BYE. */
async function menuCall(phone: Linphone, code: string, digits: string): Promise<void> {
  const { id, after } = await dial(phone, code);
  await sleep(800);
  await typeDigits(phone, digits);
  await phone.waitForCallState('LinphoneCallEnd', { id, after, timeoutMs: 20_000 });
}

t.test(
  'linphone as a hot-desk phone: voice login with RFC 4733 and with SIP INFO digits, *77*5*, logout everywhere',
  async (t) => {
    if (!linphoneInstalled()) return t.fail(LINPHONE_MISSING);
    const office = await startOffice(t, [
      ['extension', 'add', '100', '--name', 'Ada Lovelace', '--password', 'k7Qw9xZt3m', '--pin', '3579', '--hotdesk'],
      ['add-phone', '--model', 'yealink-t54w', '--mac', '00:15:65:aa:bb:cc'],
    ]);
    const [sipPort] = (await sippPorts(1)) as [number];
    const peers: Peers = { office };
    let started = 0;
    /** Starts (or restarts) the desk phone: the same SIP port, so hotdeskd sees the same device. */
    const phoneAs = async (account: string, dtmf: LinphoneOptions['dtmf']): Promise<Linphone> => {
      await peers.linphone?.stop();
      const dir = join(office.dir, `linphone-${++started}-${account}`);
      await mkdir(dir, { recursive: true });
      const phone = await startLinphone({
        dir,
        account,
        password: await office.password(account),
        server: office.sip,
        domain: DOMAIN,
        dtmf,
        sipPort,
      });
      peers.linphone = phone;
      const registered = await storeEventually(
        office,
        (data) => data.bindings.some((binding) => binding.aor === account && binding.contact.includes(`:${sipPort}`)),
        10_000,
      );
      if (!registered) throw new Error(`linphone did not register as ${account}`);
      return phone;
    };
    t.teardown(() => peers.linphone?.stop());
    const sessionOf = async () => (await office.store()).phones[0]?.session?.extension;

    await t.test('registers as HD0001 and logs in as 100 with the PIN as RFC 4733 events', (t) =>
      traced(t, peers, async () => {
        const phone = await phoneAs('HD0001', 'rfc4733');
        t.pass('linphone registered as HD0001 with its idle password (MD5, its own digest code)');
        await menuCall(phone, '*77*100*', '3579#');
        t.ok(
          await storeEventually(office, (data) => data.phones[0]?.session?.extension === '100'),
          'HD0001 is logged in as 100',
        );
        t.match(
          await phone.log(),
          /^INVITE sip:\*77\*100\*@office\.test[\s\S]*?a=rtpmap:\d+ telephone-event\/8000/m,
          'linphone offered telephone-event',
        );
      }),
    );

    await t.test('as 100 on the same phone, *77*5* logs out', (t) =>
      traced(t, peers, async () => {
        const phone = await phoneAs('100', 'rfc4733');
        t.pass('re-registered as 100 from the same device, as after re-provisioning');
        const { id, after } = await dial(phone, '*77*5*');
        await phone.waitForCallState('LinphoneCallEnd', { id, after, timeoutMs: 20_000 });
        t.ok(
          await storeEventually(
            office,
            (data) => data.phones[0]?.session === undefined || data.phones[0]?.session === null,
          ),
          'HD0001 is idle again',
          { session: await sessionOf() },
        );
      }),
    );

    await t.test('logs in again with the PIN as SIP INFO', (t) =>
      traced(t, peers, async () => {
        const phone = await phoneAs('HD0001', 'info');
        await menuCall(phone, '*77*100*', '3579#');
        t.match((await phone.log()).match(/^INFO sip:[^\n]*/gm)?.length ?? 0, 5, 'five INFO requests (3579#)');
        t.ok(
          await storeEventually(office, (data) => data.phones[0]?.session?.extension === '100'),
          'HD0001 is logged in as 100 again',
        );
      }),
    );

    await t.test('*77*0*100* with the PIN logs 100 out everywhere', (t) =>
      traced(t, peers, async () => {
        const phone = await phoneAs('100', 'info');
        await menuCall(phone, '*77*0*100*', '3579#');
        t.ok(
          await storeEventually(office, (data) => !data.phones.some((desk) => desk.session?.extension === '100')),
          '100 is on no phone',
        );
        const logouts = (await office.store()).audit.filter((entry) => entry.kind === 'logout');
        t.same(
          logouts.map((entry) => [entry.phone, entry.actor]),
          [
            ['HD0001', 'user'],
            ['HD0001', 'user'],
          ],
          "both logouts are audited as the user's",
        );
      }),
    );

    t.same(office.logLines(50), [], 'hotdeskd logged no errors');
  },
);

t.test('linphone as an extension: calls to and from baresip, hold, blind transfer, BYE from each side', async (t) => {
  if (!linphoneInstalled()) return t.fail(LINPHONE_MISSING);
  if (!baresipInstalled()) return t.fail(BARESIP_MISSING);
  const office = await startOffice(t, [
    ['extension', 'add', '101', '--name', 'Bob Babbage', '--password', 'p4Lm8sVr2q', '--pin', '5182'],
    ['extension', 'add', '102', '--name', 'Carol Shaw', '--password', 'r9Tn2wQx5k', '--pin', '6293'],
    ['extension', 'add', '103', '--name', 'Dan Bricklin', '--password', 'h2Vc7kLp4z', '--pin', '7416'],
    // linphone answers SHA-256 (RFC 8760): its extension is offered SHA-256 first.
    ['extension', 'set', '101', '--digest', 'sha-256,md5'],
  ]);
  const dir = join(office.dir, 'linphone');
  const bareDir = join(office.dir, 'baresip');
  const dumps = join(office.dir, 'baresip-audio');
  await Promise.all([
    mkdir(dir, { recursive: true }),
    mkdir(bareDir, { recursive: true }),
    mkdir(dumps, { recursive: true }),
  ]);
  const tone = join(office.dir, 'tone.wav');
  await writeFile(tone, toneWav(20));
  const peers: Peers = { office };
  const linphone = await startLinphone({
    dir,
    account: '101',
    password: await office.password('101'),
    server: office.sip,
    domain: DOMAIN,
  });
  peers.linphone = linphone;
  t.teardown(() => linphone.stop());
  const baresip = await startBaresip({
    dir: bareDir,
    account: '102',
    password: await office.password('102'),
    server: office.sip,
    answerMode: 'auto',
    dumpDir: dumps,
  });
  peers.baresip = baresip;
  t.teardown(() => baresip.stop());
  const registered = await storeEventually(
    office,
    (data) => ['101', '102'].every((aor) => data.bindings.some((binding) => binding.aor === aor)),
    10_000,
  );

  await t.test('both register with their stock digest code', (t) =>
    traced(t, peers, async () => {
      t.ok(registered, '101 (linphone) and 102 (baresip) are registered');
      const log = await linphone.log();
      t.match(log, /WWW-Authenticate: Digest [^\n]*algorithm=SHA-256/, '101 is offered SHA-256 first');
      t.match(log, /Authorization: +Digest [^\n]*algorithm=SHA-256/, 'linphone answers with SHA-256');
    }),
  );

  await t.test('linphone calls baresip: audio both ways, hold and resume by re-INVITE, BYE from linphone', (t) =>
    traced(t, peers, async () => {
      const bareEvents = baresip.events.length;
      const streams = (await linphone.rtpStats()).length;
      const { id, after } = await dial(linphone, '102');
      await baresip.waitForEvent('CALL_ESTABLISHED', 10_000, bareEvents);
      t.pass('answered');
      t.match(
        await linphone.command(`incall-player-start ${tone} ${id}`),
        /^Status: Ok/,
        'linphone plays a tone into the call',
      );
      await sleep(2000);
      t.match(await linphone.command(`call-pause ${id}`), /^Status: Ok/, 'call-pause');
      await linphone.waitForCallState('LinphoneCallPaused', { id, after });
      t.pass('on hold (re-INVITE, a=sendonly, answered)');
      t.match(await linphone.command(`call-resume ${id}`), /^Status: Ok/, 'call-resume');
      const resumed = linphone.events.length;
      await linphone.waitForCallState('LinphoneCallStreamsRunning', { id, after: resumed - 1 });
      t.pass('resumed (re-INVITE, a=sendrecv, answered)');
      await sleep(1000);
      t.match(await linphone.command(`terminate ${id}`), /^Status: Ok/, 'linphone hangs up');
      await baresip.waitForEvent('CALL_CLOSED', 10_000, bareEvents);
      t.pass('baresip got the BYE');
      await linphone.waitForCallState('LinphoneCallReleased', { id, after });
      const log = await linphone.log();
      t.ok((log.match(/^INVITE sip:/gm) ?? []).length >= 3, 'linphone sent the INVITE and two re-INVITEs');
      t.match(log, /a=sendonly/, 'the hold offer is sendonly');
      // One statistics block per stream linphone ran (the hold and the resume restart it).
      const stats = (await linphone.rtpStats()).slice(streams);
      t.ok(
        stats.reduce((sum, stream) => sum + stream.received, 0) > 100,
        'linphone received RTP from baresip (over 2 s of 20 ms packets)',
        { stats },
      );
      t.ok(stats.reduce((sum, stream) => sum + stream.sent, 0) > 100, 'linphone sent RTP', { stats });
      const decoded = (await readdir(dumps)).filter((name) => name.endsWith('-dec.wav'));
      t.ok(decoded.length > 0, 'baresip wrote what it decoded', { files: await readdir(dumps) });
      const peaks = await Promise.all(decoded.map((name) => peakOf(join(dumps, name))));
      t.ok(Math.max(0, ...peaks) > 2000, "baresip decoded linphone's tone (not silence)", { peaks });
    }),
  );

  await t.test('baresip calls linphone: linphone answers, BYE from baresip', (t) =>
    traced(t, peers, async () => {
      const bareEvents = baresip.events.length;
      const after = linphone.events.length;
      const streams = (await linphone.rtpStats()).length;
      baresip.command('dial', `sip:101@${office.sip.host}:${office.sip.port}`);
      const incoming = await linphone.waitForCallState('LinphoneCallIncomingReceived', { after });
      const id = incoming.fields['Id']!;
      t.match(await linphone.command(`answer ${id}`), /^Status: Ok/, 'linphone answers');
      await linphone.waitForCallState('LinphoneCallStreamsRunning', { id, after });
      await baresip.waitForEvent('CALL_ESTABLISHED', 10_000, bareEvents);
      t.pass('established on both sides');
      await sleep(1500);
      baresip.command('hangup');
      await linphone.waitForCallState('LinphoneCallEnd', { id, after });
      t.pass('linphone got the BYE');
      await linphone.waitForCallState('LinphoneCallReleased', { id, after });
      const stats = (await linphone.rtpStats()).slice(streams);
      t.ok(
        stats.reduce((sum, stream) => sum + stream.received, 0) > 50,
        'linphone received RTP from baresip (over 1.5 s of 20 ms packets)',
        { stats },
      );
    }),
  );

  await t.test('linphone transfers baresip to 103 (blind, REFER): baresip calls 103', (t) =>
    traced(t, peers, async () => {
      const [port] = (await sippPorts(1)) as [number];
      const target = await register(office, { account: '103', port });
      sippPassed(t, target.result, '103 (SIPp) registers from the port it answers on');
      const uas = await office.startSipp({
        scenario: join(SCENARIOS, 'uas-answer.xml'),
        name: 'uas-103',
        port,
        keys: { hd_account: '103' },
        timeoutS: 40,
      });
      await uas.ready;
      const bareEvents = baresip.events.length;
      const { id, after } = await dial(linphone, '102');
      await baresip.waitForEvent('CALL_ESTABLISHED', 10_000, bareEvents);
      t.match(await linphone.command(`call-transfer ${id} sip:103@${DOMAIN}`), /^Status: Ok/, 'call-transfer');
      await linphone.waitForCallState('LinphoneCallEnd', { id, after, timeoutMs: 20_000 });
      t.pass("linphone's call ends once the transfer is accepted");
      // baresip follows the REFER with a new call to 103, answered by SIPp: its second established call here.
      const established = () =>
        baresip.events.slice(bareEvents).filter((event) => event.type === 'CALL_ESTABLISHED').length;
      for (let i = 0; i < 100 && established() < 2; i++) await sleep(100);
      t.equal(established(), 2, 'baresip is in a call with 103');
      await sleep(500);
      baresip.command('hangup');
      const answered = await uas.finished;
      sippPassed(t, answered, '103: INVITE → 180 → 200, ACK, BYE → 200');
      const invite = answered.received().find((message) => message.method === 'INVITE');
      t.match(invite?.headers('From')[0] ?? '', /sip:102@/, 'the call to 103 comes from 102');
      t.match(await linphone.log(), /^REFER sip:/m, 'linphone sent a REFER');
    }),
  );

  t.same(office.logLines(50), [], 'hotdeskd logged no errors');
});

/**
 * Logins by phone against a real hotdeskd process, as desk phones do them:
 * the hot-desk account registers, dials the login code, hears the prompt,
 * types the PIN and # as RFC 4733 events, is hung up on and receives the
 * check-sync NOTIFY; then it registers as the user (as a re-provisioned phone
 * does) and logs in as the next user. Two runs:
 *
 * 1. latency: BENCH_LOGINS logins (default 200) by BENCH_PHONES phones at a
 *    time (default 10), each timed from the end of its final `#` to the BYE
 *    and to the check-sync NOTIFY (the NOTIFY leaves when the call has ended,
 *    after the spoken confirmation);
 * 2. concurrency: BENCH_CONCURRENT phones (default 50) dialling at once, each
 *    with its own PIN; every login must succeed (every PIN decoded).
 *
 * Prints figures; asserts nothing.
 *
 *   npm run bench:logins                   (builds first; about 2 minutes)
 *   BENCH_LOGINS=400 BENCH_PHONES=20 BENCH_CONCURRENT=100 npm run bench:logins
 */
import { hashPin } from '../src/adapters/pin-hash.js';
import { loadCatalogue } from '../src/adapters/catalogue-files.js';
import type { Change } from '../src/store/changes.js';
import type { StoreData } from '../src/store/schema.js';
import type { SipMessage, SipRequest } from '../src/sip/message.js';
import { startTestPhone, type TestPhone } from '../test/support/test-phone.js';
import { startRtpPeer, type RtpPeer } from '../test/support/rtp-peer.js';
import {
  DOMAIN,
  envNumber,
  writeStoreChanges,
  machineLoad,
  mib,
  rssKiB,
  startHotdeskd,
  workspace,
  type Hotdeskd,
} from './sip-bench.js';

interface User {
  number: string;
  password: string;
  pin: string;
}

const isRequest =
  (method: string) =>
  (message: SipMessage): boolean =>
    'method' in message && message.method === method;

async function writeStore(data: string, users: readonly User[], phones: number): Promise<StoreData> {
  const catalogue = loadCatalogue();
  const changes: Change[] = [{ kind: 'set-settings', sipDomain: DOMAIN }];
  for (const user of users) {
    changes.push({
      kind: 'add-extension',
      number: user.number,
      name: `User ${user.number}`,
      sipPassword: user.password,
      pinHash: await hashPin(user.pin),
      hotdesk: true,
      language: 'en',
    });
  }
  for (let i = 1; i <= phones; i++) {
    changes.push({
      kind: 'add-phone',
      model: 'yealink-t54w',
      mac: `0015650${String(i).padStart(5, '0')}`,
      connection: { mode: 'lan' },
      idlePassword: `idle-${i}-bench`,
    });
  }
  return writeStoreChanges(data, changes, catalogue);
}

interface Timing {
  /** Until the first packet of the confirmation (the PIN checked, the login stored). */
  toAnswer: number;
  toBye: number;
  toNotify: number;
}

/** One login: dial, wait for the prompt, type the PIN, time the BYE and the NOTIFY; then register as the user. */
async function login(phone: TestPhone, user: User): Promise<Timing> {
  const rtp: RtpPeer = await startRtpPeer();
  try {
    const seen = phone.received.length;
    const call = await phone.call(`sip:*77*${user.number}*@${DOMAIN}`, [], rtp.offer());
    if (call.response.status !== 200) throw new Error(`login call answered ${call.response.status}`);
    await rtp.waitForPackets(3, 10_000);
    await rtp.typeKeys(user.pin);
    // Timed from the moment # is pressed (its first RFC 4733 packet leaves).
    const typed = performance.now();
    const heard = rtp.received.length;
    await rtp.typeKeys('#');
    // The confirmation starts with a marker packet.
    let first = -1;
    while ((first = rtp.received.findIndex((packet, index) => index >= heard && packet.marker)) < 0) {
      if (performance.now() - typed > 30_000) throw new Error('no confirmation prompt');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const toAnswer = rtp.arrivals[first]! - typed;
    const after = (method: string) => (message: SipMessage) =>
      isRequest(method)(message) && phone.received.indexOf(message) >= seen;
    await phone.waitFor(
      (message) => after('BYE')(message) && (message as SipRequest).headers['call-id'] === call.callId,
      30_000,
    );
    const toBye = performance.now() - typed;
    await phone.waitFor(after('NOTIFY'), 30_000);
    const toNotify = performance.now() - typed;
    phone.switchAccount(user.number, user.password);
    const registered = await phone.register();
    if (registered.status !== 200) throw new Error(`REGISTER as ${user.number}: ${registered.status}`);
    return { toAnswer, toBye, toNotify };
  } finally {
    await rtp.close();
  }
}

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
const ms = (value: number) => `${value.toFixed(0)} ms`;

async function startPhones(daemon: Hotdeskd, store: StoreData, count: number, offset = 0): Promise<TestPhone[]> {
  return Promise.all(
    store.phones.slice(offset, offset + count).map(async (entry) => {
      const phone = await startTestPhone({
        user: entry.name,
        password: entry.idlePassword,
        server: { address: daemon.sip.host, port: daemon.sip.port },
        domain: DOMAIN,
      });
      const registered = await phone.register();
      if (registered.status !== 200) throw new Error(`${entry.name} could not register: ${registered.status}`);
      return phone;
    }),
  );
}

async function main(): Promise<void> {
  const logins = envNumber('BENCH_LOGINS', 200);
  const parallel = envNumber('BENCH_PHONES', 10);
  const concurrent = envNumber('BENCH_CONCURRENT', 50);
  const space = workspace('hd-bench-logins-');
  // Two users per latency phone (each login switches user, so every login re-provisions), one per concurrent phone.
  const users: User[] = Array.from({ length: parallel * 2 + concurrent }, (_, i) => ({
    number: String(1000 + i),
    password: `bench-secret-${i}`,
    pin: String(100_000 + ((i * 7919) % 900_000)),
  }));
  console.log(
    `setting up ${users.length} extensions (scrypt PIN hashes) and ${parallel + concurrent} hot-desk phones…`,
  );
  const store = await writeStore(space.data, users, parallel + concurrent);
  const daemon = await startHotdeskd(space.data, ['--rtp-ports', '20000-29999']);
  console.log(`hotdeskd pid ${daemon.pid} on ${daemon.sip.host}:${daemon.sip.port}; ${machineLoad()}`);
  try {
    // 1. latency
    const phones = await startPhones(daemon, store, parallel);
    const timings: Timing[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      phones.map(async (phone, index) => {
        const mine = [users[index * 2]!, users[index * 2 + 1]!];
        for (let round = 0; next < logins; round++) {
          next += 1;
          timings.push(await login(phone, mine[round % 2]!));
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const byes = timings.map((timing) => timing.toBye);
    const notifies = timings.map((timing) => timing.toNotify);
    console.log(`\n${timings.length} logins by ${parallel} phones at a time in ${seconds.toFixed(1)} s`);
    const answers = timings.map((timing) => timing.toAnswer);
    console.log(
      `  final # → confirmation starts (PIN check, store write):       median ${ms(percentile(answers, 50))}, p99 ${ms(percentile(answers, 99))}`,
    );
    console.log(
      `  final # → BYE (… and the spoken confirmation):                median ${ms(percentile(byes, 50))}, p99 ${ms(percentile(byes, 99))}`,
    );
    console.log(
      `  final # → check-sync NOTIFY:                                  median ${ms(percentile(notifies, 50))}, p99 ${ms(percentile(notifies, 99))}`,
    );
    console.log(
      `  → BYE → NOTIFY alone:                                          median ${ms(
        percentile(
          notifies.map((n, i) => n - byes[i]!),
          50,
        ),
      )}`,
    );
    await Promise.all(phones.map((phone) => phone.close()));

    // 2. concurrency
    const crowd = await startPhones(daemon, store, concurrent, parallel);
    const crowdUsers = users.slice(parallel * 2);
    const burst = performance.now();
    const results = await Promise.allSettled(crowd.map((phone, index) => login(phone, crowdUsers[index]!)));
    const burstSeconds = (performance.now() - burst) / 1000;
    await Promise.all(crowd.map((phone) => phone.close()));
    const failures = results.filter((result) => result.status === 'rejected') as PromiseRejectedResult[];
    const ok = results.length - failures.length;
    console.log(
      `\n${concurrent} login calls at once: ${ok} logged in (every PIN decoded) in ${burstSeconds.toFixed(1)} s; hotdeskd RSS ${mib(rssKiB(daemon.pid))}`,
    );
    for (const failure of failures.slice(0, 5)) console.log(`  failed: ${(failure.reason as Error).message}`);
    const warnings = daemon
      .stderr()
      .split('\n')
      .filter((line) => /"level":(4|5|6)\d/.test(line));
    if (warnings.length > 0) console.log(`hotdeskd warnings: ${warnings.length}, first: ${warnings[0]}`);
  } finally {
    await daemon.stop();
    space.remove();
  }
}

await main();

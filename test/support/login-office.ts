/**
 * An office for login-by-phone tests: hotdeskd started in this process on
 * 127.0.0.1 (SIP on a free port, RTP on free ports, short check-sync
 * retries), extension 100 (hot desking, PIN 2468), 101 (no hot desking,
 * same PIN) and the hot-desk phone HD0001; test phones and RTP peers that
 * are closed with the test.
 *
 * `inMemory`: SIP and RTP run on an in-memory network instead (fake-network.ts):
 * no ports, and every prompt is 20 ms long (one packet) so a call plays out in a few
 * hundred milliseconds (the pacing stays real: 20 ms packets).
 */
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { parse as parseSdp } from 'sdp-transform';
import type { Test } from 'tap';
import { startDaemon, type Daemon, type DaemonOptions } from '../../src/daemon/main.js';
import type { Change } from '../../src/store/changes.js';
import { createLogger } from '../../src/adapters/log.js';
import { hashPin } from '../../src/adapters/pin-hash.js';
import { serializeStore } from '../../src/store/migrate.js';
import type { SipMessage, SipResponse } from '../../src/sip/message.js';
import { addExtension, addPhone, office } from './office.js';
import { tempDir } from './temp-data.js';
import { startTestPhone, type TestPhone } from './test-phone.js';
import { startRtpPeer, type RtpPeer } from './rtp-peer.js';
import { createFakeNetwork, type FakeNetwork } from './fake-network.js';
import { writeShortPrompts } from './short-prompts.js';
import { waitFor } from './start-daemon.js';

export const PIN = '2468';
export const isRequest =
  (method: string) =>
  (message: SipMessage): boolean =>
    'method' in message && message.method === method;

export interface LoginOffice {
  daemon: Daemon;
  dir: string;
  server: { address: string; port: number };
  phone(user: string, password: string): Promise<TestPhone>;
  rtp(): Promise<RtpPeer>;
  /** The in-memory network, when the office runs on one. */
  network: FakeNetwork | undefined;
  /** The provisioning server's base URL (with its token), when started with `http`. */
  provisioningUrl: string | undefined;
}

export interface LoginOfficeOptions {
  changes?: Change[];
  policies?: DaemonOptions['policies'];
  /** SIP and RTP on an in-memory network, with short prompts. */
  inMemory?: boolean;
  /** In memory: how long each prompt is, ms (default 20, one packet). */
  promptMs?: number;
  /** Serve provisioning over HTTP on a free port of 127.0.0.1. */
  http?: boolean;
}

/** `changes` are applied to the seeded office; `policies` go to the daemon (tick, policy minute). */
export async function startLoginOffice(t: Test, extra: LoginOfficeOptions = {}): Promise<LoginOffice> {
  const dir = await tempDir(t);
  const pinHash = await hashPin(PIN);
  const data = office(
    { ...addExtension('100', 'Ada'), pinHash } as ReturnType<typeof addExtension>,
    { ...addExtension('101', 'Bob', false), pinHash } as ReturnType<typeof addExtension>,
    addPhone('001565000001'),
    { kind: 'set-settings', sipDomain: 'office.test' },
    ...(extra.changes ?? []),
  );
  await writeFile(join(dir, 'hotdesk.json'), serializeStore(data));
  const network = extra.inMemory ? createFakeNetwork() : undefined;
  if (network) await writeShortPrompts(join(dir, 'prompts'), extra.promptMs ?? 20);
  const daemon = await startDaemon({
    dataDir: dir,
    log: createLogger({ level: 'silent' }),
    sip: {
      bind: '127.0.0.1',
      port: 0,
      rtpPorts: { min: 0, max: 0 },
      checkSyncRetryMs: [300, 300],
      // No per-source flood limit: these test phones call far faster than desk phones do
      // (test/daemon/sip-flood.test.ts covers it).
      floodLimit: null,
      ...(network ? { startStack: network.startStack, rtpPool: network.rtpPool() } : {}),
    },
    ...(extra.http ? { http: { bind: '127.0.0.1', port: 0 } } : {}),
    ...(extra.policies ? { policies: extra.policies } : {}),
  });
  const server = { address: '127.0.0.1', port: daemon.sip!.stack.transport.port };
  const closers: (() => Promise<void>)[] = [];
  t.teardown(async () => {
    await Promise.all(closers.map((close) => close()));
    await daemon.stop();
  });
  return {
    daemon,
    dir,
    server,
    network,
    provisioningUrl: daemon.http
      ? `http://127.0.0.1:${daemon.http.port}/provisioning/${daemon.store.data.settings.provisioningToken}`
      : undefined,
    async phone(user, password) {
      const phone = await startTestPhone({
        user,
        password,
        server,
        domain: 'office.test',
        ...(network ? { socket: network.bind() } : {}),
      });
      closers.push(() => phone.close());
      return phone;
    },
    async rtp() {
      // In memory, a key's packets follow one another at once: the daemon reads keys by their RTP timestamps.
      const peer = await startRtpPeer(
        network ? { socket: network.bind(), sleep: () => new Promise((resolve) => setImmediate(resolve)) } : {},
      );
      closers.push(() => peer.close());
      return peer;
    },
  };
}

export const idlePassword = (o: LoginOffice) => o.daemon.store.data.phones[0]!.idlePassword;

/** Dials a hot-desk code with a real offer; resolves once the IVR answered and `packets` of its audio arrived. */
export async function dial(phone: TestPhone, rtp: RtpPeer, code: string, packets = 10) {
  const call = await phone.call(`sip:${code}@office.test`, [], rtp.offer());
  const answer = parseSdp((call.response as SipResponse).content ?? '');
  await rtp.waitForPackets(packets);
  return { call, answer };
}

/**
 * Types each wrong PIN; before the next, waits until the daemon has counted it and the IVR has begun to
 * say "wrong PIN" (audio that is not silence: all bytes of a silent packet are equal). Keys typed while
 * the PIN is still being checked are ignored by design, and a loaded machine may take longer than any
 * fixed pause to save the failed try.
 */
export async function typeWrongPins(o: LoginOffice, rtp: RtpPeer, attempts: readonly string[]): Promise<void> {
  const counted = () => o.daemon.store.data.audit.filter((entry) => entry.kind === 'login-failed').length;
  const speaksAfter = (index: number) =>
    rtp.received.slice(index).some((packet) => packet.payload.some((byte) => byte !== packet.payload[0]));
  for (const [n, attempt] of attempts.entries()) {
    const before = counted();
    await rtp.typeKeys(attempt);
    await waitFor(() => counted() > before, `the wrong PIN ${attempt} to be counted`, 10_000);
    if (n === attempts.length - 1) break;
    const index = rtp.received.length;
    await waitFor(() => speaksAfter(index), `"wrong PIN" after ${attempt}`, 10_000);
  }
}

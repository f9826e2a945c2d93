/**
 * One office for an interop test: a temporary data directory seeded through
 * the real CLI (`bin/hotdesk --data DIR …`), the built `bin/hotdeskd` serving
 * SIP on 127.0.0.1 and a free port with its default options, and SIPp flows
 * against it that authenticate with SIPp's own digest code.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import { runCli, type Finished } from '../../support/run-cli.js';
import { startDaemon, type RunningDaemon } from '../../support/start-daemon.js';
import { loadStoreFile, tempDir } from '../../support/temp-data.js';
import type { StoreData } from '../../../src/store/schema.js';
import {
  freeUdpPorts,
  requireSipp,
  runSipp,
  startSipp,
  type RunningSipp,
  type SippOptions,
  type SippResult,
} from './sipp.js';

export const SCENARIOS = fileURLToPath(new URL('../scenarios/', import.meta.url));
export const DOMAIN = 'office.test';

export interface Office {
  /** Scratch directory: data/ and every SIPp trace. */
  dir: string;
  data: string;
  daemon: RunningDaemon;
  sip: { host: string; port: number };
  /** Runs `hotdesk --data DIR …args`; fails the test's setup when it exits non-zero. */
  cli(...args: string[]): Promise<Finished>;
  store(): Promise<StoreData>;
  /** The SIP password of an extension, or the idle password of a hot-desk phone (from the store file). */
  password(account: string): Promise<string>;
  /** Runs SIPp against hotdeskd with this office's defaults (trace dir, target). */
  sipp(options: Omit<SippOptions, 'dir' | 'target'>): Promise<SippResult>;
  startSipp(options: Omit<SippOptions, 'dir' | 'target'>): Promise<RunningSipp>;
  /** The daemon's log lines at `minLevel` or above (pino JSON on stderr; 40 warn, 50 error). */
  logLines(minLevel?: number): string[];
}

let serial = 0;
/** A label unique in this process, for SIPp file names, tags and Call-IDs. */
export const label = (what: string): string => `${what}-${process.pid}-${++serial}`;

/**
 * Seeds an office with `commands` (each the arguments of one `hotdesk`
 * command, run before the daemon starts) and starts hotdeskd on it.
 */
export async function startOffice(t: Test, commands: string[][]): Promise<Office> {
  requireSipp();
  // INTEROP_KEEP=1 keeps the data directory and every SIPp trace for a look afterwards.
  const keep = process.env['INTEROP_KEEP'] === '1';
  const dir = keep ? await mkdtemp(join(tmpdir(), 'hd-interop-')) : await tempDir(t, 'hd-interop-');
  if (keep) t.comment(`INTEROP_KEEP: data and SIPp traces stay in ${dir}`);
  const data = join(dir, 'data');
  const cli = async (...args: string[]): Promise<Finished> => {
    const result = await runCli(data, args);
    if (result.code !== 0) throw new Error(`hotdesk ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return result;
  };
  await cli('settings', 'set', 'sip-domain', DOMAIN);
  for (const command of commands) await cli(...command);
  // hotdeskd as shipped: no option beyond the data directory, loopback and free ports.
  const daemon = await startDaemon(t, data);
  const banner = /sip:\s+udp\+tcp (\S+):(\d+)/.exec(daemon.stdout());
  if (!banner) throw new Error(`no SIP address in the hotdeskd banner: ${daemon.stdout()}`);
  const sip = { host: banner[1]!, port: Number(banner[2]) };
  if (sip.host !== '127.0.0.1' || sip.port === 5060)
    throw new Error(`hotdeskd should serve 127.0.0.1 on a free port, not ${sip.host}:${sip.port}`);
  const sippProcesses: RunningSipp[] = [];
  t.teardown(async () => {
    await Promise.all(sippProcesses.map((running) => running.kill()));
  });
  const store = () => loadStoreFile(join(data, 'hotdesk.json'));
  const startOne = async (options: Omit<SippOptions, 'dir' | 'target'>): Promise<RunningSipp> => {
    const running = await startSipp({ ...options, dir, target: sip });
    sippProcesses.push(running);
    return running;
  };
  return {
    dir,
    data,
    daemon,
    sip,
    cli,
    store,
    async password(account) {
      const office = await store();
      const secret =
        office.extensions.find((ext) => ext.number === account)?.sipPassword ??
        office.phones.find((phone) => phone.name === account)?.idlePassword;
      if (!secret) throw new Error(`no account ${account} in the store`);
      return secret;
    },
    sipp: (options) => runSipp({ ...options, dir, target: sip }),
    startSipp: startOne,
    logLines(minLevel = 40) {
      return daemon
        .stderr()
        .split('\n')
        .filter((line) => {
          const level = /^\{"level":(\d+)/.exec(line)?.[1];
          return level !== undefined && Number(level) >= minLevel;
        });
    },
  };
}

/** Local SIP ports for SIPp processes that must keep one port (register first, then answer on it). */
export const sippPorts = freeUdpPorts;

/**
 * The `algorithm=` of each challenge in the first 401/407 SIPp received, in
 * order (RFC 7616 §3.3: a challenge without one means MD5), or a clear error.
 */
export function offeredAlgorithms(result: SippResult, status: 401 | 407): string[] {
  const answer = result.received().find((message) => message.status === status);
  if (!answer) throw new Error(`no ${status} received:\n${result.describe()}`);
  return answer
    .headers(status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate')
    .map((value) => /\balgorithm\s*=\s*"?([^",\s]+)/i.exec(value)?.[1] ?? 'MD5');
}

/**
 * SIPp's own digest answer: `[authentication]` in a scenario signs with
 * `-au`/`-ap`. SIPp 3.6.1 signs the digest-uri `sip:REMOTE_IP:REMOTE_PORT`
 * unless given `-auth_uri`; hotdeskd checks that the digest-uri is the
 * Request-URI (RFC 3261 §22.4), so each run passes the Request-URI it sends.
 * SIPp puts `sip:` in front of the -auth_uri value itself.
 */
function sippAuth(account: string, password: string, requestUri: string): string[] {
  return ['-au', account, '-ap', password, '-auth_uri', requestUri.replace(/^sip:/, '')];
}

export interface AuthFlow {
  /** The one SIPp run: request, 401/407, request with credentials, the rest. */
  result: SippResult;
  /** The algorithms of the challenges offered (one challenge per algorithm), in order. */
  offered: string[];
}

export interface RegisterOptions {
  account: string;
  /** Default: the account's own password from the store. */
  password?: string;
  /** Local SIP port (the Contact); default: a free one. */
  port?: number;
  expires?: number;
  /**
   * register-auth.xml (expects 200), register-refused.xml (expects 401 twice) or register-challenge.xml (one 401,
   * not answered).
   */
  scenario?: 'register-auth.xml' | 'register-refused.xml' | 'register-challenge.xml';
  /** SIPp's transport (default UDP; TCP is one connection per SIPp run). */
  transport?: 'udp' | 'tcp';
}

/** REGISTER → 401 → REGISTER with SIPp's own Authorization → 200, one SIPp run. */
export async function register(office: Office, options: RegisterOptions): Promise<AuthFlow> {
  const name = label(`register-${options.account}`);
  const [port] = options.port !== undefined ? [options.port] : await sippPorts(1);
  const password = options.password ?? (await office.password(options.account));
  const result = await office.sipp({
    scenario: join(SCENARIOS, options.scenario ?? 'register-auth.xml'),
    name,
    port: port!,
    keys: { hd_account: options.account, hd_domain: DOMAIN, hd_tag: name, hd_expires: options.expires ?? 300 },
    args: [
      ...sippAuth(options.account, password, `sip:${DOMAIN}`),
      ...(options.transport === 'tcp' ? ['-t', 't1'] : []),
    ],
  });
  return {
    result,
    offered: result.received().some((message) => message.status === 401) ? offeredAlgorithms(result, 401) : [],
  };
}

export interface CallOptions {
  account: string;
  dialled: string;
  password?: string;
  port?: number;
  /** call-auth.xml (answered, BYE), invite-rejected.xml (a 4xx/5xx refusal) or login-dtmf.xml. */
  scenario: 'call-auth.xml' | 'invite-rejected.xml' | 'login-dtmf.xml';
  /** How long call-auth.xml holds the call before BYE, ms. */
  holdMs?: number;
  /** Further SIPp arguments (e.g. `-mp PORT` for its media). */
  args?: string[];
  /** SIPp's own time limit, seconds. */
  timeoutS?: number;
}

/** INVITE → 407 → ACK, INVITE with SIPp's own Proxy-Authorization and the rest of `scenario`, one SIPp run. */
export async function call(office: Office, options: CallOptions): Promise<AuthFlow> {
  const name = label(`call-${options.account}`);
  const [port] = options.port !== undefined ? [options.port] : await sippPorts(1);
  const password = options.password ?? (await office.password(options.account));
  const result = await office.sipp({
    scenario: join(SCENARIOS, options.scenario),
    name,
    port: port!,
    keys: {
      hd_account: options.account,
      hd_dialled: options.dialled,
      hd_domain: DOMAIN,
      hd_tag: randomBytes(6).toString('hex'),
    },
    args: [
      ...sippAuth(options.account, password, `sip:${options.dialled}@${DOMAIN}`),
      '-cid_str',
      `${name}-%u@127.0.0.1`,
      '-d',
      String(options.holdMs ?? 300),
      ...(options.args ?? []),
    ],
    ...(options.timeoutS !== undefined ? { timeoutS: options.timeoutS } : {}),
  });
  return {
    result,
    offered: result.received().some((message) => message.status === 407) ? offeredAlgorithms(result, 407) : [],
  };
}

/** Waits until `check` holds for the store file (the daemon saves registrations within about 0.5 s). */
export async function storeEventually(
  office: Office,
  check: (data: StoreData) => boolean,
  timeoutMs = 5_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const data = await office.store().catch(() => undefined);
    if (data && check(data)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Asserts that a SIPp run ended with exit 0 (every call as the scenario says); shows its trace when not. */
export function sippPassed(t: Test, result: SippResult, what: string): boolean {
  return t.equal(result.code, 0, `${what}: SIPp exit 0`, { sipp: result.describe() });
}

/**
 * What the SIP benchmarks share: an office written straight into a store
 * file, the built hotdeskd as a separate process (its RSS and CPU read from
 * /proc), digest nonces fetched with SIPp, SIPp rate steps and their
 * figures. Prints; asserts nothing.
 *
 * Why nonces are fetched first: these benchmarks were written when hotdeskd
 * offered SHA-256 first, which SIPp 3.6.1 cannot answer (it reads only the
 * first challenge of a 401/407 and knows only MD5). hotdeskd now offers MD5
 * alone by default, so SIPp's own `[authentication]` would do; the
 * precomputed credentials stay so the figures compare with earlier runs.
 * Each account fetches a nonce before a step (bench/sip-scenarios/nonce.xml),
 * the benchmark computes the credentials (bench/digest-client.ts) and SIPp
 * sends them from its -inf file, with a fresh nonce count per use.
 * Every timed registration or call still goes REGISTER → 401 → REGISTER with
 * credentials (INVITE → 407 → ACK → INVITE with credentials for calls), so
 * hotdeskd makes a challenge and checks credentials for each.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeUnderLock } from '../src/adapters/json-store.js';
import { dataPaths } from '../src/adapters/paths.js';
import { applyChange, type Change } from '../src/store/changes.js';
import type { StoreData } from '../src/store/schema.js';
import type { Catalogue } from '../src/core/catalogue.js';
import { credentials, type Challenge } from './digest-client.js';
import { freeUdpPorts, requireSipp, runSipp, type SippResult } from '../test/interop/support/sipp.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BENCH_SCENARIOS = join(ROOT, 'bench', 'sip-scenarios');
export const INTEROP_SCENARIOS = join(ROOT, 'test', 'interop', 'scenarios');
export const DOMAIN = 'bench.test';
/** A scrypt-shaped PIN hash: PINs play no part in SIP, and hashing would only time scrypt. */
const PIN_HASH = 'scrypt$16384$8$1$c2FsdA==$aGFzaA==';

/** A number from the environment, or the default. */
export function envNumber(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}: "${text}" is not a positive number`);
  return value;
}

/** A list of numbers from the environment (`100,200,400`), or the default. */
export function envNumbers(name: string, fallback: number[]): number[] {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const values = text.split(',').map((part) => Number(part.trim()));
  if (values.some((value) => !Number.isFinite(value) || value <= 0))
    throw new Error(`${name}: "${text}" is not a list of positive numbers`);
  return values;
}

export interface Workspace {
  dir: string;
  data: string;
  remove(): void;
}

/** A scratch directory under the system temp dir, removed by `remove()` unless BENCH_KEEP=1. */
export function workspace(prefix: string): Workspace {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    data: join(dir, 'data'),
    remove() {
      if (process.env['BENCH_KEEP'] === '1') console.log(`kept ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Account {
  number: string;
  password: string;
}

/** Writes a store with these extensions and the SIP domain, through the same pure changes the daemon applies. */
export async function writeOffice(data: string, accounts: readonly Account[]): Promise<void> {
  const changes: Change[] = [
    { kind: 'set-settings', sipDomain: DOMAIN },
    ...accounts.map((account): Change => ({
      kind: 'add-extension',
      number: account.number,
      name: `User ${account.number}`,
      sipPassword: account.password,
      pinHash: PIN_HASH,
      hotdesk: true,
      language: 'en',
    })),
  ];
  await writeStoreChanges(data, changes, []);
}

/**
 * Writes a bench store straight through the same pure changes the daemon
 * applies (refusals are bench bugs and throw); returns what was written.
 */
export async function writeStoreChanges(
  data: string,
  changes: readonly Change[],
  catalogue: Catalogue,
): Promise<StoreData> {
  const written = await writeUnderLock(
    dataPaths(data),
    () => ({ address: '127.0.0.1', provisioningToken: 'bench-token-0123456789' }),
    (store: StoreData) => {
      let next = store;
      for (const change of changes) {
        const outcome = applyChange(next, change, { now: new Date().toISOString(), catalogue });
        if (!outcome.ok) throw new Error(`bench setup: ${change.kind} refused: ${outcome.reason.kind}`);
        next = outcome.value.data;
      }
      return { next, value: next };
    },
  );
  if (!written.done) throw new Error(`bench setup: ${data} is locked by pid ${written.owner.pid}`);
  return written.value;
}

export interface Hotdeskd {
  pid: number;
  sip: { host: string; port: number };
  /** The last 200 kB of its stdout (the banner, and --trace-gc lines if asked for). */
  stdout(): string;
  /** With BENCH_NODE_ARGS=--trace-gc: every full collection's line. */
  fullGcs(): string[];
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts the built `bin/hotdeskd` on `data`, 127.0.0.1 and a free port; resolves after its banner. */
export async function startHotdeskd(data: string, extraArgs: readonly string[] = []): Promise<Hotdeskd> {
  return startServer([
    join(ROOT, 'bin', 'hotdeskd'),
    '--data',
    data,
    '--sip-port',
    '0',
    '--http-port',
    '0',
    '--bind',
    '127.0.0.1',
    '--log-level',
    'warn',
    '--sip-flood-limit',
    '0',
    ...extraArgs,
  ]);
}

/**
 * Starts bench/floor-server.ts instead of hotdeskd: the least a registrar in one Node process does
 * per REGISTER (parse, answer, serialise, send), the ceiling any registrar on Node reaches here.
 */
export async function startFloorServer(): Promise<Hotdeskd> {
  return startServer([
    '--import',
    join(ROOT, 'scripts', 'ts-loader', 'register.mjs'),
    join(ROOT, 'bench', 'floor-server.ts'),
  ]);
}

async function startServer(script: readonly string[]): Promise<Hotdeskd> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env['NODE_OPTIONS']; // the TypeScript loader of this script is not the daemon's business
  // BENCH_NODE_ARGS="--trace-gc" (or --cpu-prof, --max-old-space-size=…) for a closer look at the daemon.
  const nodeArgs = (process.env['BENCH_NODE_ARGS'] ?? '').split(/\s+/).filter(Boolean);
  const args = [...nodeArgs, ...script];
  const child = spawn(process.execPath, args, {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const fullGcs: string[] = [];
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout = (stdout + chunk).slice(-200_000);
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.includes('Mark-Compact')) fullGcs.push(line.trim());
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-100_000)));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const deadline = Date.now() + 15_000;
  while (!stdout.includes('Ctrl-C')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`hotdeskd did not start: ${stdout} ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const match = /sip:\s+udp\+tcp (\S+):(\d+)/.exec(stdout);
  if (!match) throw new Error(`no SIP address in the hotdeskd banner: ${stdout}`);
  return {
    pid: child.pid!,
    sip: { host: match[1]!, port: Number(match[2]) },
    stdout: () => stdout,
    fullGcs: () => fullGcs,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** VmRSS of a process in KiB (from /proc/PID/status); undefined once it is gone. */
export function rssKiB(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** User + system CPU time of a process in clock ticks (from /proc/PID/stat). */
/** utime + stime of a process, in ticks of 1/100 s. */
export function cpuTicks(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /s, '')
      .split(' ');
    // After "pid (comm) ", utime and stime are fields 12 and 13 (0-based 11, 12).
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

const TICKS_PER_SECOND = 100;

export interface Usage {
  peakRssKiB: number;
  /** CPU time over the whole step (SIPp start to its end, drain included), in % of one core. */
  cpuPercent: number;
  /** The busiest second of the step, in % of one core (Node runs the SIP side on one thread: ~100% is its limit). */
  peakCpuPercent: number;
}

/** Samples a process's RSS every 200 ms and its CPU time every second until `stop()`. */
export function sampleUsage(pid: number): { stop(): Usage } {
  const startTicks = cpuTicks(pid);
  const startTime = Date.now();
  let peak = rssKiB(pid) ?? 0;
  let peakCpu = 0;
  let lastTicks = startTicks;
  let lastTime = startTime;
  let samples = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, rssKiB(pid) ?? 0);
    if (++samples % 5 === 0) {
      const ticks = cpuTicks(pid);
      const now = Date.now();
      peakCpu = Math.max(peakCpu, ((ticks - lastTicks) / TICKS_PER_SECOND / ((now - lastTime) / 1000)) * 100);
      lastTicks = ticks;
      lastTime = now;
    }
  }, 200);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, rssKiB(pid) ?? 0);
      const seconds = (Date.now() - startTime) / 1000;
      return {
        peakRssKiB: peak,
        cpuPercent: seconds > 0 ? ((cpuTicks(pid) - startTicks) / TICKS_PER_SECOND / seconds) * 100 : 0,
        peakCpuPercent: peakCpu,
      };
    },
  };
}

export const mib = (kib: number | undefined): string => (kib === undefined ? '-' : `${(kib / 1024).toFixed(0)} MiB`);

export interface SippTarget {
  dir: string;
  target: { host: string; port: number };
}

/**
 * One nonce per entry of `accounts` (REGISTER → 401 each, `rate` per second),
 * in the order SIPp logged them: [account, nonce] pairs.
 */
export async function fetchNonces(
  where: SippTarget,
  name: string,
  accounts: readonly string[],
  rate: number,
  port?: number,
): Promise<[string, string][]> {
  const inf = join(where.dir, `${name}.csv`);
  writeFileSync(inf, `SEQUENTIAL\n${accounts.join('\n')}\n`);
  const result = await runSipp({
    ...where,
    scenario: join(BENCH_SCENARIOS, 'nonce.xml'),
    name,
    ...(port !== undefined ? { port } : {}),
    calls: accounts.length,
    keys: { hd_domain: DOMAIN, hd_expires: 3600 },
    traceMessages: false,
    timeoutS: Math.ceil(accounts.length / rate) + 60,
    args: ['-inf', inf, '-r', String(rate), '-l', String(Math.max(100, rate * 5))],
  });
  if (result.code !== 0) throw new Error(`fetching nonces failed:\n${result.describe()}`);
  const lines = readFileSync(result.files.logs, 'utf8')
    .split('\n')
    .filter((line) => line.includes(';'));
  const pairs = lines.map((line): [string, string] => {
    const [account = '', nonce = ''] = line.trim().split(';');
    return [account, nonce];
  });
  if (pairs.length !== accounts.length) throw new Error(`fetched ${pairs.length} nonces, wanted ${accounts.length}`);
  return pairs;
}

/** A challenge value for computing credentials from a fetched nonce (hotdeskd's MD5 challenge: qop=auth, no opaque). */
export function md5Challenge(nonce: string): Challenge {
  return { scheme: 'Digest', realm: DOMAIN, nonce, algorithm: 'MD5', qop: 'auth', opaque: undefined, stale: false };
}

export { credentials, freeUdpPorts, requireSipp, runSipp, type SippResult };

export interface StepFigures {
  rate: number;
  seconds: number;
  created: number;
  ok: number;
  failed: number;
  /** Failed or unfinished, in % of created. */
  failedPercent: number;
  /** Wall time of the step: SIPp start to its last call's end. */
  wallSeconds: number;
  retransmissions: number;
  avgMs: number;
  /** Upper bounds of the response-time buckets holding the median and the 99th percentile ("<20", ">=2000"). */
  p50: string;
  p99: string;
  usage: Usage;
  rssAfterKiB: number | undefined;
  sippExit: number | null;
}

/** "hh:mm:ss:micro" → ms. */
function durationMs(text: string | undefined): number {
  const parts = (text ?? '').split(':').map(Number);
  if (parts.length !== 4 || parts.some((part) => !Number.isFinite(part))) return Number.NaN;
  const [h, m, s, micro] = parts as [number, number, number, number];
  return ((h * 60 + m) * 60 + s) * 1000 + micro / 1000;
}

function bucketOf(stats: Record<string, string>, fraction: number): string {
  const buckets = Object.entries(stats)
    .filter(([name]) => name.startsWith('ResponseTimeRepartition1_'))
    .map(([name, value]) => [name.slice('ResponseTimeRepartition1_'.length), Number(value)] as const);
  const total = buckets.reduce((sum, [, count]) => sum + count, 0);
  let seen = 0;
  for (const [bound, count] of buckets) {
    seen += count;
    if (total > 0 && seen >= fraction * total) return `${bound} ms`;
  }
  return '-';
}

/** The figures of one SIPp rate step from its last statistics row. */
export function figures(
  result: SippResult,
  rate: number,
  seconds: number,
  wallSeconds: number,
  usage: Usage,
  rssAfterKiB: number | undefined,
): StepFigures {
  const stats = result.stats ?? {};
  const created = Number(stats['TotalCallCreated'] ?? 0);
  const ok = Number(stats['SuccessfulCall(C)'] ?? 0);
  const failed = Number(stats['FailedCall(C)'] ?? 0);
  return {
    rate,
    seconds,
    created,
    ok,
    failed,
    failedPercent: created > 0 ? ((created - ok) / created) * 100 : 100,
    wallSeconds,
    retransmissions: Number(stats['Retransmissions(C)'] ?? 0),
    avgMs: durationMs(stats['ResponseTime1(C)']),
    p50: bucketOf(stats, 0.5),
    p99: bucketOf(stats, 0.99),
    usage,
    rssAfterKiB,
    sippExit: result.code,
  };
}

/** A step is held when fewer than 1% of its calls failed and SIPp started (nearly) all it was asked to. */
export const held = (step: StepFigures): boolean =>
  step.failedPercent < 1 && step.created >= step.rate * step.seconds * 0.98;

/** The table of steps; `unit` names what a call is (reg, calls). */
export function printSteps(unit: string, steps: readonly StepFigures[]): void {
  const head = [
    `target ${unit}/s`,
    'calls',
    'ok',
    'failed',
    'wall s',
    'avg ms',
    'p50',
    'p99',
    'retrans',
    'CPU avg/peak',
    'RSS peak',
    'RSS after',
    'held',
  ];
  const rows = steps.map((step) => [
    String(step.rate),
    String(step.created),
    String(step.ok),
    `${step.failedPercent.toFixed(2)}%`,
    step.wallSeconds.toFixed(1),
    Number.isNaN(step.avgMs) ? '-' : step.avgMs.toFixed(1),
    step.p50,
    step.p99,
    String(step.retransmissions),
    `${step.usage.cpuPercent.toFixed(0)}/${step.usage.peakCpuPercent.toFixed(0)}%`,
    mib(step.usage.peakRssKiB),
    mib(step.rssAfterKiB),
    held(step) ? 'yes' : 'no',
  ]);
  const widths = head.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padStart(widths[i]!)).join('  ');
  console.log(line(head));
  for (const row of rows) console.log(line(row));
}

/** With BENCH_NODE_ARGS=--trace-gc: the heap after each full collection, in MB ("Mark-Compact A (B) -> C (D) MB"). */
/** Says how many lines hotdeskd logged at warn or above during the run, and the first of them. */
export function printDaemonWarnings(daemon: Hotdeskd): void {
  const lines = daemon
    .stderr()
    .split('\n')
    .filter((line) => line.trim());
  if (lines.length > 0) console.log(`hotdeskd wrote ${lines.length} log line(s) at warn or above; first: ${lines[0]}`);
}

export function printGcTrace(daemon: Hotdeskd): void {
  const lines = daemon.fullGcs();
  if (lines.length === 0) return;
  const after = lines.map((line) => {
    const match = /(\d+) ms: Mark-Compact (?:\(reduce\) )?[\d.]+ \([\d.]+\) -> ([\d.]+) \(([\d.]+)\) MB/.exec(line);
    return match ? `${(Number(match[1]) / 1000).toFixed(0)} s: ${match[2]} MB used of ${match[3]}` : line;
  });
  console.log(`hotdeskd heap after each of its ${lines.length} full GCs: ${after.join('; ')}`);
}

/** "load 1.23 on 2 cores": the figures mean little on a machine busy with other work, so say how busy it was. */
export function machineLoad(): string {
  return `load average ${loadavg()[0]!.toFixed(2)} on ${cpus().length} cores`;
}

/**
 * Runs `step` at each rate in turn until one is not held; then, unless
 * BENCH_REFINE=0, once more halfway between the last rate held and that one,
 * after `recoverMs` (the failed step leaves a backlog of retransmissions and
 * transactions behind). Returns every step run.
 */
export async function climb(
  rates: readonly number[],
  step: (rate: number) => Promise<StepFigures>,
  recoverMs = 15_000,
): Promise<StepFigures[]> {
  const steps: StepFigures[] = [];
  let lastHeld: number | undefined;
  for (const rate of rates) {
    const figures = await step(rate);
    steps.push(figures);
    if (!held(figures)) {
      const middle = lastHeld === undefined ? undefined : Math.round((lastHeld + rate) / 2);
      if (middle !== undefined && middle > lastHeld! && middle < rate && process.env['BENCH_REFINE'] !== '0') {
        console.log(`  (${recoverMs / 1000} s for hotdeskd to recover, then ${middle}/s)`);
        await new Promise((resolve) => setTimeout(resolve, recoverMs));
        steps.push(await step(middle));
      }
      break;
    }
    lastHeld = rate;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  return steps;
}

/** The highest rate among the steps held, if any. */
export function bestHeld(steps: readonly StepFigures[]): StepFigures | undefined {
  return steps.filter(held).sort((a, b) => b.rate - a.rate)[0];
}

/**
 * After the load: waits until the daemon's RSS is back under 1.5 times what it
 * was before (V8 gives memory back once the process has been idle a while),
 * or `maxSeconds`, and says which.
 */
export async function settle(pid: number, rssBeforeKiB: number | undefined, maxSeconds: number): Promise<string> {
  const started = Date.now();
  const target = (rssBeforeKiB ?? 0) * 1.5;
  for (;;) {
    const rss = rssKiB(pid);
    const seconds = (Date.now() - started) / 1000;
    if (rss !== undefined && rss <= target) return `${mib(rss)} ${seconds.toFixed(0)} s later`;
    if (seconds >= maxSeconds) return `still ${mib(rss)} ${seconds.toFixed(0)} s later`;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/**
 * Runs the CLI on a real data directory and collects stdout, stderr and the
 * exit code: in this process by default (`run()` from src/cli/main.ts over
 * in-memory streams, so no Node start per call and coverage sees the CLI), or
 * as the built `bin/hotdesk` process (over dist/) where the test is about the
 * process: concurrent writers, kills, other users, the bin file itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { run } from '../../src/cli/main.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI_BIN = join(ROOT, 'bin', 'hotdesk');
export const DAEMON_BIN = join(ROOT, 'bin', 'hotdeskd');

export interface Finished {
  /** Exit code, or `null` when the process was killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface SpawnOptions {
  /** Extra environment variables (merged over the clean environment). */
  env?: NodeJS.ProcessEnv;
  /** Written to the process's standard input, which is then closed (default: no stdin at all). */
  input?: string;
  /** Run as this user and group (only when the tests run as root); implies `process`. */
  uid?: number;
  gid?: number;
  /** Run `bin/hotdesk` as a real process (runCli only; spawnCli always does). */
  process?: boolean;
}

/**
 * The environment for child processes: the test's own, minus what tap adds
 * for itself (the coverage/processinfo loader makes every node start slower)
 * and minus any HOTDESK_* the developer may have set. hotdeskd serves SIP on
 * 127.0.0.1 and a free port (never 5060), so daemons of parallel tests never
 * collide; a test may still pass its own flags or variables.
 */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (
      name === 'NODE_OPTIONS' ||
      name === 'NODE_V8_COVERAGE' ||
      name.startsWith('_TAPJS_') ||
      name.startsWith('HOTDESK_')
    )
      continue;
    env[name] = value;
  }
  return { ...env, NO_COLOR: '1', HOTDESK_SIP_PORT: '0', HOTDESK_BIND: '127.0.0.1', ...extra };
}

/** A started process whose output is being collected. */
export interface Running {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited and its pipes are drained. */
  finished: Promise<Finished>;
}

export function spawnNode(script: string, args: string[], options: SpawnOptions = {}): Running {
  // tap's processinfo hooks every spawn and puts its loader back into
  // NODE_OPTIONS; under that loader Node 20 cannot run the extensionless ESM
  // bin/ files (ERR_REQUIRE_CYCLE_MODULE). `env -u` drops it after the hook, so
  // the real bin file runs as a user would run it. `env` execs node: same pid.
  const child = spawn('env', ['-u', 'NODE_OPTIONS', process.execPath, script, ...args], {
    cwd: ROOT,
    env: childEnv(options.env),
    stdio: [options.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    ...(options.uid !== undefined ? { uid: options.uid } : {}),
    ...(options.gid !== undefined ? { gid: options.gid } : {}),
  });
  if (options.input !== undefined) {
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(options.input);
  }
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const finished = new Promise<Finished>((resolve, reject) => {
    child.once('error', reject);
    // 'close' (not 'exit'): every byte of both pipes has been read by then.
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  if (child.pid === undefined) throw new Error(`could not start ${script}`);
  return { child, pid: child.pid, stdout: () => stdout, stderr: () => stderr, finished };
}

/** Starts `hotdesk --data DIR ...args` without waiting for it (for kill tests). */
export function spawnCli(dataDir: string | undefined, args: string[], options: SpawnOptions = {}): Running {
  return spawnNode(CLI_BIN, dataDir === undefined ? args : ['--data', dataDir, ...args], options);
}

/** A writable stream that keeps what is written to it, like a pipe the test reads. */
class Collected extends Writable {
  readonly isTTY = false;
  private readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer | string, encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk);
    done();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/**
 * The store writer sets umask 077 "for this process"; in this process it is
 * the test's, so it is put back once no in-process run is going any more.
 */
let runsGoing = 0;
let umaskBefore = 0;

/**
 * `run(argv, io)` in this process, with what a spawned `bin/hotdesk` would
 * have: stdout and stderr that are not terminals, stdin that is `input` (or
 * empty), and the environment of childEnv(). Each run builds its own program,
 * context and streams, so runs share nothing but the files.
 */
export async function runCliInProcess(
  dataDir: string | undefined,
  args: string[],
  options: SpawnOptions = {},
): Promise<Finished> {
  const stdout = new Collected();
  const stderr = new Collected();
  const stdin = Object.assign(Readable.from(options.input !== undefined ? [Buffer.from(options.input)] : []), {
    isTTY: false,
  });
  if (runsGoing++ === 0) {
    umaskBefore = process.umask(0o022);
    process.umask(umaskBefore);
  }
  try {
    const code = await run(dataDir === undefined ? args : ['--data', dataDir, ...args], {
      stdout,
      stderr,
      stdin,
      env: childEnv(options.env),
    });
    stdin.destroy();
    return { code, signal: null, stdout: stdout.text(), stderr: stderr.text() };
  } finally {
    if (--runsGoing === 0) process.umask(umaskBefore);
  }
}

/** Runs `bin/hotdesk --data DIR ...args` as a real process to the end. */
export function runCliProcess(
  dataDir: string | undefined,
  args: string[],
  options: SpawnOptions = {},
): Promise<Finished> {
  return spawnCli(dataDir, args, options).finished;
}

/**
 * Runs `hotdesk --data DIR ...args` to the end: in this process, unless
 * `options.process` (or another user) asks for the real `bin/hotdesk`.
 * Pass `undefined` as the directory to leave out `--data`.
 */
export function runCli(dataDir: string | undefined, args: string[], options: SpawnOptions = {}): Promise<Finished> {
  if (options.process || options.uid !== undefined || options.gid !== undefined)
    return runCliProcess(dataDir, args, options);
  return runCliInProcess(dataDir, args, options);
}

/** Runs the CLI (in this process) and parses its stdout as JSON, failing loudly (with stderr) when it did not succeed. */
export async function cliJson<T = unknown>(dataDir: string, args: string[]): Promise<T> {
  const result = await runCli(dataDir, args);
  if (result.code !== 0) throw new Error(`hotdesk ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** The lines of a text, without the empty last one. */
export function lines(text: string): string[] {
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

/**
 * Runs the built daemon (`bin/hotdeskd`) as a real process: waits for its
 * banner, stops it with a signal, and never leaves one behind after a test.
 */
import { DAEMON_BIN, spawnNode, type Finished, type Running, type SpawnOptions } from './run-cli.js';

export interface RunningDaemon extends Running {
  /** Sends `signal` (default SIGTERM) and waits for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<Finished>;
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

const BANNER = 'hotdeskd running';

/** Resolves once `check()` is true; rejects with `what` after `timeoutMs`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Spawns `hotdeskd --data DIR ...args` without waiting for anything. */
export function spawnDaemon(t: Teardown, dataDir: string, args: string[] = [], options: SpawnOptions = {}): Running {
  // Never the real SIP port in tests: any free port on loopback.
  const running = spawnNode(
    DAEMON_BIN,
    ['--data', dataDir, '--sip-port', '0', '--http-port', '0', '--bind', '127.0.0.1', ...args],
    options,
  );
  let ended = false;
  void running.finished.then(
    () => (ended = true),
    () => (ended = true),
  );
  t.teardown(async () => {
    if (ended) return;
    running.child.kill('SIGKILL');
    await running.finished.catch(() => undefined);
  });
  return running;
}

/** Starts hotdeskd on `dataDir` and resolves when its banner is out (the control socket listens by then). */
export async function startDaemon(
  t: Teardown,
  dataDir: string,
  args: string[] = [],
  options: SpawnOptions = {},
): Promise<RunningDaemon> {
  const running = spawnDaemon(t, dataDir, args, options);
  let exited: Finished | undefined;
  void running.finished.then((result) => (exited = result));
  try {
    // The whole banner ends with "Press Ctrl-C to stop."; wait for all of it.
    await waitFor(
      () => exited !== undefined || (running.stdout().includes(BANNER) && running.stdout().includes('Ctrl-C')),
      'the hotdeskd banner',
      30_000,
    );
  } catch (error) {
    running.child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}; stdout: ${running.stdout()} stderr: ${running.stderr()}`, {
      cause: error,
    });
  }
  if (exited) throw new Error(`hotdeskd exited (${exited.code ?? exited.signal}) before its banner: ${exited.stderr}`);
  return {
    ...running,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      running.child.kill(signal);
      return running.finished;
    },
  };
}

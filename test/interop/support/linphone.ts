/**
 * linphone (Debian package linphone-cli: liblinphone 5.1 with the belle-sip
 * SIP stack and mediastreamer2) as a headless phone for interop tests. It
 * runs `linphone-daemon`, liblinphone's own command interface: commands on
 * stdin (`call`, `answer`, `terminate`, `dtmf`, `call-pause`, `call-resume`,
 * `call-transfer`, `incall-player-start`, `register-status`…), answers and
 * events (`Event-type: call-state-changed`…) on stdout.
 *
 * Things about linphone 5.1 this works around:
 * - It opens no SIP socket at all until its message database opens: with no
 *   `$HOME/.local/share/linphone/` it logs "Unable to open linphone database"
 *   and never leaves its startup state. Each phone gets its own HOME.
 * - It quits when its stdin ends: the pipe stays open until stop().
 * - No sound card in CI: it sends no RTP of its own (nothing to capture) but
 *   `incall-player-start FILE` plays a WAV into the call; what it received is
 *   in the "AUDIO SESSION'S RTP STATISTICS" its log prints when a stream ends.
 *
 * The account is written into its linphonerc as a phone's provisioning would
 * (identity, registrar, outbound proxy as route, credentials); DTMF goes as
 * RFC 4733 telephone events or as SIP INFO (`use_rfc2833` / `use_info`).
 * Its log (`--log`, every SIP message in full) is the SIP trace a failing
 * test prints.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freeUdpPorts } from './sipp.js';

export const LINPHONE_MISSING = 'linphone-daemon is not installed: apt-get install -y linphone-cli';

export function linphoneInstalled(): boolean {
  return spawnSync('linphone-daemon', ['--help'], { encoding: 'utf8' }).error === undefined;
}

export interface LinphoneEvent {
  /** `call-state-changed`, `registration-state-changed`, … */
  type: string;
  fields: Record<string, string>;
}

export interface LinphoneOptions {
  dir: string;
  account: string;
  password: string;
  server: { host: string; port: number };
  domain: string;
  /** How DTMF is sent (default RFC 4733 telephone events). */
  dtmf?: 'rfc4733' | 'info';
  /** Local SIP port (keep one to stay the same device across restarts); default: a free one. */
  sipPort?: number;
  /** Answer incoming calls by itself. */
  autoAnswer?: boolean;
}

export interface Linphone {
  readonly sipPort: number;
  readonly events: LinphoneEvent[];
  /** Sends one command line and resolves with its answer (`Status: Ok` …); one command at a time. */
  command(line: string): Promise<string>;
  /** The first event (already seen, or coming) for which `match` holds. */
  waitForEvent(match: (event: LinphoneEvent) => boolean, what: string, timeoutMs?: number): Promise<LinphoneEvent>;
  /**
   * Waits for a call-state-changed event to `state` (e.g. `LinphoneCallStreamsRunning`), optionally of call `id`,
   * after the first `after` events.
   */
  waitForCallState(
    state: string,
    options?: { id?: string; after?: number; timeoutMs?: number },
  ): Promise<LinphoneEvent>;
  /** The log: every SIP message sent and received, and the RTP statistics of each stream that ended. */
  log(): Promise<string>;
  /** The SIP messages of the log, for a failed test's diagnostics. */
  sipTrace(): Promise<string>;
  /** RTP packets sent and received per audio stream that ended, in order. */
  rtpStats(): Promise<{ sent: number; received: number }[]>;
  stop(): Promise<void>;
}

/** Parses the `Event-type:` blocks of linphone-daemon's output. */
export function parseEvents(text: string): LinphoneEvent[] {
  const events: LinphoneEvent[] = [];
  for (const match of text.matchAll(/Event-type: ([\w-]+)\n\n((?:[\w-]+: .*\n)*)/g)) {
    const fields: Record<string, string> = {};
    for (const line of match[2]!.split('\n')) {
      const colon = line.indexOf(': ');
      if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 2);
    }
    events.push({ type: match[1]!, fields });
  }
  return events;
}

/**
 * The SIP messages belle-sip logged (a message starts on the line after "…channel […]: message sent to"/"received
 * from").
 */
export function sipMessagesOf(log: string): string {
  const out: string[] = [];
  const lines = log.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (
      !/belle-sip-message-channel \[[^\]]+\]: (message (sent to|received from)|received \[\d+\] new bytes from)/.test(
        line,
      )
    )
      continue;
    const block = [line.replace(/^.*?belle-sip-message-/, '').slice(0, 200)];
    for (i++; i < lines.length && !/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d:\d{3} /.test(lines[i]!); i++) block.push(lines[i]!);
    i--;
    out.push(block.join('\n').trimEnd());
  }
  return out.join('\n\n');
}

/**
 * The `…-sent N packets` / `…-received N packets` log lines of each AUDIO SESSION'S RTP STATISTICS block (oRTP's
 * rtp_stats_display).
 */
export function rtpStatsOf(log: string): { sent: number; received: number }[] {
  return log
    .split("AUDIO SESSION'S RTP STATISTICS")
    .slice(1)
    .map((block) => ({
      sent: Number(/-sent\s+(\d+) packets/.exec(block)?.[1] ?? 0),
      received: Number(/-received\s+(\d+) packets/.exec(block)?.[1] ?? 0),
    }));
}

export async function startLinphone(options: LinphoneOptions): Promise<Linphone> {
  const [freeSip, audioPort] = (await freeUdpPorts(2)) as [number, number];
  const sipPort = options.sipPort ?? freeSip;
  const home = join(options.dir, 'home');
  await mkdir(join(home, '.local', 'share', 'linphone'), { recursive: true });
  const { host, port } = options.server;
  const rc = join(options.dir, 'linphonerc');
  const info = options.dtmf === 'info';
  await writeFile(
    rc,
    [
      '[sip]',
      `sip_port=${sipPort}`,
      'sip_tcp_port=0',
      'sip_tls_port=0',
      'guess_hostname=0',
      `use_info=${info ? 1 : 0}`,
      `use_rfc2833=${info ? 0 : 1}`,
      'default_proxy=0',
      'inc_timeout=60',
      '[rtp]',
      `audio_rtp_port=${audioPort}`,
      '[sound]',
      'echocancellation=0',
      '[video]',
      'enabled=0',
      'automatically_initiate=0',
      'automatically_accept=0',
      '[proxy_0]',
      `reg_identity=sip:${options.account}@${options.domain}`,
      `reg_proxy=<sip:${host}:${port};transport=udp>`,
      `reg_route=<sip:${host}:${port};transport=udp;lr>`,
      'reg_expires=300',
      'reg_sendregister=1',
      '[auth_info_0]',
      `username=${options.account}`,
      `passwd=${options.password}`,
      `realm=${options.domain}`,
      '',
    ].join('\n'),
  );
  const logFile = join(options.dir, 'linphone.log');
  const args = [
    '--config',
    rc,
    '--log',
    logFile,
    '--disable-stats-events',
    ...(options.autoAnswer ? ['--auto-answer'] : []),
  ];
  const child: ChildProcess = spawn('linphone-daemon', args, {
    cwd: options.dir,
    env: { ...process.env, HOME: home },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let stderr = '';
  const events: LinphoneEvent[] = [];
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    events.splice(0, events.length, ...parseEvents(output));
    for (const listener of [...listeners]) listener();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let exitedYet = false;
  void exited.then(() => {
    exitedYet = true;
    for (const listener of [...listeners]) listener();
  });

  /** Resolves once `check()` gives a value (re-checked on each output chunk), rejects after `timeoutMs`. */
  const until = <T>(check: () => T | undefined, what: string, timeoutMs: number): Promise<T> =>
    new Promise((resolve, reject) => {
      const attempt = () => {
        const value = check();
        if (value !== undefined) {
          done();
          resolve(value);
        } else if (exitedYet) {
          done();
          reject(new Error(`linphone-daemon exited while waiting for ${what}: ${stderr.slice(-2000)}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `linphone: no ${what} within ${timeoutMs} ms; events: ` +
              `${events.map((event) => event.fields['Event'] ?? event.type).join(', ')}`,
          ),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(attempt);
      };
      listeners.add(attempt);
      attempt();
    });

  let queue: Promise<unknown> = Promise.resolve();
  const command = (line: string): Promise<string> => {
    const run = queue.then(async () => {
      const from = output.length;
      child.stdin!.write(`${line}\n`);
      return until(
        () => {
          const after = output.slice(from);
          const answer = /Status: [\s\S]*?(?=daemon-linphone>)/.exec(after);
          return answer ? answer[0].trim() : undefined;
        },
        `answer to "${line}"`,
        10_000,
      );
    });
    queue = run.catch(() => undefined);
    return run;
  };

  const waitForEvent = (match: (event: LinphoneEvent) => boolean, what: string, timeoutMs = 15_000) =>
    until(() => events.find(match), what, timeoutMs);

  // Registered: the account registers by itself from the linphonerc.
  await until(() => (output.includes('daemon-linphone>') ? true : undefined), 'the daemon prompt', 15_000);
  const readLog = () => readFile(logFile, 'utf8').catch(() => '');
  return {
    sipPort,
    events,
    command,
    waitForEvent,
    waitForCallState(state, { id, after = 0, timeoutMs = 15_000 } = {}) {
      return until(
        () =>
          events
            .slice(after)
            .find(
              (event) =>
                event.type === 'call-state-changed' &&
                event.fields['Event'] === state &&
                (id === undefined || event.fields['Id'] === id),
            ),
        `call state ${state}${id ? ` of call ${id}` : ''}`,
        timeoutMs,
      );
    },
    log: readLog,
    sipTrace: async () => sipMessagesOf(await readLog()),
    rtpStats: async () => rtpStatsOf(await readLog()),
    async stop() {
      if (child.exitCode === null && !exitedYet) {
        child.stdin!.write('quit\n');
        child.stdin!.end();
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Runs SIPp 3.6.1 (Debian package sip-tester) as real processes on 127.0.0.1
 * and reads what it leaves behind: exit code, message trace, error trace and
 * the last row of its statistics file. No tap in here, so the benchmarks can
 * use it too.
 *
 * Things about SIPp 3.6.1 this works around (see also README "Interop tests"):
 * - `-p 0` (and no `-p` at all) makes SIPp take port 5060 when it is free,
 *   whatever its manual says; so every SIPp gets an explicit free port.
 * - Its remote-control socket binds UDP 8888 (then 8889…) on every address;
 *   every SIPp gets `-cp FREE -ci 127.0.0.1` instead.
 * - The first statistics screen comes after a second; readiness is read from
 *   /proc/net/udp instead (the SIP socket is bound before any call starts).
 */
import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const SIPP_MISSING = 'sipp not found: apt-get install sip-tester';

/** `SIPp v3.6.1-…`, or `undefined` when there is no `sipp` on the PATH. */
export function sippVersion(): string | undefined {
  const result = spawnSync('sipp', ['-v'], { encoding: 'utf8' });
  if (result.error) return undefined;
  return /SIPp v[^\s,]+/.exec(`${result.stdout}${result.stderr}`)?.[0] ?? 'SIPp (unknown version)';
}

/** Throws {@link SIPP_MISSING} when SIPp is not installed. */
export function requireSipp(): string {
  const version = sippVersion();
  if (!version) throw new Error(SIPP_MISSING);
  return version;
}

/** `count` distinct UDP ports on 127.0.0.1 that were free a moment ago (never 5060). */
export async function freeUdpPorts(count: number): Promise<number[]> {
  // Every socket stays open until all ports are chosen, so they differ (and 5060, if the system offers it, is skipped).
  const sockets: dgram.Socket[] = [];
  const ports: number[] = [];
  try {
    while (ports.length < count) {
      const socket = dgram.createSocket('udp4');
      sockets.push(socket);
      const port = await new Promise<number>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(0, '127.0.0.1', () => resolve(socket.address().port));
      });
      if (port !== 5060) ports.push(port);
    }
    return ports;
  } finally {
    await Promise.all(sockets.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))));
  }
}

/** A UDP port on 127.0.0.1 that was free a moment ago (never 5060). */
export async function freeUdpPort(): Promise<number> {
  return (await freeUdpPorts(1))[0]!;
}

/** Whether something listens on UDP 127.0.0.1:`port` (or 0.0.0.0:`port`), from /proc/net/udp. */
export async function udpBound(port: number): Promise<boolean> {
  const table = await readFile('/proc/net/udp', 'utf8').catch(() => '');
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  return table.split('\n').some((line) => /^\s*\d+:\s+(0100007F|00000000):([0-9A-F]{4})\s/.exec(line)?.[2] === hex);
}

export interface TracedMessage {
  direction: 'sent' | 'received';
  /** The message as on the wire, CRLF turned into LF. */
  text: string;
  firstLine: string;
  /** For responses. */
  status: number | undefined;
  reason: string | undefined;
  /** For requests. */
  method: string | undefined;
  requestUri: string | undefined;
  /** Every value of a header, by name (case-insensitive; compact forms not expanded). */
  headers(name: string): string[];
}

/** Parses one SIP message as text. */
export function parseMessage(direction: 'sent' | 'received', raw: string): TracedMessage {
  const text = raw.replace(/\r\n/g, '\n').replace(/^\n+/, '');
  const [head = ''] = text.split('\n\n');
  const [firstLine = '', ...headerLines] = head.split('\n');
  const response = /^SIP\/2\.0\s+(\d{3})\s*(.*)$/.exec(firstLine);
  const request = /^([A-Z]+)\s+(\S+)\s+SIP\/2\.0$/.exec(firstLine);
  return {
    direction,
    text,
    firstLine,
    status: response ? Number(response[1]) : undefined,
    reason: response ? response[2]!.trim() : undefined,
    method: request?.[1],
    requestUri: request?.[2],
    headers(name) {
      const wanted = name.toLowerCase();
      return headerLines.flatMap((line) => {
        const colon = line.indexOf(':');
        return colon > 0 && line.slice(0, colon).trim().toLowerCase() === wanted ? [line.slice(colon + 1).trim()] : [];
      });
    },
  };
}

/** The messages of a SIPp `-trace_msg` file, in order. */
export function parseMessageTrace(text: string): TracedMessage[] {
  const messages: TracedMessage[] = [];
  for (const block of text.split(/^-{20,} \d{4}-\d\d-\d\d [\d:.]+\s*$/m)) {
    const match = /^\s*(?:UDP|TCP|TLS|SCTP) message (sent|received)[^\n]*\n([\s\S]*)$/.exec(block);
    if (match) messages.push(parseMessage(match[1] as 'sent' | 'received', match[2]!));
  }
  return messages;
}

/** The last row of a SIPp `-trace_stat` CSV, by column name; `undefined` when there is none. */
export function parseStatRow(text: string, rowFromEnd = 0): Record<string, string> | undefined {
  const rows = text.split('\n').filter((line) => line.trim() !== '');
  if (rows.length < 2) return undefined;
  const names = rows[0]!.split(';');
  const row = rows[rows.length - 1 - rowFromEnd];
  if (!row || row === rows[0]) return undefined;
  const values = row.split(';');
  return Object.fromEntries(names.map((name, i) => [name, values[i] ?? '']));
}

export interface SippOptions {
  /** Scenario file (`-sf`) or an embedded scenario name (`-sn uas`). */
  scenario: string;
  target?: { host: string; port: number };
  /** Where the trace files go. */
  dir: string;
  /** Label for file names and messages; unique within `dir`. */
  name: string;
  /** Local SIP port; default: a free one. */
  port?: number;
  /** `-key NAME VALUE`: `[NAME]` in the scenario. */
  keys?: Record<string, string | number>;
  /** `-m`: calls to process before exiting (default 1). */
  calls?: number;
  /** `-timeout` in seconds: SIPp gives up (and fails) after this long (default 30). */
  timeoutS?: number;
  /** Write the message trace (default true; turn off under load). */
  traceMessages?: boolean;
  /** Further SIPp arguments (`-r 100`, `-inf FILE`, …). */
  args?: string[];
}

export interface SippResult {
  name: string;
  port: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  files: { messages: string; errors: string; stats: string; logs: string };
  messages: TracedMessage[];
  errors: string;
  /** Last row of the statistics file. */
  stats: Record<string, string> | undefined;
  received(): TracedMessage[];
  sent(): TracedMessage[];
  /** A few lines for a failed assertion: exit code, errors, the first lines of each message. */
  describe(): string;
}

export interface RunningSipp {
  name: string;
  port: number;
  pid: number;
  /** Resolves once SIPp's SIP socket is bound. */
  ready: Promise<void>;
  finished: Promise<SippResult>;
  /** Ends this SIPp (SIGKILL) if it still runs and waits for its result. */
  kill(): Promise<SippResult>;
}

function sippArgs(options: SippOptions, port: number, controlPort: number, files: SippResult['files']): string[] {
  const scenario = options.scenario.endsWith('.xml') ? ['-sf', options.scenario] : ['-sn', options.scenario];
  const keys = Object.entries(options.keys ?? {}).flatMap(([name, value]) => ['-key', name, String(value)]);
  return [
    ...scenario,
    '-i',
    '127.0.0.1',
    '-p',
    String(port),
    '-cp',
    String(controlPort),
    '-ci',
    '127.0.0.1',
    '-m',
    String(options.calls ?? 1),
    '-nostdin',
    '-timeout',
    `${options.timeoutS ?? 30}s`,
    '-timeout_error',
    ...(options.traceMessages === false ? [] : ['-trace_msg', '-message_file', files.messages]),
    '-trace_err',
    '-error_file',
    files.errors,
    '-trace_stat',
    '-stf',
    files.stats,
    '-trace_logs',
    '-log_file',
    files.logs,
    ...keys,
    ...(options.args ?? []),
    ...(options.target ? [`${options.target.host}:${options.target.port}`] : []),
  ];
}

/** Starts SIPp and returns at once; `ready` says when its socket is bound. */
export async function startSipp(options: SippOptions): Promise<RunningSipp> {
  const [free, spare] = (await freeUdpPorts(2)) as [number, number];
  const port = options.port ?? free;
  const controlPort = spare === port ? free : spare;
  const files = {
    messages: join(options.dir, `${options.name}-messages.log`),
    errors: join(options.dir, `${options.name}-errors.log`),
    stats: join(options.dir, `${options.name}-stats.csv`),
    logs: join(options.dir, `${options.name}-logs.log`),
  };
  const child = spawn('sipp', sippArgs(options, port, controlPort, files), {
    cwd: options.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    // Keep the last screens only: SIPp reprints its screen every second.
    stdout = (stdout + chunk).slice(-20_000);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-20_000)));
  let exited = false;
  const finished = new Promise<SippResult>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error(SIPP_MISSING) : error),
    );
    child.once('close', (code, signal) => {
      exited = true;
      void collect(options.name, port, code, signal, stdout, stderr, files).then(resolve, reject);
    });
  });
  const ready = (async () => {
    const deadline = Date.now() + 10_000;
    while (!(await udpBound(port))) {
      if (exited)
        throw new Error(`sipp ${options.name} exited before binding 127.0.0.1:${port}: ${(await finished).describe()}`);
      if (Date.now() > deadline) throw new Error(`sipp ${options.name} did not bind 127.0.0.1:${port} within 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  ready.catch(() => undefined);
  return {
    name: options.name,
    port,
    pid: child.pid!,
    ready,
    finished,
    async kill() {
      if (!exited) child.kill('SIGKILL');
      return finished;
    },
  };
}

/**
 * Runs SIPp to its end. A port chosen here can be taken by someone else before
 * SIPp binds it ("Unable to bind … socket", exit 254): then it tries again with
 * fresh ports, up to three times.
 */
export async function runSipp(options: SippOptions): Promise<SippResult> {
  for (let attempt = 1; ; attempt++) {
    const result = await (await startSipp(options)).finished;
    if (attempt >= 3 || result.code !== 254 || !/Unable to bind/.test(result.stderr)) return result;
  }
}

async function collect(
  name: string,
  port: number,
  code: number | null,
  signal: NodeJS.Signals | null,
  stdout: string,
  stderr: string,
  files: SippResult['files'],
): Promise<SippResult> {
  const read = (file: string) => readFile(file, 'utf8').catch(() => '');
  const messages = parseMessageTrace(await read(files.messages));
  const errors = await read(files.errors);
  const stats = parseStatRow(await read(files.stats));
  return {
    name,
    port,
    code,
    signal,
    stdout,
    stderr,
    files,
    messages,
    errors,
    stats,
    received: () => messages.filter((message) => message.direction === 'received'),
    sent: () => messages.filter((message) => message.direction === 'sent'),
    describe() {
      const flow = messages
        .map((message) => `  ${message.direction === 'sent' ? '->' : '<-'} ${message.firstLine}`)
        .join('\n');
      const lastScreen = stdout.slice(stdout.lastIndexOf('------------------------------ Scenario Screen')).trim();
      return [
        `sipp ${name} (port ${port}) exited ${code ?? signal}`,
        flow ? `messages:\n${flow}` : 'no messages traced',
        errors.trim() ? `errors:\n${errors.trim().split('\n').slice(-15).join('\n')}` : '',
        stderr.trim() ? `stderr: ${stderr.trim().slice(-2000)}` : '',
        code !== 0 && lastScreen ? `last screen:\n${lastScreen.slice(0, 3000)}` : '',
      ]
        .filter(Boolean)
        .join('\n');
    },
  };
}

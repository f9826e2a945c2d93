/**
 * baresip (Debian package) as a headless softphone for interop tests: its own
 * config directory, one account, audio from a silent 8 kHz WAV (it sends RFC
 * 2833 events only while its audio source produces frames), and the ctrl_tcp
 * module to drive it with netstring-framed JSON commands and read its events.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freeUdpPorts } from './sipp.js';
import { pcmWavFile } from '../../support/wav-file.js';

export const BARESIP_MISSING = 'baresip is not installed: apt-get install -y baresip';

export function baresipInstalled(): boolean {
  return spawnSync('baresip', ['-h'], { encoding: 'utf8' }).error === undefined;
}

export interface BaresipEvent {
  type?: string;
  class?: string;
  param?: string;
  [key: string]: unknown;
}

export interface Baresip {
  readonly events: BaresipEvent[];
  readonly port: number;
  command(command: string, params?: string): void;
  /** The first event of `type` among those from index `after` on (default: all), or the next one. */
  waitForEvent(type: string, timeoutMs?: number, after?: number): Promise<BaresipEvent>;
  output(): string;
  stop(): Promise<void>;
}

/** `seconds` of 8 kHz mono 16-bit silence as a WAV file. */
const silentWav = (seconds: number): Buffer => pcmWavFile(new Int16Array(8000 * seconds));

export interface BaresipOptions {
  dir: string;
  account: string;
  password: string;
  server: { host: string; port: number };
  /** Answer incoming calls by itself (default: manual, `accept`). */
  answerMode?: 'manual' | 'auto';
  /**
   * Load the sndfile module: each call's audio is written to `dump-…-dec.wav`
   * (what baresip received and decoded) and `dump-…-enc.wav` (what it sent) here.
   */
  dumpDir?: string;
}

export async function startBaresip(options: BaresipOptions): Promise<Baresip> {
  const [sipPort, controlPort] = (await freeUdpPorts(2)) as [number, number];
  const wav = join(options.dir, 'silence.wav');
  await writeFile(wav, silentWav(60));
  await writeFile(
    join(options.dir, 'config'),
    [
      `sip_listen 127.0.0.1:${sipPort}`,
      `audio_source aufile,${wav}`,
      'audio_player aubridge,null',
      'audio_alert aubridge,null',
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module aufile.so',
      'module aubridge.so',
      ...(options.dumpDir ? ['module sndfile.so', `snd_path ${options.dumpDir}`] : []),
      'module_app account.so',
      'module_app menu.so',
      'module_app ctrl_tcp.so',
      `ctrl_tcp_listen 127.0.0.1:${controlPort}`,
      'rtp_ports 30000-30999',
      '',
    ].join('\n'),
  );
  const { host, port } = options.server;
  await writeFile(
    join(options.dir, 'accounts'),
    // outbound: every request through hotdeskd, also those to URIs of its SIP domain (a transfer's Refer-To).
    `<sip:${options.account}@${host}:${port};transport=udp>;outbound="sip:${host}:${port};transport=udp";` +
      `auth_pass=${options.password};regint=300;answermode=${options.answerMode ?? 'manual'};audio_codecs=PCMU;` +
      `dtmfmode=rtpevent\n`,
  );
  await writeFile(join(options.dir, 'contacts'), '');
  // -s: every SIP message on stdout, the trace a failing test shows (output()).
  const child: ChildProcess = spawn('baresip', ['-s', '-f', options.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output = (output + chunk).slice(-100_000)));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output = (output + chunk).slice(-100_000)));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));

  const events: BaresipEvent[] = [];
  const waiters: { type: string; resolve: (event: BaresipEvent) => void }[] = [];
  let socket: Socket | undefined;
  const deadline = Date.now() + 10_000;
  while (!socket) {
    socket = await new Promise<Socket | undefined>((resolve) => {
      const attempt = connect(controlPort, '127.0.0.1');
      attempt.once('connect', () => resolve(attempt));
      attempt.once('error', () => resolve(undefined));
    });
    if (!socket) {
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw new Error(`baresip did not open its control port: ${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  let buffer = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    for (;;) {
      const colon = buffer.indexOf(':');
      if (colon < 0) break;
      const length = Number(buffer.slice(0, colon));
      if (!Number.isInteger(length) || buffer.length < colon + 1 + length + 1) break;
      const text = buffer.slice(colon + 1, colon + 1 + length);
      buffer = buffer.slice(colon + 1 + length + 1);
      try {
        const message = JSON.parse(text) as BaresipEvent;
        if (message['event'] !== true) continue;
        events.push(message);
        for (const waiter of waiters.filter((candidate) => candidate.type === message.type)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(message);
        }
      } catch {
        // Not JSON: ignore.
      }
    }
  });
  const connected = socket;
  let token = 0;
  return {
    events,
    port: sipPort,
    command(command, params) {
      const text = JSON.stringify({ command, ...(params !== undefined ? { params } : {}), token: String(++token) });
      connected.write(`${Buffer.byteLength(text)}:${text},`);
    },
    waitForEvent(type, timeoutMs = 10_000, after = 0) {
      const seen = events.slice(after).find((event) => event.type === type);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `baresip: no ${type} event within ${timeoutMs} ms; events: ` +
                  `${events.map((event) => event.type).join(', ')}\n${output.slice(-3000)}`,
              ),
            ),
          timeoutMs,
        );
        waiters.push({
          type,
          resolve: (event) => {
            clearTimeout(timer);
            resolve(event);
          },
        });
      });
    },
    output: () => output,
    async stop() {
      connected.destroy();
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

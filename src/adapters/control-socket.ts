/**
 * The control socket `data/hotdeskd.sock` (mode 0600) between the CLI and the
 * daemon: one JSON request per line, one JSON response per line.
 */
import { createConnection, createServer, type Server } from 'node:net';
import { chmod, unlink } from 'node:fs/promises';
import type { Reason } from '../core/reasons.js';
import type { Change, ChangeResult } from '../store/changes.js';
import { parseChange } from '../store/change-schema.js';

/** Where a running hotdeskd listens (the real ports, also when started with port 0). */
export interface Listening {
  host: string;
  port: number;
}

/** hotdeskd's answer to `ping`: who it is and where it serves (`hotdesk doctor` checks those). */
export interface Pong {
  pid: number;
  version: string;
  /** SIP over UDP and TCP, when served. */
  sip?: Listening;
  /** HTTP provisioning, when served. */
  http?: Listening;
  /** SIP over TLS, when served (--tls-cert/--tls-key). */
  sipTls?: Listening;
  /** HTTPS provisioning, when served (--tls-cert/--tls-key). */
  https?: Listening;
  /** What phones are told and where it came from (left out by an older hotdeskd). */
  served?: Served;
}

/**
 * What hotdeskd tells phones (the ports its phone files carry, which are the ones it
 * listens on) and the store settings it took at start: the CLI prints the first, and
 * `hotdesk doctor` compares the second with the store ("restart needed").
 */
export interface Served {
  /** The address phones are given (settings `address`; `direct` phones get `publicAddress` when set). */
  address: string;
  /** hotdeskd --public-address (HOTDESK_PUBLIC_ADDRESS), when set. */
  publicAddress?: string;
  /** SIP over UDP and TCP, as phone files carry it. */
  sipPort?: number;
  /** HTTP provisioning, as provisioning URLs carry it. */
  httpPort?: number;
  tlsPort?: number;
  httpsPort?: number;
  /** Settings read from the store at start and fixed until a restart (those no flag or env variable overrides). */
  fromStore: { address?: string; sipPort?: number; httpPort?: number; tlsPort?: number; httpsPort?: number };
  /** Settings a flag or environment variable overrides: setting name (`sip-port`) → flag (`--sip-port`). */
  overridden: Record<string, string>;
}

/** A SIP authentication block held by the running hotdeskd (in memory: blocks end by themselves or on restart). */
export interface SipBlock {
  /** A source address, or an account refused from addresses it has not succeeded from lately. */
  kind: 'source' | 'account';
  key: string;
  /** ISO time the block ends. */
  until: string;
}

/** An account whose phone failed to authenticate with the digest algorithm offered to it (hotdesk doctor). */
export interface SipDigestFailure {
  account: string;
  /** Offered, most preferred first: `SHA-256`, `MD5`. */
  offered: string[];
  /**
   * `unoffered-algorithm`: answered with an algorithm not offered; `no-retry`: a SHA-256-first challenge never
   * answered.
   */
  kind: 'unoffered-algorithm' | 'no-retry';
  algorithm?: string;
  source: string;
  /** ISO time. */
  at: string;
}

export type ControlRequest =
  | { kind: 'change'; change: Change }
  | { kind: 'ping' }
  | { kind: 'blocks' }
  | { kind: 'digest-failures' }
  | { kind: 'unblock'; target: string };
export type ControlResponse =
  | { ok: true; result: ChangeResult }
  | { ok: true; pong: Pong }
  | { ok: true; blocks: SipBlock[] }
  | { ok: true; digestFailures: SipDigestFailure[] }
  | { ok: false; reason: Reason }
  | { ok: false; error: string };

const MAX_LINE = 1024 * 1024;

export function parseControlRequest(line: string): ControlRequest | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const request = value as Record<string, unknown>;
  if (request['kind'] === 'ping') return { kind: 'ping' };
  if (request['kind'] === 'blocks') return { kind: 'blocks' };
  if (request['kind'] === 'digest-failures') return { kind: 'digest-failures' };
  if (request['kind'] === 'unblock') {
    const target = request['target'];
    return typeof target === 'string' && target.length > 0 && target.length <= 256
      ? { kind: 'unblock', target }
      : undefined;
  }
  if (request['kind'] !== 'change') return undefined;
  const change = parseChange(request['change']);
  return change ? { kind: 'change', change } : undefined;
}

export type ControlHandler = (request: ControlRequest) => Promise<ControlResponse>;

/** Listens on `path`, replacing a stale socket file (the caller holds the writer lock). */
export async function startControlServer(path: string, handle: ControlHandler): Promise<Server> {
  await unlink(path).catch(() => undefined);
  const server = createServer((socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > MAX_LINE) {
        socket.end(`${JSON.stringify({ ok: false, error: 'request too large' })}\n`);
        return;
      }
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        const request = parseControlRequest(line);
        const reply = request
          ? handle(request).catch((error: Error): ControlResponse => ({ ok: false, error: error.message }))
          : Promise.resolve<ControlResponse>({ ok: false, error: 'malformed request' });
        void reply.then((response) => {
          if (!socket.destroyed) socket.write(`${JSON.stringify(response)}\n`);
        });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await chmod(path, 0o600);
  return server;
}

/** The control socket failed in a way worth telling the admin in one line (not a bug). */
export class ControlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ControlError';
  }
}

export class NoDaemonError extends Error {
  constructor() {
    super('hotdeskd is not listening on its control socket');
    this.name = 'NoDaemonError';
  }
}

/** Sends one request; rejects with `NoDaemonError` when nothing listens on the socket. */
export function sendControl(path: string, request: ControlRequest, timeoutMs = 30_000): Promise<ControlResponse> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let buffer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ControlError(`hotdeskd did not answer within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    let connected = false;
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify(request)}\n`);
    });
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      socket.end();
      try {
        resolve(JSON.parse(buffer.slice(0, newline)) as ControlResponse);
      } catch {
        reject(new ControlError('hotdeskd sent a malformed answer'));
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // Nothing received the request: as good as no daemon (a stale socket, or one going away).
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED' || (!connected && error.code === 'ECONNRESET'))
        reject(new NoDaemonError());
      else if (error.code === 'EACCES')
        reject(new ControlError(`cannot reach hotdeskd's control socket ${path}: permission denied`));
      else if (connected)
        reject(
          new ControlError(
            'hotdeskd stopped before answering; the change may or may not have been made (hotdesk status shows ' +
              'the office)',
          ),
        );
      else reject(error);
    });
    // The daemon died (or hung up) before answering: say so now, not after the timeout.
    // Once settled, a later reject is a no-op.
    socket.on('close', () => {
      clearTimeout(timer);
      reject(new ControlError('hotdeskd closed the connection without answering'));
    });
  });
}

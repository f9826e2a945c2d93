/**
 * RTP over UDP for the login voice menu: a pool of ports (`--rtp-ports`,
 * 10000–10999 by default) on one address, one socket per call.
 *
 * - RTP takes even ports (RFC 3550 §11); RTCP would be the odd port above.
 *   hotdeskd sends no RTCP and does not bind that port: whatever a phone
 *   sends there is refused by the host and never reaches us.
 * - Ports are handed out in turn through the range, so a port just freed is
 *   the last to be reused: late packets of an ended call rarely reach the
 *   next one. A port another program holds (EADDRINUSE) is skipped.
 * - When every port is taken, `open()` rejects with {@link RtpPortsBusyError}
 *   (the call is answered 503).
 * - `min: 0, max: 0` means any free port the system picks (tests).
 * - Bound to an IPv6 address (`::`), the socket serves IPv4 phones too; their
 *   addresses are given and taken as plain IPv4.
 *
 * Wire input never throws: datagrams over {@link RTP_MAX_PACKET_BYTES} are
 * dropped and counted, and an exception in the packet handler is logged and
 * the socket keeps going.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { Logger } from './log.js';

/** Larger datagrams are dropped unread: an Ethernet MTU is more than any G.711 or telephone-event packet needs. */
export const RTP_MAX_PACKET_BYTES = 1500;

export interface RtpEndpoint {
  address: string;
  port: number;
}

export interface RtpSocketCounters {
  received: number;
  sent: number;
  /** Datagrams dropped for being over {@link RTP_MAX_PACKET_BYTES}. */
  oversized: number;
  /** Datagrams that came while no handler was set. */
  unhandled: number;
  /** Sends the system refused. */
  sendErrors: number;
}

export interface RtpSocket {
  readonly port: number;
  /** The address the socket is bound to. */
  readonly address: string;
  readonly counters: RtpSocketCounters;
  /** Sets the one handler for incoming datagrams (replacing any earlier one). */
  onPacket(handler: (bytes: Buffer, from: RtpEndpoint) => void): void;
  /** Sends one datagram; does nothing once closed. Errors are counted, never thrown. */
  send(bytes: Uint8Array, to: RtpEndpoint): void;
  /** Closes the socket and returns its port to the pool; later calls return the same promise. */
  close(): Promise<void>;
}

export interface RtpPortPoolOptions {
  /** The address to bind (IPv4 or IPv6; 0.0.0.0 or :: for all). */
  bind: string;
  /** Inclusive range; only its even ports are used. `0` and `0`: any free port. */
  min: number;
  max: number;
  log?: Pick<Logger, 'debug' | 'warn'>;
}

export interface RtpPortPool {
  /** A socket on a free port, or a rejection with {@link RtpPortsBusyError} when there is none. */
  open(): Promise<RtpSocket>;
  /** Sockets open now. */
  readonly inUse: number;
  /** Closes every socket; `open()` rejects afterwards. */
  close(): Promise<void>;
}

/** Every RTP port of the range is in use (by hotdeskd's calls or other programs). */
export class RtpPortsBusyError extends Error {
  readonly code = 'RTP_PORTS_BUSY';
  constructor(min: number, max: number, inUse: number) {
    super(`no free RTP port in ${min}-${max} (${inUse} in use by login calls; the rest taken by other programs)`);
    this.name = 'RtpPortsBusyError';
  }
}

/** The even ports of the range, in order (the `0–0` range is the single "any port" entry 0). */
function evenPorts(min: number, max: number): number[] {
  if (min === 0 && max === 0) return [0];
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max > 65535 || min > max) {
    throw new RangeError(`RTP port range ${min}-${max}: expected 1 <= min <= max <= 65535, or 0-0 for any port`);
  }
  const ports: number[] = [];
  for (let port = min + (min % 2); port <= max; port += 2) ports.push(port);
  if (ports.length === 0) throw new RangeError(`RTP port range ${min}-${max} holds no even port`);
  return ports;
}

/** Binds a UDP socket; resolves undefined when the port is taken, rejects on any other error. */
function bindSocket(bind: string, port: number): Promise<dgram.Socket | undefined> {
  return new Promise((resolve, reject) => {
    // An IPv6 socket also takes IPv4 (dual stack, the default), with addresses mapped as ::ffff:a.b.c.d.
    const socket = dgram.createSocket({ type: net.isIPv6(bind) ? 'udp6' : 'udp4' });
    const failed = (error: NodeJS.ErrnoException) => {
      try {
        socket.close();
      } catch {
        // already closed by the failed bind
      }
      if (error.code === 'EADDRINUSE') resolve(undefined);
      else reject(error);
    };
    socket.once('error', failed);
    socket.bind({ port, address: bind, exclusive: true }, () => {
      socket.off('error', failed);
      resolve(socket);
    });
  });
}

const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** IPv4 peers of a dual-stack socket as plain IPv4 addresses, the way SDP and logs write them. */
const plainAddress = (address: string): string => MAPPED_IPV4.exec(address)?.[1] ?? address;

export function createRtpPortPool(options: RtpPortPoolOptions): RtpPortPool {
  const ports = evenPorts(options.min, options.max);
  const anyPort = ports.length === 1 && ports[0] === 0;
  /** Ports reserved by this pool: bound, being bound, or closing. */
  const reserved = new Set<number>();
  const open = new Set<RtpSocket>();
  let next = 0;
  let closed = false;

  function wrap(socket: dgram.Socket, release: () => void): RtpSocket {
    const { address, port, family } = socket.address();
    // A dual-stack socket reaches IPv4 peers only through their mapped address.
    const wireAddress = (to: string): string => (family === 'IPv6' && net.isIPv4(to) ? `::ffff:${to}` : to);
    const counters: RtpSocketCounters = { received: 0, sent: 0, oversized: 0, unhandled: 0, sendErrors: 0 };
    let handler: ((bytes: Buffer, from: RtpEndpoint) => void) | undefined;
    let closing: Promise<void> | undefined;

    socket.on('message', (bytes, info) => {
      if (closing) return;
      counters.received++;
      if (bytes.length > RTP_MAX_PACKET_BYTES) {
        counters.oversized++;
        return;
      }
      if (!handler) {
        counters.unhandled++;
        return;
      }
      try {
        handler(bytes, { address: plainAddress(info.address), port: info.port });
      } catch (error) {
        options.log?.warn({ err: error as Error, port }, 'RTP packet handler failed; packet dropped');
      }
    });
    // Without a listener an 'error' would end the process; UDP errors here are transient (ICMP, buffers).
    socket.on('error', (error) => options.log?.debug({ err: error, port }, 'RTP socket error'));

    const rtp: RtpSocket = {
      port,
      address,
      counters,
      onPacket(next) {
        handler = next;
      },
      send(bytes, to) {
        if (closing) return;
        socket.send(bytes, to.port, wireAddress(to.address), (error) => {
          if (error) counters.sendErrors++;
          else counters.sent++;
        });
      },
      close() {
        closing ??= new Promise<void>((resolve) => {
          handler = undefined;
          socket.close(() => {
            open.delete(rtp);
            release();
            resolve();
          });
        });
        return closing;
      },
    };
    return rtp;
  }

  return {
    get inUse() {
      return open.size;
    },

    async open() {
      if (closed) throw new Error('the RTP port pool is closed');
      for (let tried = 0; tried < ports.length; tried++) {
        const port = ports[next]!;
        next = (next + 1) % ports.length;
        if (!anyPort && reserved.has(port)) continue;
        if (!anyPort) reserved.add(port);
        let socket: dgram.Socket | undefined;
        try {
          socket = await bindSocket(options.bind, port);
        } catch (error) {
          if (!anyPort) reserved.delete(port);
          throw error;
        }
        if (!socket) {
          if (!anyPort) reserved.delete(port);
          options.log?.debug({ port }, 'RTP port taken by another program; trying the next');
          continue;
        }
        if (closed) {
          socket.close();
          if (!anyPort) reserved.delete(port);
          throw new Error('the RTP port pool is closed');
        }
        const rtp = wrap(socket, () => {
          if (!anyPort) reserved.delete(port);
        });
        open.add(rtp);
        return rtp;
      }
      throw new RtpPortsBusyError(options.min, options.max, open.size);
    },

    async close() {
      closed = true;
      await Promise.all([...open].map((socket) => socket.close()));
    },
  };
}

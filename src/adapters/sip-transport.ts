/**
 * SIP over UDP and TCP on one port, and over TLS on another when given a
 * certificate: framing, keep-alives, received/rport (RFC 3581), flows for
 * answering phones behind NAT, and counters for what was dropped. Parsing
 * and serialising are the npm `sip` package's; this file owns only the sockets. (The package's own transport cannot bind port 0,
 * answer CRLF keep-alives or report garbage, so hotdesk brings its own and
 * uses the package's parser and transaction layer.)
 */
import dgram from 'node:dgram';
import dns from 'node:dns';
import net from 'node:net';
import tls from 'node:tls';
import sip from 'sip';
import type { Connection, Target } from 'sip';
import type { Endpoint, SipMessage } from '../sip/message.js';
import { buildResponse, isRequest } from '../sip/message.js';
import { createStreamFramer } from '../sip/stream-framer.js';
import { createRateLimiter, type RateLimit } from '../provisioning/rate-limiter.js';

export interface TransportOptions {
  bind: string;
  /** 0 picks a free port (the same for UDP and TCP). */
  port: number;
  /** Address written into Via/Contact/Record-Route; default: `bind` (or 127.0.0.1 for 0.0.0.0). */
  publicAddress?: string;
  maxMessageBytes?: number;
  maxTcpConnections?: number;
  /** Most TCP and TLS connections at once from one source address (default DEFAULT_CONNECTIONS_PER_ADDRESS). */
  maxConnectionsPerAddress?: number;
  /**
   * A TCP/TLS connection is closed when no complete message has come over it for this
   * long, ms (default DEFAULT_IDLE_TIMEOUT_MS); before its first message, after at most
   * FIRST_MESSAGE_TIMEOUT_MS (or this, if shorter).
   */
  idleTimeoutMs?: number;
  /**
   * IPv4 multicast groups to listen on, each with a UDP socket of its own bound to the
   * group at `port` (so what arrives there is known to have been sent to the group),
   * joined on the interface of `bind` (the kernel's choice when `bind` is 0.0.0.0).
   * With `bind` 0.0.0.0 the unicast UDP socket is opened with SO_REUSEADDR so the group
   * socket can share its port. A failure is reported (onMulticastError), not fatal.
   */
  multicastGroups?: readonly string[];
  /**
   * Requests taken only from a multicast group (plug-and-play SUBSCRIBEs): one that
   * arrives unicast is dropped unanswered (`multicast-mismatch`), before any transaction,
   * as is anything else that arrives on a group socket. (A socket bound to every address
   * also gets a copy of each datagram sent to a group the host joined, indistinguishable
   * from a unicast one: it is that copy that is dropped.)
   */
  multicastOnly?(message: SipMessage): boolean;
  /**
   * SIP over TLS (RFC 3261 §26.2, RFC 5630 §3.1.3) on its own port (0: any free one): the same
   * framing, limits and flood limit as TCP. Requests to a phone that registered over TLS
   * go back over the connection it opened (RFC 5626 §5.3); hotdeskd opens no TLS connection itself.
   */
  tls?: { port: number; credentials: TlsCredentials };
  /** A TLS handshake failed (a plain-text client on the TLS port, an untrusted peer): the connection is dropped. */
  onTlsError?(error: Error, remote: Endpoint): void;
  onMulticastError?(group: string, error: Error): void;
  /** `multicast`: the message arrived on a multicast group socket. */
  onMessage(message: SipMessage, remote: Endpoint, multicast: boolean): void;
  onDrop?(what: DropKind, remote: Endpoint): void;
  /**
   * Messages per source address (token bucket, `perSecond` sustained, `burst` at
   * once); past it a source's messages are dropped unread, so a flood costs a
   * map lookup per datagram and other phones keep being answered. Default
   * DEFAULT_FLOOD_LIMIT; `null`: no limit.
   */
  floodLimit?: RateLimit | null;
  /** A source went over the flood limit (at most once a minute per source). */
  onFlood?(address: string): void;
  /**
   * True for a UDP datagram to drop unread under overload (`overload`; admission.ts). `inTurn`: the
   * datagrams read in this turn of the event loop so far, this one included (the event loop reads
   * up to 32 at a time: many in one turn mean more wait in the socket's buffer).
   */
  dropUnread?(datagram: Buffer, inTurn: number): boolean;
  now?: () => number;
}

/** A PEM certificate (chain) and its private key, as read from hotdeskd's --tls-cert/--tls-key files. */
export interface TlsCredentials {
  cert: Buffer | string;
  key: Buffer | string;
}

export type DropKind =
  | 'unparseable'
  | 'too-large'
  | 'missing-headers'
  | 'connection-limit'
  | 'flood'
  | 'tls-handshake'
  | 'bad-length'
  /** A multicast-only request that arrived unicast, or anything else on a multicast group socket. */
  | 'multicast-mismatch'
  /** A datagram not read because the process was saturated (admission.ts). */
  | 'overload';

/**
 * 200 messages a second per source address, 400 at once: two hundred phones
 * behind one SBC re-registering together stay under it; a scanner or a flood
 * does not.
 */
export const DEFAULT_FLOOD_LIMIT: Readonly<RateLimit> = { perSecond: 200, burst: 400 };
const FLOOD_REPORT_MS = 60_000;

/**
 * 64 connections from one address: a phone keeps one (RFC 5626), a NAT router with a few
 * dozen phones behind it stays under it; a client holding hundreds does not, and the
 * global cap (maxTcpConnections) stays free for everyone else.
 */
export const DEFAULT_CONNECTIONS_PER_ADDRESS = 64;
/** RFC 3261 §18.3 leaves it to us: a connection with no whole message in 30 s is not a phone's. */
export const FIRST_MESSAGE_TIMEOUT_MS = 30_000;
/**
 * The longest registration hotdeskd grants (3600 s) plus 32 s (RFC 3261 Timer F, a
 * refresh's transaction time): a registered phone refreshes before it, so only connections
 * that carry no live registration are closed, and hotdeskd keeps the ones it must send
 * NOTIFYs and INVITEs over (RFC 5626 §5.3).
 */
export const DEFAULT_IDLE_TIMEOUT_MS = (3600 + 32) * 1000;

export interface TransportCounters {
  received: number;
  sent: number;
  keepAlives: number;
  dropped: Record<DropKind, number>;
}

export interface SipTransport {
  readonly port: number;
  /** The SIP over TLS port, when TLS is served. */
  readonly tlsPort: number | undefined;
  readonly host: string;
  readonly counters: TransportCounters;
  /** The multicast groups joined. */
  readonly multicast: readonly string[];
  open(target: Target, onError?: (error: Error) => void): Connection;
  /** A message as it would be sent to a peer over `protocol` (for answers kept for retransmissions). */
  encode(message: SipMessage, protocol: string): Buffer;
  /** Sends bytes made by {@link encode} to `target` (over UDP, or the stream the target connected on). */
  sendBytes(target: Target, bytes: Buffer): void;
  close(): Promise<void>;
}

const DEFAULT_MAX_MESSAGE = 65_535;

/** RFC 3261 §8.1.1 / §20: what every request and response must carry to be handled at all. */
function hasMandatoryHeaders(message: SipMessage): boolean {
  const headers = message.headers as Partial<SipMessage['headers']> | undefined;
  return Boolean(
    headers &&
    Array.isArray(headers.via) &&
    headers.via.length > 0 &&
    headers.via[0]?.params &&
    headers['call-id'] &&
    headers.to &&
    headers.from &&
    headers.cseq &&
    typeof headers.cseq === 'object' &&
    Number.isFinite(headers.cseq.seq),
  );
}

/** Outgoing bodies are text; the sip serialiser counts bytes as characters, so send UTF-8 as binary. */
function toWire(message: SipMessage): Buffer {
  const body = message.content ? Buffer.from(message.content, 'utf8').toString('latin1') : undefined;
  return Buffer.from(sip.stringify(body === undefined ? message : { ...message, content: body }), 'latin1');
}

function fromWire(message: SipMessage): SipMessage {
  if (message.content) message.content = Buffer.from(message.content, 'latin1').toString('utf8');
  return message;
}

/**
 * Name resolution for datagrams sent: an IP address (where every phone's request came from) is
 * used as is, at once; the resolver's own lookup answers an IP address a turn of the event loop
 * later (a nextTick and its bookkeeping per datagram). Names go to the resolver.
 */
function lookupLiteral(
  hostname: string,
  options: dns.LookupOneOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  const family = net.isIP(hostname);
  if (family !== 0) callback(null, hostname, family);
  else dns.lookup(hostname, options, callback);
}

/**
 * The UDP socket's receive buffer: 4 MiB, some 4,000 requests (the kernel counts about 1 KiB a
 * datagram). The usual 208 KiB holds some 200: a 20 ms pause (a garbage collection) at
 * 10,000 datagrams a second loses the rest, and each loss costs a retransmission 500 ms
 * later. Linux caps it at net.core.rmem_max (Debian: 208 KiB unless raised; README).
 */
export const UDP_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

const flowKey = (protocol: string, address: string, port: number) => `${protocol}|${address}|${port}`;

async function bindPair(
  bind: string,
  port: number,
  reuseAddr: boolean,
): Promise<{ udp: dgram.Socket; tcp: net.Server; port: number }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = dgram.createSocket({
      type: net.isIPv6(bind) ? 'udp6' : 'udp4',
      reuseAddr,
      recvBufferSize: UDP_RECEIVE_BUFFER_BYTES,
      lookup: lookupLiteral,
    });
    const udpPort = await new Promise<number>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, bind, () => {
        udp.off('error', reject);
        resolve(udp.address().port);
      });
    });
    const tcp = net.createServer();
    const ok = await new Promise<boolean>((resolve, reject) => {
      tcp.once('error', (error: NodeJS.ErrnoException) =>
        error.code === 'EADDRINUSE' && port === 0 ? resolve(false) : reject(error),
      );
      tcp.listen(udpPort, bind, () => resolve(true));
    }).catch((error: Error) => {
      udp.close();
      throw error;
    });
    if (ok) return { udp, tcp, port: udpPort };
    udp.close();
  }
  throw new Error(`no port free for both UDP and TCP on ${bind}`);
}

function listenTls(bind: string, options: NonNullable<TransportOptions['tls']>): Promise<tls.Server> {
  // A handshake not done in 10 s is dropped (a client that connects and says nothing holds no slot for long).
  const server = tls.createServer({
    cert: options.credentials.cert,
    key: options.credentials.key,
    handshakeTimeout: 10_000,
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, bind, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** A UDP socket bound to `group` at `port`, joined on the interface of `bind` (any, for 0.0.0.0). */
async function listenGroup(group: string, port: number, bind: string): Promise<dgram.Socket> {
  if (!net.isIPv4(bind)) throw new Error(`multicast group ${group} needs an IPv4 bind address, not ${bind}`);
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, group, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.addMembership(group, bind === '0.0.0.0' ? undefined : bind);
    return socket;
  } catch (error) {
    socket.close();
    throw error;
  }
}

export async function startSipTransport(options: TransportOptions): Promise<SipTransport> {
  const groups = options.multicastGroups ?? [];
  const { udp, tcp, port } = await bindPair(
    options.bind,
    options.port,
    groups.length > 0 && options.bind === '0.0.0.0',
  );
  const multicast: string[] = [];
  const groupSockets: dgram.Socket[] = [];
  for (const group of groups) {
    try {
      groupSockets.push(await listenGroup(group, port, options.bind));
      multicast.push(group);
    } catch (error) {
      options.onMulticastError?.(group, error as Error);
    }
  }
  const host =
    options.publicAddress ?? (options.bind === '0.0.0.0' || options.bind === '::' ? '127.0.0.1' : options.bind);
  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE;
  const maxConnections = options.maxTcpConnections ?? 1000;
  const maxPerAddress = options.maxConnectionsPerAddress ?? DEFAULT_CONNECTIONS_PER_ADDRESS;
  const idleTimeout = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const firstMessageTimeout = Math.min(FIRST_MESSAGE_TIMEOUT_MS, idleTimeout);
  /** Incoming TCP and TLS connections (handshakes included) by source address. */
  const perAddress = new Map<string, number>();
  /** False (and the socket destroyed, counted) when the global or the per-address cap is reached; else counts it until it closes. */
  const admitConnection = (socket: net.Socket, remote: Endpoint, open: number): boolean => {
    const fromThere = perAddress.get(remote.address) ?? 0;
    if (open >= maxConnections || fromThere >= maxPerAddress) {
      drop('connection-limit', remote);
      socket.destroy();
      return false;
    }
    perAddress.set(remote.address, fromThere + 1);
    socket.once('close', () => {
      const left = (perAddress.get(remote.address) ?? 1) - 1;
      if (left > 0) perAddress.set(remote.address, left);
      else perAddress.delete(remote.address);
    });
    return true;
  };
  const counters: TransportCounters = {
    received: 0,
    sent: 0,
    keepAlives: 0,
    dropped: {
      unparseable: 0,
      'too-large': 0,
      'missing-headers': 0,
      'connection-limit': 0,
      flood: 0,
      'tls-handshake': 0,
      'bad-length': 0,
      'multicast-mismatch': 0,
      overload: 0,
    },
  };
  const now = options.now ?? Date.now;
  const floodLimit = options.floodLimit === undefined ? DEFAULT_FLOOD_LIMIT : options.floodLimit;
  const limiter = floodLimit ? createRateLimiter(floodLimit) : undefined;
  const reported = new Map<string, number>();
  /** False (and counted) when this source is over its limit. */
  const admit = (remote: Endpoint): boolean => {
    if (!limiter) return true;
    const nowMs = now();
    if (limiter.take(remote.address, nowMs).allowed) return true;
    counters.dropped.flood++;
    const last = reported.get(remote.address);
    if (last === undefined || nowMs - last >= FLOOD_REPORT_MS) {
      reported.delete(remote.address);
      reported.set(remote.address, nowMs);
      // Bounded like the limiter's own table: forget the longest-reported sources first.
      for (const oldest of reported.keys()) {
        if (reported.size <= 1024) break;
        reported.delete(oldest);
      }
      options.onFlood?.(remote.address);
    }
    return false;
  };
  const streams = new Map<string, net.Socket>();
  /** Sockets of the TLS port still in their handshake, by flow key (counted against the connection limits). */
  const handshakes = new Map<string, net.Socket>();
  let closed = false;

  const drop = (what: DropKind, remote: Endpoint): void => {
    counters.dropped[what]++;
    options.onDrop?.(what, remote);
  };

  const deliver = (message: SipMessage | undefined, remote: Endpoint, viaGroup = false): void => {
    if (!message) return drop('unparseable', remote);
    if (!hasMandatoryHeaders(message)) return drop('missing-headers', remote);
    if ((isRequest(message) && options.multicastOnly?.(message) === true) !== viaGroup)
      return drop('multicast-mismatch', remote);
    counters.received++;
    if (isRequest(message)) {
      // RFC 3581 §4 / RFC 3261 §18.2.1: note where the request really came from.
      const via = message.headers.via[0]!;
      via.params['received'] = remote.address;
      if ('rport' in via.params) via.params['rport'] = String(remote.port);
    }
    options.onMessage(fromWire(message), remote, viaGroup);
  };

  /** Datagrams read in this turn of the event loop (reset when the turn's reads are done). */
  let inTurn = 0;
  const endTurn = () => {
    inTurn = 0;
  };
  const receive = (data: Buffer, info: dgram.RemoteInfo, viaGroup: boolean): void => {
    if (inTurn++ === 0) setImmediate(endTurn);
    const remote: Endpoint = { protocol: 'UDP', address: info.address, port: info.port };
    // Keep-alives: a bare CRLF (or CRLFCRLF) or a NUL/whitespace datagram.
    if (data.length <= 4 && /^[\r\n\0 ]*$/.test(data.toString('latin1'))) {
      counters.keepAlives++;
      return;
    }
    if (options.dropUnread?.(data, inTurn) === true) return drop('overload', remote);
    if (!admit(remote)) return;
    if (data.length > maxBytes) return drop('too-large', remote);
    let message: SipMessage | undefined;
    try {
      message = sip.parse(data);
    } catch {
      message = undefined;
    }
    deliver(message, remote, viaGroup);
  };
  udp.on('message', (data, info) => receive(data, info, false));
  udp.on('error', () => undefined);
  for (const socket of groupSockets) {
    socket.on('message', (data, info) => receive(data, info, true));
    socket.on('error', () => undefined);
  }

  /** Answers 400 to a request whose header block could not be framed (when it is a request at all), then ends the stream. */
  const refuseFraming = (socket: net.Socket, head: string, remote: Endpoint): void => {
    let message: SipMessage | undefined;
    try {
      message = sip.parse(`${head}\r\n\r\n`);
    } catch {
      message = undefined;
    }
    if (message && hasMandatoryHeaders(message) && isRequest(message) && message.method !== 'ACK') {
      const via = message.headers.via[0]!;
      via.params['received'] = remote.address;
      const response = buildResponse(message, 400, 'Missing or Conflicting Content-Length');
      counters.sent++;
      socket.end(toWire(response));
    } else {
      socket.end();
    }
    // A peer that never reads must not keep the socket: give the answer a moment, then drop it.
    setTimeout(() => socket.destroy(), 1_000).unref();
  };

  const attach = (socket: net.Socket, protocol: 'TCP' | 'TLS' = 'TCP'): void => {
    const remote: Endpoint = { protocol, address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    const key = flowKey(protocol, remote.address, remote.port);
    streams.set(key, socket);
    socket.setEncoding('latin1');
    socket.setKeepAlive(true, 30_000);
    const framer = createStreamFramer(maxBytes);
    // RFC 3261 §18.3: a connection that carries no message (first within 30 s, then within the idle timeout) is closed.
    let idleTimer = setTimeout(() => socket.destroy(), firstMessageTimeout);
    idleTimer.unref();
    socket.once('close', () => clearTimeout(idleTimer));
    socket.on('data', (chunk: string) => {
      // RFC 5626 §4.4.1: a CRLFCRLF ping between messages gets a CRLF pong.
      if (framer.pending === 0 && chunk === '\r\n\r\n') {
        counters.keepAlives++;
        socket.write('\r\n');
        return;
      }
      for (const event of framer.push(chunk)) {
        if (event.kind === 'too-large') {
          drop('too-large', remote);
          socket.destroy();
          return;
        }
        if (event.kind === 'bad-length') {
          // RFC 3261 §18.3 / §20.14: a stream message without one Content-Length cannot be framed: 400, and the stream ends.
          drop('bad-length', remote);
          refuseFraming(socket, event.head, remote);
          return;
        }
        clearTimeout(idleTimer);
        idleTimer = setTimeout(() => socket.destroy(), idleTimeout);
        idleTimer.unref();
        if (!admit(remote)) continue;
        let message: SipMessage | undefined;
        try {
          message = sip.parse(event.text);
        } catch {
          message = undefined;
        }
        try {
          deliver(message, remote);
        } catch {
          drop('unparseable', remote);
        }
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (streams.get(key) === socket) streams.delete(key);
    });
  };

  tcp.on('connection', (socket) => {
    if (
      !admitConnection(
        socket,
        { protocol: 'TCP', address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 },
        streams.size + handshakes.size,
      )
    )
      return;
    attach(socket);
  });
  tcp.on('error', () => undefined);

  const secure = options.tls
    ? await listenTls(options.bind, options.tls).catch((error: Error) => {
        udp.close();
        for (const socket of groupSockets) socket.close();
        tcp.close();
        throw error;
      })
    : undefined;
  const tlsPort = secure ? (secure.address() as net.AddressInfo).port : undefined;
  secure?.on('connection', (socket: net.Socket) => {
    const remote: Endpoint = { protocol: 'TLS', address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    if (!admitConnection(socket, remote, streams.size + handshakes.size)) return;
    const key = flowKey('TLS', remote.address, remote.port);
    handshakes.set(key, socket);
    socket.once('close', () => {
      if (handshakes.get(key) === socket) handshakes.delete(key);
    });
  });
  secure?.on('secureConnection', (socket: tls.TLSSocket) => {
    handshakes.delete(flowKey('TLS', socket.remoteAddress ?? '', socket.remotePort ?? 0));
    attach(socket, 'TLS');
  });
  secure?.on('tlsClientError', (error: Error, socket: tls.TLSSocket) => {
    const remote: Endpoint = { protocol: 'TLS', address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    drop('tls-handshake', remote);
    options.onTlsError?.(error, remote);
    socket.destroy();
  });
  secure?.on('error', () => undefined);

  const ownContact = `sip:${host}:${port}`;
  const ownTlsContact = tlsPort === undefined ? ownContact : `sip:${host}:${tlsPort};transport=tls`;
  /**
   * Sets our Via on requests we originate or forward (RFC 3261 §16.6 step 8). Over TLS our
   * own Contact (`sip:host:port`, as the services write it) becomes the TLS one, so the
   * phone's in-dialog requests come back over TLS too (RFC 3261 §8.1.1.8).
   */
  const stamp = (message: SipMessage, protocol: string): void => {
    if (protocol === 'TLS' && Array.isArray(message.headers.contact)) {
      message.headers.contact = message.headers.contact.map((contact) =>
        contact.uri === ownContact ? { ...contact, uri: ownTlsContact } : contact,
      );
    }
    if (!isRequest(message)) return;
    const via = message.headers.via[0];
    if (!via) return;
    via.version = '2.0';
    via.host = host;
    via.port = protocol === 'TLS' ? (tlsPort ?? port) : port;
    via.protocol = protocol;
    if (protocol === 'UDP' && !('rport' in via.params)) via.params['rport'] = null;
  };

  const open = (target: Target, onError?: (error: Error) => void): Connection => {
    const protocol = target.protocol.toUpperCase();
    if (protocol === 'TLS') {
      // RFC 5626 §5.3 / RFC 3261 §18.2.2: back over the connection the phone opened, or not at all.
      const key = flowKey('TLS', target.address, target.port);
      return {
        protocol: 'TLS',
        send(message) {
          const stream = streams.get(key);
          if (!stream || stream.destroyed) {
            const error = new Error(`no TLS connection from ${target.address}:${target.port}`);
            setImmediate(() => onError?.(error));
            return;
          }
          stamp(message, 'TLS');
          counters.sent++;
          stream.write(toWire(message));
        },
        release() {},
      };
    }
    if (protocol === 'TCP') {
      const key = flowKey('TCP', target.address, target.port);
      let socket = streams.get(key);
      if (!socket || socket.destroyed) {
        socket = net.connect(target.port, target.address);
        socket.on('error', (error) => onError?.(error));
        attach(socket);
        streams.set(key, socket);
      }
      const stream = socket;
      return {
        protocol: 'TCP',
        send(message) {
          stamp(message, 'TCP');
          counters.sent++;
          stream.write(toWire(message));
        },
        release() {},
      };
    }
    return {
      protocol: 'UDP',
      send(message) {
        stamp(message, 'UDP');
        counters.sent++;
        const bytes = toWire(message);
        // Without a callback a datagram sent at once costs no second turn of the event loop.
        if (onError) udp.send(bytes, 0, bytes.length, target.port, target.address, (error) => error && onError(error));
        else udp.send(bytes, 0, bytes.length, target.port, target.address);
      },
      release() {},
    };
  };

  const encode = (message: SipMessage, protocol: string): Buffer => {
    stamp(message, protocol.toUpperCase());
    return toWire(message);
  };
  const sendBytes = (target: Target, bytes: Buffer): void => {
    const protocol = target.protocol.toUpperCase();
    counters.sent++;
    if (protocol === 'UDP') {
      udp.send(bytes, 0, bytes.length, target.port, target.address);
      return;
    }
    const stream = streams.get(flowKey(protocol, target.address, target.port));
    if (stream && !stream.destroyed) stream.write(bytes);
  };

  return {
    port,
    tlsPort,
    host,
    counters,
    multicast,
    open,
    encode,
    sendBytes,
    async close() {
      if (closed) return;
      closed = true;
      for (const socket of streams.values()) socket.destroy();
      for (const socket of handshakes.values()) socket.destroy();
      streams.clear();
      await Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        ...groupSockets.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))),
        new Promise<void>((resolve) => tcp.close(() => resolve())),
        ...(secure ? [new Promise<void>((resolve) => secure.close(() => resolve()))] : []),
      ]);
    },
  };
}

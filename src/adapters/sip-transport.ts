/**
 * SIP over UDP and TCP on one port, and over TLS on another when given a
 * certificate: framing, keep-alives, received/rport (RFC 3581), flows for
 * answering phones behind NAT, and counters for what was dropped. Parsing
 * and serialising are the npm `sip` package's; this file owns only the sockets. (The package's own transport cannot bind port 0,
 * answer CRLF keep-alives or report garbage, so hotdesk brings its own and
 * uses the package's parser and transaction layer.)
 *
 * This file: UDP (datagrams in, flood limit, received/rport) and sending. Beside it: the options and
 * counters (sip-transport-types.ts, re-exported here), the sockets (sip-sockets.ts), messages to and
 * from the wire (sip-wire.ts), TCP and TLS connections (sip-streams.ts).
 */
import dgram from 'node:dgram';
import net from 'node:net';
import sip from 'sip';
import type { Connection, Target } from 'sip';
import type { Endpoint, SipMessage } from '../sip/message.js';
import { isRequest } from '../sip/message.js';
import { createRateLimiter } from '../provisioning/rate-limiter.js';
import {
  DEFAULT_FLOOD_LIMIT,
  FLOOD_REPORT_MS,
  type DropKind,
  type SipTransport,
  type TransportCounters,
  type TransportOptions,
} from './sip-transport-types.js';
import { bindPair, listenGroup, listenTls } from './sip-sockets.js';
import { DEFAULT_MAX_MESSAGE, flowKey, fromWire, hasMandatoryHeaders, toWire } from './sip-wire.js';
import { createStreamSide } from './sip-streams.js';

export * from './sip-transport-types.js';
export { UDP_RECEIVE_BUFFER_BYTES } from './sip-sockets.js';

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

  const streamSide = createStreamSide({ options, counters, drop, admit, deliver });
  const { streams, handshakes, attach } = streamSide;
  streamSide.serveTcp(tcp);

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
  if (secure) streamSide.serveTls(secure);
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

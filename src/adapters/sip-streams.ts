/**
 * SIP over TCP and TLS for the transport (sip-transport.ts): the connection caps (all and per
 * address), a stream's framing (RFC 3261 §18.3) with its timeouts and CRLF keep-alives
 * (RFC 5626 §4.4.1), and the connections by flow, for answers to go back where a phone connected.
 */
import net from 'node:net';
import tls from 'node:tls';
import sip from 'sip';
import type { Endpoint, SipMessage } from '../sip/message.js';
import { buildResponse, isRequest } from '../sip/message.js';
import { createStreamFramer } from '../sip/stream-framer.js';
import {
  DEFAULT_CONNECTIONS_PER_ADDRESS,
  DEFAULT_IDLE_TIMEOUT_MS,
  FIRST_MESSAGE_TIMEOUT_MS,
  type DropKind,
  type TransportCounters,
  type TransportOptions,
} from './sip-transport-types.js';
import { DEFAULT_MAX_MESSAGE, flowKey, hasMandatoryHeaders, toWire } from './sip-wire.js';

/** What the stream side shares with the rest of the transport. */
export interface StreamContext {
  options: TransportOptions;
  counters: TransportCounters;
  drop(what: DropKind, remote: Endpoint): void;
  /** False when the source is over its flood limit (counted by the caller). */
  admit(remote: Endpoint): boolean;
  /** A parsed message (or undefined: unparseable) from `remote`. */
  deliver(message: SipMessage | undefined, remote: Endpoint): void;
}

export interface StreamSide {
  /** Open TCP and TLS connections by flow key (sip-wire.ts flowKey). */
  readonly streams: Map<string, net.Socket>;
  /** Sockets of the TLS port still in their handshake, by flow key (counted against the connection limits). */
  readonly handshakes: Map<string, net.Socket>;
  /** Reads SIP from a connected socket (accepted, or opened by us over TCP). */
  attach(socket: net.Socket, protocol?: 'TCP' | 'TLS'): void;
  /** Takes connections on the TCP server. */
  serveTcp(tcp: net.Server): void;
  /** Takes connections on the TLS server (handshakes counted against the caps). */
  serveTls(secure: tls.Server): void;
}

export function createStreamSide(context: StreamContext): StreamSide {
  const { options, counters, drop, admit, deliver } = context;
  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE;
  const maxConnections = options.maxTcpConnections ?? 1000;
  const maxPerAddress = options.maxConnectionsPerAddress ?? DEFAULT_CONNECTIONS_PER_ADDRESS;
  const idleTimeout = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const firstMessageTimeout = Math.min(FIRST_MESSAGE_TIMEOUT_MS, idleTimeout);
  const streams = new Map<string, net.Socket>();
  const handshakes = new Map<string, net.Socket>();
  /** Incoming TCP and TLS connections (handshakes included) by source address. */
  const perAddress = new Map<string, number>();
  /**
   * False (and the socket destroyed, counted) when the global or the per-address cap is reached;
   * else counts it until it closes.
   */
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

  /**
   * Answers 400 to a request whose header block could not be framed (when it is a request at all),
   * then ends the stream.
   */
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
          // RFC 3261 §18.3 / §20.14: a stream message without one Content-Length cannot be framed:
          // 400, and the stream ends.
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

  return {
    streams,
    handshakes,
    attach,
    serveTcp(tcp) {
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
    },
    serveTls(secure) {
      secure.on('connection', (socket: net.Socket) => {
        const remote: Endpoint = { protocol: 'TLS', address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
        if (!admitConnection(socket, remote, streams.size + handshakes.size)) return;
        const key = flowKey('TLS', remote.address, remote.port);
        handshakes.set(key, socket);
        socket.once('close', () => {
          if (handshakes.get(key) === socket) handshakes.delete(key);
        });
      });
      secure.on('secureConnection', (socket: tls.TLSSocket) => {
        handshakes.delete(flowKey('TLS', socket.remoteAddress ?? '', socket.remotePort ?? 0));
        attach(socket, 'TLS');
      });
      secure.on('tlsClientError', (error: Error, socket: tls.TLSSocket) => {
        const remote: Endpoint = { protocol: 'TLS', address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
        drop('tls-handshake', remote);
        options.onTlsError?.(error, remote);
        socket.destroy();
      });
    },
  };
}

/**
 * What the SIP transport (sip-transport.ts) is told and what it offers: its options, limits,
 * counters and interface.
 */
import type { Connection, Target } from 'sip';
import type { Endpoint, SipMessage } from '../sip/message.js';
import type { RateLimit } from '../provisioning/rate-limiter.js';

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
/** A source over the flood limit is reported at most this often. */
export const FLOOD_REPORT_MS = 60_000;

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

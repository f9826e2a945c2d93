/**
 * An in-memory network for daemon tests: datagram sockets by address and
 * port, a SIP stack (the `SipStack` the SIP service runs on) and an RTP port
 * pool on it, all without a single real port.
 *
 * - Every SIP message crosses as text (the npm `sip` serialiser and parser,
 *   as on the wire), so each side gets its own parsed objects, shaped as the
 *   real transport hands them over (Via `received`/`rport` noted, UTF-8 body).
 * - The stack does what the service relies on from the real transaction
 *   layer, no more: each request reaches `onRequest` once (a retransmission
 *   gets the final response again, an ACK for a non-2xx final is absorbed),
 *   responses go back where their request came from, responses to `send` are
 *   routed to its callback by branch (a non-2xx final to an INVITE is ACKed,
 *   RFC 3261 §17.1.1.3; a 2xx ends the transaction, so a retransmitted one is
 *   stray), and every message the stack sent is kept in `sent`.
 * - Delivery is in order and asynchronous (one `setImmediate` per datagram),
 *   as a network is: nothing is handled inside the sender's call.
 * - Not modelled (tests of these stay on real sockets): TCP and TLS, multicast
 *   (plug-and-play), the flood and connection limits, overload (503), timers of
 *   the transaction layer (retransmission, Timer J: server transactions are
 *   kept for the life of the stack), datagrams lost or reordered.
 */
import { randomBytes } from 'node:crypto';
import sip from 'sip';
import type { Connection, Target } from 'sip';
import type { Endpoint, SipMessage, SipRequest, SipResponse } from '../../src/sip/message.js';
import { buildResponse, isRequest } from '../../src/sip/message.js';
import type { SipStack, SipStackOptions, StartSipStack } from '../../src/adapters/sip-stack.js';
import type { DropKind, SipTransport } from '../../src/adapters/sip-transport.js';
import type { RtpPortPool, RtpSocket, RtpSocketCounters } from '../../src/adapters/rtp-socket.js';

export interface Address {
  address: string;
  port: number;
}

/** A UDP-like socket on the fake network (what test phones and RTP peers send and receive with). */
export interface DatagramSocket {
  readonly address: string;
  readonly port: number;
  send(bytes: Uint8Array, port: number, address: string): void;
  onMessage(handler: (bytes: Buffer, from: Address) => void): void;
  close(): Promise<void>;
}

export interface SentMessage {
  message: SipMessage;
  to: Endpoint;
}

export interface FakeNetwork {
  /** A socket on `address` (default 127.0.0.1), on `port` or a free one (0). */
  bind(address?: string, port?: number): DatagramSocket;
  /** Starts a SIP stack on this network, at `options.bind`:`options.port` (0: 5060). */
  startStack: StartSipStack;
  /** RTP sockets on `address` from this network. */
  rtpPool(address?: string): RtpPortPool;
  /** What every stack on this network sent, in order, as the receiver parsed it. */
  readonly sent: SentMessage[];
  /** Resolves once every datagram sent so far (and the ones their handlers sent) has been handled. */
  settle(): Promise<void>;
}

const DROP_KINDS: DropKind[] = [
  'unparseable',
  'too-large',
  'missing-headers',
  'connection-limit',
  'flood',
  'tls-handshake',
  'bad-length',
  'multicast-mismatch',
  'overload',
];
const keyOf = (address: string, port: number): string => `${address}|${port}`;
const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

/** As sip-transport writes bodies: text as UTF-8 bytes through the latin1 serialiser. */
function toWire(message: SipMessage): Buffer {
  const body = message.content ? Buffer.from(message.content, 'utf8').toString('latin1') : undefined;
  return Buffer.from(sip.stringify(body === undefined ? message : { ...message, content: body }), 'latin1');
}

function fromWire(bytes: Buffer): SipMessage | undefined {
  const message = sip.parse(bytes);
  if (message?.content) message.content = Buffer.from(message.content, 'latin1').toString('utf8');
  return message;
}

export function createFakeNetwork(): FakeNetwork {
  const handlers = new Map<string, (bytes: Buffer, from: Address) => void>();
  const nextPort = new Map<string, number>();
  const sent: SentMessage[] = [];
  let inFlight = 0;
  const idle: (() => void)[] = [];

  const deliver = (bytes: Uint8Array, from: Address, to: Address): void => {
    const copy = Buffer.from(bytes);
    inFlight++;
    setImmediate(() => {
      try {
        handlers.get(keyOf(to.address, to.port))?.(copy, { ...from });
      } finally {
        inFlight--;
        if (inFlight === 0) for (const resolve of idle.splice(0)) resolve();
      }
    });
  };

  const bind = (address = '127.0.0.1', port = 0): DatagramSocket => {
    let chosen = port;
    if (chosen === 0) {
      chosen = nextPort.get(address) ?? 20000;
      while (handlers.has(keyOf(address, chosen))) chosen += 2;
      nextPort.set(address, chosen + 2);
    }
    const key = keyOf(address, chosen);
    if (handlers.has(key)) throw Object.assign(new Error(`${address}:${chosen} is in use`), { code: 'EADDRINUSE' });
    let handler: (bytes: Buffer, from: Address) => void = () => undefined;
    handlers.set(key, (bytes, from) => handler(bytes, from));
    let closed = false;
    return {
      address,
      port: chosen,
      send(bytes, toPort, toAddress) {
        if (!closed) deliver(bytes, { address, port: chosen }, { address: toAddress, port: toPort });
      },
      onMessage(next) {
        handler = next;
      },
      async close() {
        closed = true;
        if (handlers.get(key)) handlers.delete(key);
      },
    };
  };

  const startStack: StartSipStack = async (options: SipStackOptions): Promise<SipStack> =>
    fakeStack(bind(options.bind, options.port || 5060), options, sent);

  const rtpPool = (address = '127.0.0.1'): RtpPortPool => {
    const open = new Set<RtpSocket>();
    let closed = false;
    return {
      async open() {
        if (closed) throw new Error('the RTP pool is closed');
        const socket = bind(address);
        const counters: RtpSocketCounters = { received: 0, sent: 0, oversized: 0, unhandled: 0, sendErrors: 0 };
        let handler: ((bytes: Buffer, from: Address) => void) | undefined;
        socket.onMessage((bytes, from) => {
          counters.received++;
          if (!handler) counters.unhandled++;
          else handler(bytes, from);
        });
        let closing: Promise<void> | undefined;
        const rtp: RtpSocket = {
          port: socket.port,
          address,
          counters,
          onPacket(next) {
            handler = next;
          },
          send(bytes, to) {
            if (closing) return;
            counters.sent++;
            socket.send(bytes, to.port, to.address);
          },
          close() {
            closing ??= socket.close().then(() => {
              open.delete(rtp);
            });
            return closing;
          },
        };
        open.add(rtp);
        return rtp;
      },
      get inUse() {
        return open.size;
      },
      async close() {
        closed = true;
        await Promise.all([...open].map((socket) => socket.close()));
      },
    };
  };

  return {
    bind,
    startStack,
    rtpPool,
    sent,
    settle: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve))),
  };
}

interface ServerEntry {
  remote: Endpoint;
  final?: SipResponse;
}

interface ClientEntry {
  request: SipRequest;
  target: Endpoint;
  onResponse: ((response: SipResponse) => void) | undefined;
  final?: SipResponse;
}

function fakeStack(socket: DatagramSocket, options: SipStackOptions, sent: SentMessage[]): SipStack {
  const servers = new Map<string, ServerEntry>();
  const clients = new Map<string, ClientEntry>();
  const serverKey = (message: SipMessage, method = message.headers.cseq.method): string =>
    `${message.headers.via[0]?.params['branch'] ?? ''}|${method}|${message.headers['call-id']}`;
  const counters: SipTransport['counters'] = {
    received: 0,
    sent: 0,
    keepAlives: 0,
    dropped: Object.fromEntries(DROP_KINDS.map((kind) => [kind, 0])) as Record<DropKind, number>,
  };

  const write = (message: SipMessage, to: Endpoint): void => {
    if (isRequest(message)) {
      const via = message.headers.via[0]!;
      via.version = '2.0';
      via.protocol = 'UDP';
      via.host = socket.address;
      via.port = socket.port;
      if (!('rport' in via.params)) via.params['rport'] = null;
    }
    const bytes = toWire(message);
    counters.sent++;
    const parsed = fromWire(bytes);
    if (parsed) sent.push({ message: parsed, to: { ...to } });
    socket.send(bytes, to.port, to.address);
  };

  const safely = (request: SipRequest, remote: Endpoint, onError?: () => void): void => {
    try {
      options.onRequest(request, remote, false);
    } catch (error) {
      options.log.error(
        { callId: request.headers['call-id'], method: request.method, source: remote.address, err: error },
        'request failed',
      );
      onError?.();
    }
  };

  const ackFor = (request: SipRequest, response: SipResponse): SipRequest => ({
    method: 'ACK',
    uri: request.uri,
    version: '2.0',
    headers: {
      via: [request.headers.via[0]!],
      to: response.headers.to,
      from: request.headers.from,
      'call-id': request.headers['call-id'],
      cseq: { seq: request.headers.cseq.seq, method: 'ACK' },
      'max-forwards': '70',
      ...(request.headers.route ? { route: request.headers.route } : {}),
    },
  });

  const onResponse = (response: SipResponse, remote: Endpoint): void => {
    const branch = response.headers.via[0]?.params['branch'] ?? '';
    const client = clients.get(`${branch}|${response.headers.cseq.method}`);
    if (!client) return options.onStrayResponse?.(response, remote);
    if (client.final) {
      // A retransmitted final: absorbed (a non-2xx to an INVITE is ACKed again).
      if (response.status >= 300 && client.request.method === 'INVITE')
        write(ackFor(client.request, response), client.target);
      return;
    }
    if (response.status >= 200) {
      client.final = response;
      if (client.request.method === 'INVITE') {
        if (response.status >= 300) write(ackFor(client.request, response), client.target);
        // RFC 3261 §17.1.1.2: a 2xx ends the INVITE transaction; its retransmissions are for the dialog.
        else clients.delete(`${branch}|INVITE`);
      }
    }
    client.onResponse?.(response);
  };

  const onRequest = (request: SipRequest, remote: Endpoint): void => {
    // RFC 3581 §4 / RFC 3261 §18.2.1: note where the request really came from.
    const via = request.headers.via[0]!;
    via.params['received'] = remote.address;
    if ('rport' in via.params) via.params['rport'] = String(remote.port);
    if (request.method === 'ACK') {
      const invite = servers.get(serverKey(request, 'INVITE'));
      if (invite?.final && invite.final.status >= 300) return;
      return safely(request, remote);
    }
    const key = serverKey(request);
    const held = servers.get(key);
    if (held) {
      if (held.final) write(held.final, held.remote);
      return;
    }
    servers.set(key, { remote });
    safely(request, remote, () => stack.respond(buildResponse(request, 500, 'Server Internal Error')));
  };

  socket.onMessage((bytes, from) => {
    const remote: Endpoint = { protocol: 'UDP', address: from.address, port: from.port };
    const message = fromWire(bytes);
    if (!message?.headers?.via?.length || !message.headers.cseq) {
      counters.dropped.unparseable++;
      options.onDrop?.('unparseable', remote);
      return;
    }
    counters.received++;
    if (isRequest(message)) onRequest(message, remote);
    else onResponse(message, remote);
  });

  const transport: SipTransport = {
    port: socket.port,
    tlsPort: undefined,
    host: socket.address,
    counters,
    multicast: [],
    open(target: Target): Connection {
      return {
        protocol: 'UDP',
        send: (message) => write(message, { protocol: 'UDP', address: target.address, port: target.port }),
        release: () => undefined,
      };
    },
    encode: (message) => toWire(message),
    sendBytes(target, bytes) {
      counters.sent++;
      socket.send(bytes, target.port, target.address);
    },
    close: () => socket.close(),
  };

  const stack: SipStack = {
    transport,
    counters: { liveTransactions: 0, shed: 0, stateless: 0 },
    respond(response) {
      const entry = servers.get(serverKey(response));
      if (!entry || entry.final) return;
      if (response.status >= 200) entry.final = response;
      write(response, entry.remote);
    },
    send(request, target, onResponseOf) {
      if (request.method !== 'CANCEL')
        request.headers.via = [
          { version: '2.0', protocol: 'UDP', host: '', params: {} },
          ...(request.headers.via ?? []),
        ];
      const branch =
        request.method === 'CANCEL' ? (request.headers.via[0]?.params['branch'] ?? '') : `z9hG4bK${hex(8)}`;
      request.headers.via[0]!.params['branch'] = branch;
      if (request.method !== 'ACK')
        clients.set(`${branch}|${request.method}`, { request, target, onResponse: onResponseOf });
      write(request, target);
    },
    ignore() {
      // The request stays in `servers`: its retransmissions are absorbed.
    },
    close: () => socket.close(),
  };
  return stack;
}

/**
 * A small HTTP/1.1 server on node:http (node:https when given a TLS context) for provisioning: requests come in as
 * plain values, replies go out as plain values. It enforces the limits that do
 * not need to know what is served:
 * - request-target longer than `maxUrlLength` → 414 (the handler never sees it);
 * - request line and headers larger than `maxHeaderSize` → 431 (node's parser);
 * - malformed requests → 400, a request not complete within `requestTimeoutMs` → 408;
 * - at most `maxConnections` sockets at once, and `maxConnectionsPerAddress` from one client address;
 * - a connection that sends no request within `requestTimeoutMs` is closed.
 * A request with a body is answered and its connection closed (nothing served here
 * takes a body). `close()` stops listening and ends keep-alive connections.
 */
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type ServerOptions,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TlsCredentials } from './sip-transport.js';

export interface HttpRequest {
  method: string;
  /** The request-target exactly as sent: path and query, still percent-encoded. */
  target: string;
  /** Header values by lowercase name; repeated headers joined with ", ". */
  headers: Readonly<Record<string, string | undefined>>;
  /** The client's address (IPv4-mapped IPv6 addresses as plain IPv4). */
  remoteAddress: string;
  /** Came over HTTPS. */
  secure: boolean;
}

export interface HttpReply {
  status: number;
  headers?: Readonly<Record<string, string | readonly string[]>>;
  body?: string;
  /** Called once the whole reply has been handed to the operating system. */
  onSent?: () => void;
}

export type HttpHandler = (request: HttpRequest) => HttpReply | Promise<HttpReply>;

export interface HttpServerOptions {
  bind: string;
  /** 0 picks a free port. */
  port: number;
  handle: HttpHandler;
  /**
   * Serve HTTPS with this certificate and key; a failed handshake reaches `clientError` (counted as malformed,
   * dropped).
   */
  tls?: TlsCredentials;
  /** Longest request-target served (default 1024). */
  maxUrlLength?: number;
  /** Largest request line + headers, bytes (default 8192). */
  maxHeaderSize?: number;
  /** Time for a whole request to arrive, ms (default 10 s). */
  requestTimeoutMs?: number;
  /** Idle time before a keep-alive connection is closed, ms (default 5 s). */
  keepAliveTimeoutMs?: number;
  /** Most sockets at once (default 1024). */
  maxConnections?: number;
  /** Most sockets at once from one client address (default 64): one client cannot take every slot. */
  maxConnectionsPerAddress?: number;
  /** How long close() lets replies in progress finish, ms (default 1000). */
  closeGraceMs?: number;
  /** A handler that threw (answered 500); never given request bodies or replies. */
  onError?(error: unknown, request: HttpRequest): void;
}

export interface HttpServerCounters {
  requests: number;
  /** 414: request-target too long. */
  uriTooLong: number;
  /** Requests node's parser refused (400, 431) or that timed out (408). */
  malformed: number;
  /** Handler failures answered 500. */
  failures: number;
  /** Connections refused: too many from one address. */
  refused: number;
}

export interface HttpServer {
  readonly host: string;
  readonly port: number;
  readonly counters: HttpServerCounters;
  close(): Promise<void>;
}

const REASON: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

function plainAddress(address: string | undefined): string {
  if (!address) return '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address;
}

function headersOf(message: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

const hasBody = (message: IncomingMessage): boolean =>
  message.headers['transfer-encoding'] !== undefined || Number(message.headers['content-length'] ?? 0) > 0;

function send(response: ServerResponse, reply: HttpReply, close: boolean): void {
  const body = reply.body ?? '';
  for (const [name, value] of Object.entries(reply.headers ?? {})) response.setHeader(name, value as string | string[]);
  response.setHeader('Content-Length', Buffer.byteLength(body));
  if (close) response.setHeader('Connection', 'close');
  if (reply.onSent) response.once('finish', reply.onSent);
  response.writeHead(reply.status);
  response.end(body);
}

export function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const maxUrlLength = options.maxUrlLength ?? 1024;
  const requestTimeout = options.requestTimeoutMs ?? 10_000;
  const counters: HttpServerCounters = { requests: 0, uriTooLong: 0, malformed: 0, failures: 0, refused: 0 };

  const serverOptions: ServerOptions = {
    maxHeaderSize: options.maxHeaderSize ?? 8192,
    requestTimeout,
    headersTimeout: Math.min(requestTimeout, 5_000),
    // Timeouts are only checked this often (node's default is 30 s).
    connectionsCheckingInterval: Math.min(1_000, requestTimeout),
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 5_000,
    noDelay: true,
  };
  const listener: RequestListener = (message, response) => {
    counters.requests++;
    const close = hasBody(message);
    const target = message.url ?? '';
    if (target.length > maxUrlLength) {
      counters.uriTooLong++;
      send(
        response,
        { status: 414, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'request-target too long\n' },
        true,
      );
      return;
    }
    const request: HttpRequest = {
      method: message.method ?? '',
      target,
      headers: headersOf(message),
      remoteAddress: plainAddress(message.socket.remoteAddress),
      secure: options.tls !== undefined,
    };
    Promise.resolve()
      .then(() => options.handle(request))
      .then(
        (reply) => send(response, reply, close),
        (error: unknown) => {
          counters.failures++;
          options.onError?.(error, request);
          if (!response.headersSent)
            send(
              response,
              { status: 500, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'internal error\n' },
              true,
            );
          else response.destroy();
        },
      );
  };
  const server = options.tls
    ? createHttpsServer(
        {
          ...serverOptions,
          cert: options.tls.cert,
          key: options.tls.key,
          handshakeTimeout: Math.min(requestTimeout, 5_000),
        },
        listener,
      )
    : createServer(serverOptions, listener);
  server.maxConnections = options.maxConnections ?? 1024;
  const maxPerAddress = options.maxConnectionsPerAddress ?? 64;
  const perAddress = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = plainAddress(socket.remoteAddress);
    const open = perAddress.get(address) ?? 0;
    if (open >= maxPerAddress) {
      counters.refused++;
      socket.destroy();
      return;
    }
    perAddress.set(address, open + 1);
    // A connection that never sends a byte is closed like a slow one (node times only requests it has begun);
    // a timer of its own, as node's http layer manages the socket's own timeout.
    const silent = setTimeout(() => {
      if (socket.bytesRead === 0) socket.destroy();
    }, requestTimeout);
    socket.once('close', () => {
      clearTimeout(silent);
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left > 0) perAddress.set(address, left);
      else perAddress.delete(address);
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    counters.malformed++;
    // A connection that never sent a byte gets no answer: it is closed. (Answering it with 408 and
    // closing later could leave it open: node does not always finish that end() on such a socket.)
    if (error.code === 'ECONNRESET' || !socket.writable || socket.bytesRead === 0) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    socket.end(`HTTP/1.1 ${status} ${REASON[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.bind, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      let closing: Promise<void> | undefined;
      resolve({
        host: address.address,
        port: address.port,
        counters,
        close() {
          closing ??= new Promise<void>((done) => {
            const force = setTimeout(() => server.closeAllConnections(), options.closeGraceMs ?? 1_000);
            force.unref();
            server.close(() => {
              clearTimeout(force);
              done();
            });
            server.closeIdleConnections();
          });
          return closing;
        },
      });
    });
  });
}

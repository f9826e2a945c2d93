/**
 * A small SIP user agent for tests, on a real UDP socket on 127.0.0.1 (or a
 * socket of the in-memory network, fake-network.ts): it registers with digest
 * authentication (its own MD5 code, independent of the server's), places and
 * answers calls, and records everything it receives.
 */
import { createHash, randomBytes } from 'node:crypto';
import sip from 'sip';
import type { AuthParams, SipMessage, SipRequest, SipResponse } from '../../src/sip/message.js';
import type { Address, DatagramSocket } from './fake-network.js';
import { openUdpSocket } from './udp-socket.js';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const unquote = (value: string | undefined) => (value ?? '').replace(/^"|"$/g, '');

export interface PhoneOptions {
  user: string;
  password: string;
  server: { address: string; port: number };
  domain?: string;
  /** The loopback address it binds (default 127.0.0.1; Linux answers on all of 127.0.0.0/8). */
  address?: string;
  /** Answer incoming INVITEs with this status (after 180); default 200; 0 rings until cancelled. */
  answer?: number;
  /** Default: a real UDP socket on `address`. */
  socket?: DatagramSocket;
}

export interface TestPhone {
  readonly port: number;
  readonly received: SipMessage[];
  readonly contact: string;
  /** Uses another account from now on, on the same socket (as a re-provisioned phone does). */
  switchAccount(user: string, password: string): void;
  /**
   * Answers incoming INVITEs with this SDP (an RTP peer's `offer()` fits as an answer to a G.711 offer); undefined:
   * no body.
   */
  answerWithSdp(sdp: string | undefined): void;
  register(expires?: number, extra?: string[]): Promise<SipResponse>;
  /** Sends a request and resolves with its final response (answering 401/407 once). */
  request(
    method: string,
    target: string,
    options?: {
      extra?: string[];
      body?: string;
      callId?: string;
      cseq?: number;
      toTag?: string;
      to?: string;
      route?: string[];
      auth?: boolean;
    },
  ): Promise<SipResponse>;
  /** Places a call; resolves with the final response; a 2xx is ACKed. */
  call(
    target: string,
    extra?: string[],
    body?: string,
  ): Promise<{ response: SipResponse; callId: string; hangUp(): Promise<SipResponse> }>;
  sendRaw(text: string | Buffer): void;
  waitFor(predicate: (message: SipMessage) => boolean, timeoutMs?: number): Promise<SipMessage>;
  close(): Promise<void>;
}

const isReq = (message: SipMessage): message is SipRequest => 'method' in message;

export async function startTestPhone(options: PhoneOptions): Promise<TestPhone> {
  const address = options.socket?.address ?? options.address ?? '127.0.0.1';
  const socket = options.socket ?? (await openUdpSocket(address));
  const port = socket.port;
  const domain = options.domain ?? `${options.server.address}:${options.server.port}`;
  // A provisioned phone changes account on the same socket (hot desking); its contact follows.
  const account = { user: options.user, password: options.password };
  let contact = `sip:${account.user}@${address}:${port}`;
  const received: SipMessage[] = [];
  const waiters: { predicate: (message: SipMessage) => boolean; resolve: (message: SipMessage) => void }[] = [];
  let cseq = 1;
  const tag = randomBytes(4).toString('hex');
  let answerSdp: string | undefined;

  const send = (message: SipMessage, to = options.server) => {
    const bytes = Buffer.from(sip.stringify(message), 'latin1');
    socket.send(bytes, to.port, to.address);
  };

  socket.onMessage((data, info) => {
    const message = sip.parse(data);
    if (!message) return;
    received.push(message);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
    if (isReq(message) && message.method !== 'ACK') answerRequest(message, info);
  });

  const ringing = new Map<string, SipRequest>();
  const answerRequest = (request: SipRequest, info: Address) => {
    const reply = (
      status: number,
      reason: string,
      extra: Record<string, unknown> = {},
      to: SipRequest = request,
      content?: string,
    ) => {
      const request = to;
      const response: SipResponse = {
        ...(content !== undefined ? { content } : {}),
        status,
        reason,
        version: '2.0',
        headers: {
          via: request.headers.via,
          to: {
            ...request.headers.to,
            params: { ...request.headers.to.params, tag: request.headers.to.params['tag'] ?? `callee${tag}` },
          },
          from: request.headers.from,
          'call-id': request.headers['call-id'],
          cseq: request.headers.cseq,
          ...extra,
        },
      };
      send(response, { address: info.address, port: info.port });
    };
    if (request.method === 'INVITE') {
      reply(180, 'Ringing');
      const status = options.answer ?? 200;
      if (status === 0) {
        ringing.set(request.headers['call-id'], request);
        return;
      }
      setTimeout(() => {
        if (status === 200) {
          reply(
            200,
            'OK',
            {
              contact: [{ uri: contact, params: {} }],
              ...(request.headers['record-route'] ? { 'record-route': request.headers['record-route'] } : {}),
              'content-type': 'application/sdp',
            },
            request,
            answerSdp,
          );
        } else reply(status, status === 486 ? 'Busy Here' : 'Refused');
      }, 20);
      return;
    }
    if (request.method === 'CANCEL') {
      reply(200, 'OK');
      // RFC 3261 §9.2: the cancelled INVITE ends with 487.
      const invite = ringing.get(request.headers['call-id']);
      if (invite) {
        ringing.delete(request.headers['call-id']);
        reply(487, 'Request Terminated', {}, invite);
      }
      return;
    }
    reply(200, 'OK');
  };

  const waitFor = (predicate: (message: SipMessage) => boolean, timeoutMs = 5000): Promise<SipMessage> =>
    new Promise((resolve, reject) => {
      const found = received.find(predicate);
      if (found) return resolve(found);
      const timer = setTimeout(() => reject(new Error(`${account.user}: timed out waiting`)), timeoutMs);
      waiters.push({
        predicate,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
      });
    });

  const authorize = (challenge: AuthParams, method: string, uri: string): AuthParams => {
    const realm = unquote(challenge['realm']);
    const nonce = unquote(challenge['nonce']);
    const cnonce = randomBytes(4).toString('hex');
    const nc = '00000001';
    const ha1 = md5(`${account.user}:${realm}:${account.password}`);
    const ha2 = md5(`${method}:${uri}`);
    const response = md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
    return {
      scheme: 'Digest',
      username: `"${account.user}"`,
      realm: `"${realm}"`,
      nonce: `"${nonce}"`,
      uri: `"${uri}"`,
      response: `"${response}"`,
      algorithm: 'MD5',
      qop: 'auth',
      nc,
      cnonce: `"${cnonce}"`,
    };
  };

  const finalFor = (callId: string, seq: number, method: string) =>
    waitFor(
      (message) =>
        !isReq(message) &&
        message.status >= 200 &&
        message.headers['call-id'] === callId &&
        message.headers.cseq.seq === seq &&
        message.headers.cseq.method === method,
    ) as Promise<SipResponse>;

  const request: TestPhone['request'] = async (method, target, extra = {}) => {
    const callId = extra.callId ?? `${randomBytes(6).toString('hex')}@127.0.0.1`;
    const build = (seq: number, auth?: { header: string; value: AuthParams }): SipRequest => {
      const to = extra.to ?? (method === 'REGISTER' ? `sip:${account.user}@${domain}` : target);
      const lines = [
        `${method} ${target} SIP/2.0`,
        `Via: SIP/2.0/UDP ${address}:${port};branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
        `From: <sip:${account.user}@${domain}>;tag=${tag}`,
        `To: <${to}>${extra.toTag ? `;tag=${extra.toTag}` : ''}`,
        `Call-ID: ${callId}`,
        `CSeq: ${seq} ${method}`,
        'Max-Forwards: 70',
        `Contact: <${contact}>`,
        ...(extra.route ?? []).map((route) => `Route: ${route}`),
        ...(extra.extra ?? []),
      ];
      const body = extra.body ?? '';
      const parsed = sip.parse(
        Buffer.from(`${lines.join('\r\n')}\r\nContent-Length: ${body.length}\r\n\r\n${body}`, 'latin1'),
      ) as SipRequest;
      if (auth) parsed.headers[auth.header] = [auth.value];
      return parsed;
    };
    let seq = extra.cseq ?? cseq++;
    send(build(seq));
    let response = await finalFor(callId, seq, method);
    if ((response.status === 401 || response.status === 407) && extra.auth !== false) {
      const header = response.status === 401 ? 'www-authenticate' : 'proxy-authenticate';
      const challenges = (response.headers[header] as AuthParams[] | undefined) ?? [];
      const md5Challenge =
        challenges.find((challenge) => /md5/i.test(challenge['algorithm'] ?? 'MD5')) ?? challenges[0];
      if (md5Challenge) {
        if (method === 'INVITE') send(ackFor(response, target));
        seq = cseq++;
        send(
          build(seq, {
            header: response.status === 401 ? 'authorization' : 'proxy-authorization',
            value: authorize(md5Challenge, method, target),
          }),
        );
        response = await finalFor(callId, seq, method);
      }
    }
    return response;
  };

  const ackFor = (response: SipResponse, target: string, route?: string[]): SipRequest => {
    // RFC 3261 §17.1.1.3: the ACK of a non-2xx final response is in the INVITE's transaction (its branch).
    const branch =
      response.status >= 300 ? response.headers.via[0]!.params['branch'] : `z9hG4bK${randomBytes(6).toString('hex')}`;
    const lines = [
      `ACK ${target} SIP/2.0`,
      `Via: SIP/2.0/UDP ${address}:${port};branch=${branch};rport`,
      `From: <sip:${account.user}@${domain}>;tag=${tag}`,
      `To: <${sip.stringifyUri(response.headers.to.uri)}>;tag=${response.headers.to.params['tag']}`,
      `Call-ID: ${response.headers['call-id']}`,
      `CSeq: ${response.headers.cseq.seq} ACK`,
      'Max-Forwards: 70',
      ...(route ?? []).map((entry) => `Route: ${entry}`),
      'Content-Length: 0',
    ];
    return sip.parse(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1')) as SipRequest;
  };

  return {
    port,
    received,
    get contact() {
      return contact;
    },
    answerWithSdp(sdp) {
      answerSdp = sdp;
    },
    switchAccount(user, password) {
      account.user = user;
      account.password = password;
      contact = `sip:${user}@${address}:${port}`;
    },
    register: (expires = 300, extra = []) =>
      request('REGISTER', `sip:${domain}`, {
        extra: [`Expires: ${expires}`, ...extra],
        callId: `reg-${account.user}-${port}@127.0.0.1`,
      }),
    request,
    async call(target, extra = [], body = 'v=0\r\n') {
      const callId = `${randomBytes(6).toString('hex')}@127.0.0.1`;
      const response = await request('INVITE', target, {
        extra: [...(body.includes('m=') ? ['Content-Type: application/sdp'] : []), ...extra],
        callId,
        body,
      });
      if (response.status >= 200 && response.status < 300) {
        const routes = ((response.headers['record-route'] ?? []) as { uri: unknown }[])
          .map((entry) => `<${sip.stringifyUri(entry.uri as string)}>`)
          .reverse();
        const remote = (response.headers.contact as { uri: string }[] | undefined)?.[0]?.uri ?? target;
        send(ackFor(response, remote, routes));
        return {
          response,
          callId,
          hangUp: () =>
            request('BYE', remote, {
              callId,
              toTag: response.headers.to.params['tag'] ?? undefined,
              route: routes,
              auth: false,
            }),
        };
      }
      return { response, callId, hangUp: async () => response };
    },
    sendRaw(text) {
      socket.send(
        typeof text === 'string' ? Buffer.from(text, 'latin1') : text,
        options.server.port,
        options.server.address,
      );
    },
    waitFor,
    close: () => socket.close(),
  };
}

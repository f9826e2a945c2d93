/**
 * A phone on one TLS connection for tests: hand-written SIP text out, the `sip`
 * package's stream parser in, and its own MD5 digest (independent of hotdeskd's).
 */
import tls from 'node:tls';
import { createHash, randomBytes } from 'node:crypto';
import sip from 'sip';
import type { SipMessage, SipResponse } from '../../src/sip/message.js';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const unquote = (value: unknown) => String(value ?? '').replace(/^"|"$/g, '');
export const isResponse = (message: SipMessage): message is SipResponse => 'status' in message;

/** A phone on one TLS connection: sends hand-written requests, keeps what it receives. */
export async function tlsPhone(port: number, ca: Buffer) {
  const socket = tls.connect({ host: '127.0.0.1', port, ca, rejectUnauthorized: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  socket.setEncoding('latin1');
  const received: SipMessage[] = [];
  const waiters: { test: (message: SipMessage) => boolean; resolve: (message: SipMessage) => void }[] = [];
  const parse = sip.makeStreamParser((message) => {
    received.push(message);
    for (const waiter of [...waiters]) {
      if (!waiter.test(message)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(message);
    }
  });
  socket.on('data', (chunk: string) => parse(chunk));
  const local = `127.0.0.1:${socket.localPort}`;
  return {
    socket,
    received,
    local,
    /** Sends SIP text written with bare line feeds. */
    send(text: string) {
      socket.write(text.replace(/\n/g, '\r\n'));
    },
    sendMessage(message: SipMessage) {
      socket.write(sip.stringify(message), 'latin1');
    },
    waitFor(test: (message: SipMessage) => boolean, timeoutMs = 5000): Promise<SipMessage> {
      const found = received.find(test);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timed out waiting for a SIP message over TLS')), timeoutMs);
        waiters.push({ test, resolve: (message) => (clearTimeout(timer), resolve(message)) });
      });
    },
  };
}

export function register(local: string, user: string, cseq: number, authorization = ''): string {
  return [
    'REGISTER sip:office.test SIP/2.0',
    `Via: SIP/2.0/TLS ${local};branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
    'Max-Forwards: 70',
    `From: <sip:${user}@office.test>;tag=tls${user}`,
    `To: <sip:${user}@office.test>`,
    `Call-ID: tls-register-${user}@127.0.0.1`,
    `CSeq: ${cseq} REGISTER`,
    `Contact: <sip:${user}@${local};transport=tls>`,
    'Expires: 600',
    ...(authorization ? [`Authorization: ${authorization}`] : []),
    'User-Agent: Yealink SIP-T54W 96.86.0.70 00:15:65:00:00:01',
    'Content-Length: 0',
    '',
    '',
  ].join('\n');
}

/** RFC 2617/7616 MD5 with qop=auth, computed here (independent of hotdeskd's digest code). */
export function answer(challenge: Record<string, unknown>, user: string, password: string): string {
  const realm = unquote(challenge['realm']);
  const nonce = unquote(challenge['nonce']);
  const cnonce = randomBytes(8).toString('hex');
  const uri = 'sip:office.test';
  const response = md5(
    `${md5(`${user}:${realm}:${password}`)}:${nonce}:00000001:${cnonce}:auth:${md5(`REGISTER:${uri}`)}`,
  );
  const opaque = challenge['opaque'] === undefined ? '' : `, opaque="${unquote(challenge['opaque'])}"`;
  return (
    `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", ` +
    `algorithm=MD5, qop=auth, nc=00000001, cnonce="${cnonce}"${opaque}`
  );
}

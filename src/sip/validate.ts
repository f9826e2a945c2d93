/**
 * Checks every request must pass before anything else looks at it. Returns the
 * error response to send, or `undefined`.
 */
import type { SipRequest, Via } from './message.js';
import { headerText } from './message.js';

export const ALLOWED_METHODS = [
  'INVITE',
  'ACK',
  'CANCEL',
  'BYE',
  'OPTIONS',
  'REGISTER',
  'SUBSCRIBE',
  'NOTIFY',
  'UPDATE',
  'INFO',
  'REFER',
  'PRACK',
  'MESSAGE',
] as const;

/** Option tags hotdesk itself supports in Require (RFC 3261 §8.2.2.3). */
export const SUPPORTED_OPTIONS: readonly string[] = [];

export interface RequestProblem {
  status: number;
  phrase: string;
  headers?: Record<string, string>;
}

export interface ValidateContext {
  /** Our own sent-by values (`host:port`), for loop detection. */
  ownSentBy: readonly string[];
  /** True when hotdesk answers the request itself rather than forwarding it. */
  local: boolean;
}

const MAX_HEADER_VALUE = 8192;
const UTF8 = new TextEncoder();

const sentBy = (via: Via) => `${via.host.toLowerCase()}:${via.port ?? 5060}`;

function listValues(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text
    .split(',')
    .map((value) => value.trim().toLowerCase())
    .filter(Boolean);
}

export function checkRequest(request: SipRequest, context: ValidateContext): RequestProblem | undefined {
  const { headers } = request;
  // RFC 3261 §7.1 / §21.5.7: hotdesk speaks SIP/2.0 only.
  if (request.version !== '2.0') return { status: 505, phrase: 'Version Not Supported' };
  // RFC 3261 §8.2.1 / §21.4.6: unknown methods get 405 with Allow.
  if (!(ALLOWED_METHODS as readonly string[]).includes(request.method)) {
    return { status: 405, phrase: 'Method Not Allowed', headers: { allow: ALLOWED_METHODS.join(', ') } };
  }
  if (headers.cseq.method !== request.method) return { status: 400, phrase: 'CSeq Method Mismatch' };
  if (!Number.isInteger(headers.cseq.seq) || headers.cseq.seq < 0 || headers.cseq.seq > 2 ** 31 - 1) {
    return { status: 400, phrase: 'Bad CSeq' };
  }
  for (const name in headers) {
    const value = headers[name];
    if (typeof value === 'string' && value.length > MAX_HEADER_VALUE)
      return { status: 400, phrase: `Header Too Long: ${name}` };
  }
  const maxForwardsText = headerText(headers, 'max-forwards');
  if (maxForwardsText !== undefined) {
    if (!/^\s*\d{1,3}\s*$/.test(maxForwardsText)) return { status: 400, phrase: 'Bad Max-Forwards' };
    // RFC 3261 §16.3 step 2: a request that would be forwarded with Max-Forwards 0 gets 483.
    if (Number(maxForwardsText) === 0 && !context.local) return { status: 483, phrase: 'Too Many Hops' };
  }
  // RFC 3261 §16.3 step 4: a request already carrying our Via below the top is looping.
  for (let index = 1; index < headers.via.length; index++) {
    const hop = sentBy(headers.via[index]!);
    if (context.ownSentBy.some((own) => own.toLowerCase() === hop)) return { status: 482, phrase: 'Loop Detected' };
  }
  // RFC 3261 §8.2.2.3: option tags we do not support in Require → 420 with Unsupported.
  if (context.local && request.method !== 'ACK' && request.method !== 'CANCEL') {
    const unsupported = listValues(headerText(headers, 'require')).filter((tag) => !SUPPORTED_OPTIONS.includes(tag));
    if (unsupported.length > 0)
      return { status: 420, phrase: 'Bad Extension', headers: { unsupported: unsupported.join(', ') } };
  }
  // RFC 3261 §16.3 step 3: proxies must honour Proxy-Require too.
  const proxyRequire = listValues(headerText(headers, 'proxy-require'));
  if (proxyRequire.length > 0)
    return { status: 420, phrase: 'Bad Extension', headers: { unsupported: proxyRequire.join(', ') } };
  const length = headers['content-length'];
  if (length !== undefined && (!Number.isInteger(length) || length < 0))
    return { status: 400, phrase: 'Bad Content-Length' };
  // RFC 3261 §18.3: a body shorter than Content-Length (truncated datagram) is refused.
  if (length !== undefined && length > 0 && length > UTF8.encode(request.content ?? '').length) {
    return { status: 400, phrase: 'Content-Length Mismatch' };
  }
  return undefined;
}

/**
 * Every request hotdeskd sends as a client (a NOTIFY to a phone, a request to
 * the trunk, a warning or announcement INVITE) goes through here: a 401 or
 * 407 is answered once with the account's credentials (RFC 3261 §22.2,
 * digest by sip/digest-client.ts), the retry being a new request with the
 * next CSeq; the second challenge, like any other answer, goes to the caller.
 */
import type { AuthParams, Endpoint, SipRequest, SipResponse } from '../../sip/message.js';
import { answerChallenge, pickChallenge } from '../../sip/digest-client.js';
import { stringifyUri } from '../../adapters/sip-syntax.js';
import { nodeDigestCrypto, nonceRandom } from '../../adapters/node-crypto.js';
import type { SipStack } from '../../adapters/sip-stack.js';

export interface Credentials {
  username: string;
  password: string;
}

/** Answers a 401/407 to our request with credentials: the header to add and its value; `undefined` when it cannot. */
export type ChallengeAnswerer = (
  response: SipResponse,
  request: SipRequest,
  credentials: Credentials,
) => { header: 'authorization' | 'proxy-authorization'; value: AuthParams } | undefined;

/** The digest answer to a challenge (the strongest algorithm offered that we know), with a fresh cnonce. */
export const answerDigestChallenge: ChallengeAnswerer = (response, request, credentials) => {
  const header = response.status === 401 ? 'authorization' : 'proxy-authorization';
  const challenges =
    (response.status === 401 ? response.headers['www-authenticate'] : response.headers['proxy-authenticate']) ?? [];
  const challenge = pickChallenge(challenges);
  const value =
    challenge &&
    answerChallenge(nodeDigestCrypto, challenge, {
      ...credentials,
      method: request.method,
      uri: typeof request.uri === 'string' ? request.uri : stringifyUri(request.uri),
      cnonce: Buffer.from(nonceRandom(8)).toString('hex'),
    });
  return value ? { header, value } : undefined;
};

export interface DigestRetryOptions {
  credentials?: Credentials | undefined;
  /** The request to send again with the answer; default: a copy of the first with the next CSeq. */
  rebuild?: () => SipRequest;
  /** Each request as it leaves (its Via on top once sent: what a CANCEL copies). */
  onSent?: (request: SipRequest) => void;
  /** Default: {@link answerDigestChallenge}. */
  answer?: ChallengeAnswerer;
  /** Whether to go on (a call ended meanwhile is not retried). */
  wanted?: () => boolean;
}

const isChallenge = (response: SipResponse): boolean => response.status === 401 || response.status === 407;

function nextRequest(first: SipRequest): SipRequest {
  return {
    ...first,
    headers: { ...first.headers, via: [], cseq: { ...first.headers.cseq, seq: first.headers.cseq.seq + 1 } },
  };
}

/** Sends `request` to `target`; every response but the one challenge answered reaches `onResponse`. */
export function sendWithDigestRetry(
  stack: SipStack,
  request: SipRequest,
  target: Endpoint,
  onResponse: (response: SipResponse, sent: SipRequest) => void,
  options: DigestRetryOptions = {},
): void {
  const answer = options.answer ?? answerDigestChallenge;
  const send = (sent: SipRequest, retried: boolean): void => {
    options.onSent?.(sent);
    stack.send(sent, target, (response) => {
      const credentials = options.credentials;
      const authorization =
        isChallenge(response) && !retried && credentials && (options.wanted?.() ?? true)
          ? answer(response, sent, credentials)
          : undefined;
      if (!authorization) return onResponse(response, sent);
      const retry = options.rebuild ? options.rebuild() : nextRequest(request);
      retry.headers[authorization.header] = [authorization.value];
      send(retry, true);
    });
  };
  send(request, false);
}

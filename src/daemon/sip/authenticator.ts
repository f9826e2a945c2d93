/**
 * Digest authentication for the registrar (401) and the proxy (407), with
 * self-validating nonces, nc replay refusal and a per-source failure throttle.
 * The rules are the pure modules' (sip/digest, sip/nonce, sip/auth-throttle);
 * this keeps their state between requests.
 */
import type { Endpoint, SipRequest, SipResponse } from '../../sip/message.js';
import { buildResponse } from '../../sip/message.js';
import type { DigestCrypto } from '../../sip/digest-crypto.js';
import { buildChallenges, checkCredentials, parseCredentials, type DigestAlgorithm, type DigestCredentials } from '../../sip/digest.js';
import { makeNonce } from '../../sip/nonce.js';
import { emptyNonceCounts, pruneNonceCounts, type NonceCounts } from '../../sip/nonce-counts.js';
import { checkThrottle, emptyThrottle, pruneThrottle, recordFailure, recordSuccess, type ThrottleTable } from '../../sip/auth-throttle.js';
import type { StoreData } from '../../store/schema.js';
import sip from 'sip';

export type AuthVerdict = { kind: 'ok'; account: string } | { kind: 'refused'; response: SipResponse; delayMs: number };

export interface Authenticator {
  authenticate(request: SipRequest, remote: Endpoint, mode: 'registrar' | 'proxy', nowMs: number): AuthVerdict;
  /** Sources blocked at `nowMs`, for status displays. */
  blocked(nowMs: number): string[];
}

export interface AuthenticatorOptions {
  realm: () => string;
  store: () => StoreData;
  crypto: DigestCrypto;
  /** Random bytes from a cryptographic generator. */
  random: (bytes: number) => Uint8Array;
  /** Secret for nonce MACs; random per process unless given. */
  secret: string;
  nonceLifetimeMs?: number;
  /** Algorithms offered and accepted (default SHA-256 and MD5). */
  algorithms?: readonly DigestAlgorithm[];
  onBlocked?(source: string): void;
}

const NONCE_LIFETIME_MS = 5 * 60_000;
const PRUNE_EVERY_MS = 10_000;

/** The SIP password of an account: an extension's, or a hot-desk phone's own idle account. */
export function passwordOf(data: StoreData, account: string): string | undefined {
  return (
    data.extensions.find((ext) => ext.number === account)?.sipPassword ??
    data.phones.find((phone) => phone.name === account)?.idlePassword
  );
}

const tag = () => Math.random().toString(36).slice(2, 12);

export function createDigestAuthenticator(options: AuthenticatorOptions): Authenticator {
  const lifetime = options.nonceLifetimeMs ?? NONCE_LIFETIME_MS;
  let counts: NonceCounts = emptyNonceCounts();
  let throttle: ThrottleTable = emptyThrottle();
  let lastPrune = 0;
  const seenBlocked = new Set<string>();

  const challenge = (request: SipRequest, mode: 'registrar' | 'proxy', nowMs: number, stale: boolean, delayMs: number): AuthVerdict => {
    const nonce = makeNonce(options.crypto, options.secret, nowMs, options.random(16));
    const challenges = buildChallenges({ realm: options.realm(), nonce, stale, ...(options.algorithms ? { algorithms: options.algorithms } : {}) });
    const response =
      mode === 'registrar'
        ? buildResponse(request, 401, 'Unauthorized', { headers: { 'www-authenticate': challenges }, toTag: tag() })
        : buildResponse(request, 407, 'Proxy Authentication Required', { headers: { 'proxy-authenticate': challenges }, toTag: tag() });
    return { kind: 'refused', response, delayMs };
  };

  return {
    authenticate(request, remote, mode, nowMs) {
      if (nowMs - lastPrune > PRUNE_EVERY_MS) {
        counts = pruneNonceCounts(counts, nowMs, lifetime);
        throttle = pruneThrottle(throttle, nowMs);
        lastPrune = nowMs;
      }
      const source = remote.address;
      const before = checkThrottle(throttle, source, nowMs);
      if (before.kind === 'block') {
        return { kind: 'refused', response: buildResponse(request, 403, 'Forbidden', { toTag: tag() }), delayMs: 0 };
      }
      const delayMs = before.kind === 'delay' ? before.ms : 0;
      const header = mode === 'registrar' ? request.headers.authorization : request.headers['proxy-authorization'];
      const realm = options.realm();
      const credentials = (header ?? [])
        .map((params) => parseCredentials(params))
        .find((parsed): parsed is DigestCredentials => parsed !== undefined && parsed.realm === realm);
      if (!credentials) return challenge(request, mode, nowMs, false, delayMs);

      const verdict = checkCredentials(options.crypto, {
        credentials,
        method: request.method,
        requestUri: typeof request.uri === 'string' ? request.uri : sip.stringifyUri(request.uri),
        realm,
        password: passwordOf(options.store(), credentials.username),
        secret: options.secret,
        nowMs,
        nonceLifetimeMs: lifetime,
        counts,
        ...(options.algorithms ? { algorithms: options.algorithms } : {}),
      });
      switch (verdict.kind) {
        case 'ok':
          counts = verdict.counts;
          throttle = recordSuccess(throttle, source);
          seenBlocked.delete(source);
          return { kind: 'ok', account: credentials.username };
        case 'stale':
          return challenge(request, mode, nowMs, true, delayMs);
        case 'replay':
          return challenge(request, mode, nowMs, false, delayMs);
        case 'wrong': {
          // A nonce from before a restart (or forged) says nothing about the password: challenge again, no penalty.
          if (verdict.reason === 'nonce') return challenge(request, mode, nowMs, false, delayMs);
          throttle = recordFailure(throttle, source, nowMs);
          const after = checkThrottle(throttle, source, nowMs);
          if (after.kind === 'block') {
            if (!seenBlocked.has(source)) {
              seenBlocked.add(source);
              options.onBlocked?.(source);
            }
            return { kind: 'refused', response: buildResponse(request, 403, 'Forbidden', { toTag: tag() }), delayMs: 0 };
          }
          return challenge(request, mode, nowMs, false, after.kind === 'delay' ? after.ms : 0);
        }
      }
    },
    blocked(nowMs) {
      return [...seenBlocked].filter((source) => checkThrottle(throttle, source, nowMs).kind === 'block');
    },
  };
}

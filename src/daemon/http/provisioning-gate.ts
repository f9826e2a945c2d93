/**
 * The checks before a provisioning request is looked at: rate limit per client address (429 +
 * Retry-After), method and path (405 + Allow: GET; 400 for odd encodings and traversal; 404
 * outside the tree), digest credentials when the office has set them (401 challenge; 403 after
 * many wrong guesses).
 */
import type { Logger } from '../../adapters/log.js';
import type { HttpReply, HttpRequest } from '../../adapters/http-server.js';
import { parseProvisioningTarget } from '../../provisioning/parse-provisioning-target.js';
import type { RateLimiter } from '../../provisioning/rate-limiter.js';
import type { HttpDigest } from './http-digest.js';
import { countRefusal, type ProvisioningCounters } from './provisioning-counters.js';
import { plain } from './provisioning-reply.js';

export interface ProvisioningGate {
  limiter: RateLimiter;
  digest: HttpDigest;
  counters: ProvisioningCounters;
  log: Logger;
}

/** The token and file a request asked for, once it passed the gate. */
export interface GateTarget {
  token: string;
  file: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** The refusal to answer, or the target the request may go on to. */
export async function passGate(
  gate: ProvisioningGate,
  request: HttpRequest,
  nowMs: number,
): Promise<{ reply: HttpReply } | { target: GateTarget }> {
  const { counters, log } = gate;
  const client = request.remoteAddress;
  const taken = gate.limiter.take(client, nowMs);
  if (!taken.allowed) {
    countRefusal(counters, 'rate-limited');
    log.debug({ client }, 'provisioning request over the rate limit');
    return { reply: plain(429, { 'Retry-After': String(taken.retryAfterSeconds) }) };
  }
  const target = parseProvisioningTarget(request.method, request.target);
  if (!target.ok) {
    countRefusal(counters, target.why);
    log.debug({ client, why: target.why, method: request.method.slice(0, 16) }, 'provisioning request refused');
    return { reply: plain(target.status, target.status === 405 ? { Allow: 'GET' } : {}) };
  }
  const auth = gate.digest.check({
    method: request.method,
    target: request.target,
    authorization: request.headers['authorization'],
    source: client,
    nowMs,
  });
  if (auth.kind === 'blocked') {
    countRefusal(counters, 'blocked');
    return { reply: plain(403) };
  }
  if (auth.kind === 'challenge') {
    countRefusal(counters, 'unauthorized');
    if (auth.why !== 'no-credentials' && auth.why !== 'stale')
      log.info({ client, file: target.file, why: auth.why }, 'provisioning credentials refused');
    if (auth.delayMs > 0) await sleep(auth.delayMs);
    return { reply: plain(401, { 'WWW-Authenticate': auth.challenges }) };
  }
  return { target: { token: target.token, file: target.file } };
}

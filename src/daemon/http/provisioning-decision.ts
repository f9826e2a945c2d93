/**
 * Which file a request that passed the gate gets: token (or the previous one, while allowed),
 * file name, User-Agent, pool, and a registered phone's own address. Every refusal is a 404,
 * the same body whatever the cause; a bound phone's file asked for from an address holding no
 * registration is logged with the fail2ban line.
 */
import type { Logger } from '../../adapters/log.js';
import type { HttpReply, HttpRequest } from '../../adapters/http-server.js';
import type { ProvisioningModel } from '../../provisioning/config-files.js';
import { decideProvisioningRequest, type ProvisioningRefusal } from '../../provisioning/decide-provisioning-request.js';
import type { StoreData } from '../../store/schema.js';
import { logSecurityRefusal } from '../security-refusal-log.js';
import { countRefusal, type ProvisioningCounters } from './provisioning-counters.js';
import type { GateTarget } from './provisioning-gate.js';
import { plain } from './provisioning-reply.js';
import type { Serve } from './provisioning-view.js';

export interface ProvisioningDecider {
  catalogue: readonly ProvisioningModel[];
  counters: ProvisioningCounters;
  log: Logger;
  /** Whether this address holds a live SIP registration. */
  isRegistered?: ((address: string) => boolean) | undefined;
}

/** The file to serve, or the 404 to answer. */
export function decideFile(
  decider: ProvisioningDecider,
  data: StoreData,
  request: HttpRequest,
  target: GateTarget,
  nowMs: number,
): { serve: Serve } | { reply: HttpReply } {
  const client = request.remoteAddress;
  const decision = decideProvisioningRequest({
    token: target.token,
    file: target.file,
    userAgent: request.headers['user-agent'],
    expectedToken: data.settings.provisioningToken,
    phones: data.phones,
    catalogue: decider.catalogue,
    client,
    previousToken: data.settings.previousProvisioningToken,
    nowMs,
  });
  if (decision.kind === 'serve') return { serve: decision };
  countRefusal(decider.counters, decision.refusal.why);
  logRefusal(decider, client, target.file, decision.refusal);
  return { reply: plain(404) };
}

function logRefusal(decider: ProvisioningDecider, client: string, file: string, refusal: ProvisioningRefusal): void {
  const { log } = decider;
  // The file name, never the token (the first path segment). Files hotdeskd does not write
  // (Yealink .boot, Poly directories and logs…) are asked for at every boot: debug only.
  const quiet = refusal.why === 'unknown-file' || refusal.why === 'no-phone-of-vendor';
  if (refusal.why === 'bound-elsewhere' && !decider.isRegistered?.(client)) {
    // Someone with the token and a MAC, at an address that holds no registration: fail2ban's line.
    logSecurityRefusal(
      log,
      client,
      'provisioning-file-elsewhere',
      `provisioning file of ${refusal.phone} asked for from another address than the phone's: refused (404)`,
    );
  } else log[quiet ? 'debug' : 'info']({ client, file, ...refusal }, 'provisioning request refused (404)');
}

/**
 * Answers one provisioning request: the gate (rate limit, path, digest), the decision (token,
 * file, address), then the file rendered from the first template that renders. Bodies are never
 * logged (they carry SIP passwords), nor is the token. A phone's own file, once sent under the
 * current token, records the generation it carried.
 */
import type { Logger } from '../../adapters/log.js';
import type { HttpReply, HttpRequest } from '../../adapters/http-server.js';
import type { ProvisioningModel } from '../../provisioning/config-files.js';
import type { RateLimiter } from '../../provisioning/rate-limiter.js';
import type { StoreService } from '../store-service.js';
import type { WritePath } from '../write-path.js';
import type { HttpDigest } from './http-digest.js';
import { countRefusal, type ProvisioningCounters } from './provisioning-counters.js';
import { decideFile } from './provisioning-decision.js';
import { recordFetched } from './provisioning-fetched.js';
import { passGate } from './provisioning-gate.js';
import { plain, servedFile } from './provisioning-reply.js';
import { renderFirstTemplate } from './provisioning-templates.js';
import { buildView, type Serve, type ServedPorts, type ServedTls } from './provisioning-view.js';

export interface ProvisioningHandlerOptions {
  store: StoreService;
  apply: WritePath['apply'];
  catalogue: readonly ProvisioningModel[];
  log: Logger;
  templatesDir: string;
  overridesDir?: string | undefined;
  publicAddress?: string | undefined;
  isRegistered?: ((address: string) => boolean) | undefined;
  now: () => number;
  limiter: RateLimiter;
  digest: HttpDigest;
  counters: ProvisioningCounters;
  /** The ports (and TLS ports) phones are told, read at each request: known once the servers listen. */
  served: () => { ports: ServedPorts; tls: ServedTls | undefined };
}

export function createProvisioningHandler(
  options: ProvisioningHandlerOptions,
): (request: HttpRequest) => Promise<HttpReply> {
  const { counters, log } = options;
  const places = {
    templatesDir: options.templatesDir,
    ...(options.overridesDir ? { overridesDir: options.overridesDir } : {}),
    log,
    onTemplateError: () => counters.templateErrors++,
  };
  const recorder = { apply: options.apply, log, onRecorded: () => counters.recorded++ };

  return async (request) => {
    counters.requests++;
    const client = request.remoteAddress;
    const nowMs = options.now();
    const gate = await passGate(options, request, nowMs);
    if ('reply' in gate) return gate.reply;
    const { target } = gate;
    const data = options.store.data;
    const decided = decideFile(options, data, request, target, nowMs);
    if ('reply' in decided) return decided.reply;
    const decision = decided.serve;
    const { ports, tls } = options.served();
    const rendered = await renderFirstTemplate(
      places,
      decision,
      buildView(data, decision, options.publicAddress, tls, ports),
    );
    if (rendered === 'missing' || rendered === 'failed') {
      countRefusal(counters, 'no-template');
      // Missing is normal (no Grandstream or Fanvil common file is shipped); failed was logged per template.
      if (rendered === 'missing')
        log.debug({ client, file: target.file, templates: decision.templates }, 'no template for this file (404)');
      return rendered === 'missing' ? plain(404) : plain(500);
    }
    counters.served++;
    logServed(log, request, target.file, decision);
    const phone = decision.phone;
    const onSent =
      decision.ownFile && phone && !decision.previousToken
        ? () => recordFetched(recorder, phone.name, phone.desiredGeneration)
        : undefined;
    return servedFile(decision.contentType, rendered.text, onSent);
  };
}

function logServed(log: Logger, request: HttpRequest, file: string, decision: Serve): void {
  const client = request.remoteAddress;
  const phone = decision.phone;
  if (decision.unrecognisedUserAgent)
    log.info(
      { client, file, userAgent: String(request.headers['user-agent']).slice(0, 128) },
      'unrecognised User-Agent',
    );
  log.debug({ client, file, phone: phone?.name }, 'provisioning file served');
  // Under the previous token the file tells the phone the new URL; it has its configuration once it fetches there.
  if (decision.previousToken && decision.ownFile && phone)
    log.info(
      { phone: phone.name, client },
      'phone fetched its file with the previous provisioning URL: told the new one',
    );
}

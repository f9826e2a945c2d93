/**
 * Plug-and-play (#12 item 8): a factory-fresh phone's SUBSCRIBE to the
 * multicast group is answered with the provisioning URL in a NOTIFY, sent
 * through the dialog layer's one client path (digest-retry.ts).
 */
import type { Endpoint, SipRequest } from '../../sip/message.js';
import { buildResponse } from '../../sip/message.js';
import { buildPnpNotify, parsePnpSubscribe } from '../../sip/pnp.js';
import type { Phone } from '../../core/model.js';
import type { SipStack } from '../../adapters/sip-stack.js';
import type { Logger } from '../../adapters/log.js';
import { sipTag } from '../../adapters/secrets.js';
import { sendWithDigestRetry } from './digest-retry.js';

export interface PnpContext {
  stack: SipStack;
  log: Logger;
  phones(): readonly Pick<Phone, 'name' | 'mac'>[];
  ownUri(): string;
  /** Plug-and-play is on: the URL phones are sent to. */
  provisioningUrl: (() => string) | undefined;
}

/**
 * A factory-fresh phone asking where to fetch its configuration (#12 item 8): only a SUBSCRIBE
 * that arrived on the multicast group, from a phone in the pool, is answered. Anything else
 * gets nothing at all (the transport drops unicast ones before a transaction): no answer tells
 * whether a MAC is in the pool, and another plug-and-play server on the LAN may answer its
 * own phones. Retransmissions are absorbed by the held transaction (stack.ignore).
 */
export function answerPnpSubscribe(
  context: PnpContext,
  request: SipRequest,
  remote: Endpoint,
  multicast: boolean,
): void {
  const { stack, log, ownUri } = context;
  const asked = parsePnpSubscribe(request);
  const phone = asked && context.phones().find((candidate) => candidate.mac === asked.mac);
  if (!context.provisioningUrl || !multicast || !asked || !phone) {
    if (multicast)
      log.info(
        { source: remote.address, mac: asked?.mac, vendor: asked?.vendor, model: asked?.model },
        'plug-and-play request not answered: not a phone in the pool',
      );
    return stack.ignore(request);
  }
  const tag = sipTag();
  stack.respond(
    buildResponse(request, 200, 'OK', {
      toTag: tag,
      headers: { expires: '0', contact: [{ uri: ownUri(), params: {} }] },
    }),
  );
  const notify = buildPnpNotify({
    subscribe: request,
    toTag: tag,
    url: context.provisioningUrl(),
    ownUri: ownUri(),
    event: asked.event,
  });
  sendWithDigestRetry(stack, notify, remote, (response) => {
    if (response.status >= 300)
      log.info({ phone: phone.name, status: response.status }, 'plug-and-play NOTIFY refused');
  });
  log.info({ phone: phone.name, source: remote.address, model: asked.model }, 'plug-and-play: provisioning URL sent');
}

/** The options hotdeskd's SIP stack is started with (limits, TLS, the plug-and-play multicast group). */
import type { Endpoint, SipRequest, SipResponse } from '../../sip/message.js';
import { isRequest } from '../../sip/message.js';
import type { SipStackOptions } from '../../adapters/sip-stack.js';
import { isPnpSubscribe, PNP_MULTICAST_GROUP } from '../../sip/pnp.js';
import type { SipServiceOptions } from './sip-service-types.js';

export function stackOptionsOf(
  options: SipServiceOptions,
  now: () => number,
  handlers: {
    onRequest(request: SipRequest, remote: Endpoint, multicast: boolean): void;
    /** True when the response was someone's (a warning call's 2xx ACKed again). */
    strayResponse(response: SipResponse): boolean;
  },
): SipStackOptions {
  const { log } = options;
  return {
    bind: options.bind,
    port: options.port,
    ...(options.publicAddress ? { publicAddress: options.publicAddress } : {}),
    log,
    onRequest: handlers.onRequest,
    onStrayResponse: (response) => {
      // A 2xx to a warning call whose ACK was lost comes again: it is ACKed again (RFC 3261 §13.2.2.4).
      if (handlers.strayResponse(response)) return;
      log.debug({ callId: response.headers['call-id'], status: response.status }, 'stray response');
    },
    onDrop: (what, remote) => log.debug({ what, source: remote.address }, 'dropped SIP input'),
    ...(options.floodLimit !== undefined ? { floodLimit: options.floodLimit } : {}),
    ...(options.maxTransactions !== undefined ? { maxTransactions: options.maxTransactions } : {}),
    ...(options.maxConnectionsPerAddress !== undefined
      ? { maxConnectionsPerAddress: options.maxConnectionsPerAddress }
      : {}),
    ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
    onTlsError: (error, remote) =>
      log.debug({ source: remote.address, error: error.message }, 'TLS handshake failed: connection dropped'),
    now,
    onFlood: (address) =>
      log.warn({ source: address, event: 'sip-flood' }, 'SIP flood: dropping messages from this source over the limit'),
    // Plug-and-play SUBSCRIBEs are taken from the multicast group only, whether plug-and-play is on or not.
    multicastOnly: (message) => isRequest(message) && isPnpSubscribe(message),
    ...(options.pnp
      ? {
          multicastGroups: [PNP_MULTICAST_GROUP],
          onMulticastError: (group: string, error: Error) =>
            log.warn(
              { group, err: error },
              'cannot join the plug-and-play multicast group: factory-fresh phones need DHCP option 66 or the URL typed in',
            ),
        }
      : {}),
  };
}

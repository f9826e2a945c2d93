/** The addresses hotdeskd answers on: which hosts and URIs are its own, and the URI it signs with. */
import type { SipUri } from '../../sip/message.js';
import type { SipStack } from '../../adapters/sip-stack.js';
import type { StoreService } from '../store-service.js';

export interface OwnAddress {
  isOwnUri(uri: SipUri): boolean;
  isOwnHost(host: string): boolean;
  ownUri(): string;
}

export function createOwnAddress(
  stack: SipStack,
  store: StoreService,
  options: { bind: string; publicAddress?: string },
): OwnAddress {
  const ownHosts = (): Set<string> =>
    new Set(
      [
        stack.transport.host,
        options.bind,
        store.data.settings.address,
        store.data.settings.sipDomain,
        options.publicAddress,
      ]
        .filter((host): host is string => Boolean(host))
        .map((host) => host.toLowerCase()),
    );
  const isOwnUri = (uri: SipUri): boolean => {
    const tls = uri.schema === 'sips' || String(uri.params['transport'] ?? '').toLowerCase() === 'tls';
    const port = uri.port || (tls ? 5061 : 5060);
    return (
      ownHosts().has(uri.host.toLowerCase()) && (port === stack.transport.port || port === stack.transport.tlsPort)
    );
  };
  const isOwnHost = (host: string): boolean => ownHosts().has(host.toLowerCase());
  const ownUri = () => `sip:${options.publicAddress ?? stack.transport.host}:${stack.transport.port}`;
  return { isOwnUri, isOwnHost, ownUri };
}

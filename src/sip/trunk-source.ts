/**
 * Whether an unauthenticated request comes from the trunk: its source address,
 * port and transport all match the trunk URI's (transport from `;transport=`,
 * UDP by default; port 5060, or 5061 for TLS), or its address is one of the
 * trunk's listed `from` addresses. A port alone, or an address reached over
 * another transport, is not the trunk.
 */
import type { Trunk } from '../core/model.js';
import type { Endpoint, SipUri } from './message.js';

const bare = (host: string): string => host.replace(/^\[|\]$/g, '').toLowerCase();

export function checkTrunkSource(trunk: Trunk | null | undefined, uri: SipUri | undefined, remote: Endpoint): boolean {
  if (!trunk || !uri) return false;
  const address = bare(remote.address);
  if ((trunk.from ?? []).some((listed) => bare(listed) === address)) return true;
  const tls = uri.schema === 'sips';
  const named = String(uri.params['transport'] ?? (tls ? 'tls' : 'udp')).toUpperCase();
  const transport = named === 'TCP' || named === 'TLS' ? named : 'UDP';
  const port = uri.port || (transport === 'TLS' ? 5061 : 5060);
  return bare(uri.host) === address && port === remote.port && transport === remote.protocol;
}

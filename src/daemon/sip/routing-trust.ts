/**
 * What a request may carry through hotdeskd besides its routing: identity
 * headers are the authenticated account's, never the phone's own, and a
 * REFER may only name a target its sender could have dialled itself.
 */
import type { SipRequest } from '../../sip/message.js';
import { routeCall, type Caller, type RouteInput } from '../../sip/router.js';
import { uriOf } from './proxy.js';

/** Identity headers a phone could forge (RFC 3325 §9.1, draft-ietf-sip-privacy-04 Remote-Party-ID). */
export const IDENTITY_HEADERS = ['p-asserted-identity', 'p-preferred-identity', 'remote-party-id'] as const;

/**
 * Removes the identity headers of a request from a phone; towards the trunk,
 * asserts the authenticated account instead (RFC 3325 §4).
 */
export function replaceIdentity(
  request: SipRequest,
  account: string | undefined,
  domain: string,
  towardsTrunk: boolean,
): void {
  for (const name of IDENTITY_HEADERS) delete request.headers[name];
  if (towardsTrunk && account !== undefined) request.headers['p-asserted-identity'] = `<sip:${account}@${domain}>`;
}

/**
 * Whether `caller` may send this REFER: its Refer-To names one of hotdeskd's
 * own hosts and a number the same routing rules would let the caller dial
 * (an extension, the trunk, or an emergency number), never a hot-desk code.
 */
export function checkReferTo(
  request: SipRequest,
  caller: Caller | undefined,
  route: Omit<RouteInput, 'dialled' | 'caller'>,
  isOwnHost: (host: string) => boolean,
): boolean {
  const raw = request.headers['refer-to'] as { uri?: unknown } | string | undefined;
  const text = typeof raw === 'string' ? raw.replace(/^[^<]*<|>.*$/g, '') : raw?.uri;
  const uri =
    typeof text === 'string' || (typeof text === 'object' && text !== null) ? uriOf(text as string) : undefined;
  if (!caller || !uri || !uri.user || !isOwnHost(uri.host)) return false;
  const decision = routeCall({ ...route, dialled: uri.user, caller });
  if (caller.kind === 'trunk') return decision.kind === 'extension';
  return decision.kind === 'extension' || decision.kind === 'trunk' || decision.kind === 'emergency';
}

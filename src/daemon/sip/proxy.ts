/**
 * The stateful proxy (RFC 3261 §16): forks an INVITE in parallel to targets,
 * sends provisional and final responses upstream, cancels losing branches,
 * and forwards in-dialog requests along the Record-Route we inserted.
 * The decisions (which response wins, when to cancel) are in sip/fork.ts; the
 * parts: proxy-fork.ts, proxy-branch.ts, proxy-fork-actions.ts, proxy-in-dialog.ts,
 * sharing proxy-context.ts.
 */
import { isIP } from 'node:net';
import { lookup } from 'node:dns/promises';
import type { Endpoint, SipRequest, SipResponse, SipUri } from '../../sip/message.js';
import { createProxyContext, type ForkOrigin, type ForkTarget, type ProxyOptions } from './proxy-context.js';
import { cancelRequest, forkRequest } from './proxy-fork.js';
import { forwardInDialog } from './proxy-in-dialog.js';

export {
  uriOf,
  type CallEvent,
  type CallPhase,
  type DialogEvent,
  type ForkOrigin,
  type ForkTarget,
  type ProxyOptions,
} from './proxy-context.js';

/** Answers a downstream challenge (digest-retry.ts, the dialog layer's one answerer). */
export type { ChallengeAnswerer } from './digest-retry.js';

export interface Proxy {
  /** Forwards an INVITE (or other initial request) to every target in parallel. */
  fork(request: SipRequest, targets: readonly ForkTarget[], origin?: ForkOrigin): void;
  /** Handles a CANCEL; false when it matches no INVITE being forked. */
  cancel(request: SipRequest): boolean;
  /**
   * Forwards a request inside a known dialog (ACK, BYE, re-INVITE, …) to `endpoint`, the dialog's
   * other end, whatever its Request-URI or Route name; `onFinal` sees the final status.
   */
  forwardInDialog(
    request: SipRequest,
    ownUri: (uri: SipUri) => boolean,
    endpoint: Endpoint,
    onFinal?: (status: number) => void,
  ): void;
  /** Sends a response upstream through the server transaction of its request. */
  forwardResponse(response: SipResponse): void;
  readonly activeInvites: number;
}

export function createProxy(options: ProxyOptions): Proxy {
  const ctx = createProxyContext(options);
  return {
    get activeInvites() {
      return ctx.invites.size;
    },
    fork: (request, targets, origin) => forkRequest(ctx, request, targets, origin),
    cancel: (request) => cancelRequest(ctx, request),
    forwardInDialog: (request, ownUri, endpoint, onFinal) => forwardInDialog(ctx, request, ownUri, endpoint, onFinal),
    forwardResponse: (response) => ctx.upstream(response),
  };
}

/** Resolves a host name for a URI we must reach by DNS (the trunk). */
export async function resolveHost(uri: SipUri): Promise<Endpoint | undefined> {
  const protocol = String(uri.params['transport'] ?? 'udp').toUpperCase() === 'TCP' ? 'TCP' : 'UDP';
  const port = uri.port || 5060;
  if (isIP(uri.host)) return { protocol, address: uri.host, port };
  try {
    const { address } = await lookup(uri.host);
    return { protocol, address, port };
  } catch {
    return undefined;
  }
}

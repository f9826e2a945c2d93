/**
 * What the stateful proxy's parts (proxy.ts composes them: proxy-fork.ts,
 * proxy-branch.ts, proxy-in-dialog.ts) share: the INVITEs being forked, the
 * CSeq shifts, our Record-Route and the way responses go upstream, with the
 * types they agree on.
 */
import { copyMessage, parseUri } from '../../adapters/sip-syntax.js';
import type { Endpoint, RouteEntry, SipRequest, SipResponse, SipUri } from '../../sip/message.js';
import { headerText } from '../../sip/message.js';
import type { ForkState } from '../../sip/fork.js';
import type { SipStack } from '../../adapters/sip-stack.js';
import type { Logger } from '../../adapters/log.js';
import type { ChallengeAnswerer } from './digest-retry.js';

export interface ForkTarget {
  uri: string;
  endpoint: Endpoint;
  /** Credentials for answering a 401/407 from this target (the trunk) once. */
  credentials?: { username: string; password: string };
  /** The target is the trunk (its in-dialog requests may come from any trunk address). */
  trunk?: boolean;
  /** The account reached (an extension), for checking its REFERs. */
  account?: string;
  /**
   * Changes the copy sent to this target only (an emergency call's identity and location towards
   * the trunk); responses go back with the caller's own From, as a proxy never changes it.
   */
  prepare?(request: SipRequest): SipRequest;
  /**
   * What to send instead, once, when this target refuses the prepared request with `status`
   * (an emergency call whose location the trunk does not take goes again without it); `undefined`: nothing.
   */
  fallback?(status: number, prepared: SipRequest): SipRequest | undefined;
}

/** Where an initial request came from, for the dialog it may set up. */
export interface ForkOrigin {
  endpoint: Endpoint;
  trunk: boolean;
  /** The authenticated account, if any. */
  account?: string;
}

/** A dialog seen by the proxy: a provisional response with a To-tag (early), a 2xx (confirmed), or a failed INVITE. */
export type DialogEvent =
  | {
      kind: 'early' | 'confirmed';
      callId: string;
      caller: ForkOrigin & { tag: string };
      callee: { tag: string; endpoint: Endpoint; trunk: boolean; account?: string };
    }
  | { kind: 'failed'; callId: string; callerTag: string };

export type CallPhase = 'trying' | 'early' | 'confirmed' | 'terminated';

export interface CallEvent {
  callId: string;
  phase: CallPhase;
  request: SipRequest;
}

export interface ProxyOptions {
  stack: SipStack;
  log: Logger;
  onCallEvent?(event: CallEvent): void;
  answerChallenge?: ChallengeAnswerer;
  /** Dialogs set up through the proxy (known-dialogs.ts), so in-dialog requests can be checked against them. */
  onDialog?(event: DialogEvent): void;
  /** Cap on INVITEs being forked at once; past it, 503. */
  maxInvites?: number;
}

export interface Branch {
  id: string;
  /** The request as last sent (after a challenge, the authenticated retry). */
  sent: SipRequest;
  endpoint: Endpoint;
  retried: boolean;
  /** Requests sent after the first (a challenge answered, a fallback): each takes the next CSeq. */
  extra: number;
  fellBack: boolean;
}

/**
 * Answering the trunk's challenge ourselves costs one CSeq on the trunk side
 * of the dialog; requests from the caller are shifted by it on the way to the
 * trunk and responses shifted back, so each side sees its own numbering.
 */
export interface CseqShift {
  callerTag: string;
  shift: number;
}

export interface InviteContext {
  request: SipRequest;
  branches: Map<string, Branch>;
  fork: ForkState<SipResponse>;
  cancelled: boolean;
}

/** The proxy's state, shared by its parts. */
export interface ProxyContext {
  readonly stack: SipStack;
  readonly log: Logger;
  readonly options: ProxyOptions;
  readonly invites: Map<string, InviteContext>;
  readonly shifts: Map<string, CseqShift>;
  /** Our Record-Route entries for a request arriving over `inbound` and leaving over `outbound`. */
  recordRoutes(inbound: string | undefined, outbound: string): RouteEntry[];
  /** Sends a response upstream (our Via removed), its CSeq shifted back by `shift`. */
  upstream(response: SipResponse, shift?: number): void;
}

export const inviteKey = (request: SipRequest | SipResponse) =>
  `${request.headers['call-id']}|${request.headers.cseq.seq}|${request.headers.via[0]?.params['branch'] ?? ''}`;

export function uriOf(value: string | SipUri): SipUri | undefined {
  return typeof value === 'string' ? parseUri(value) : value;
}

export function decrementMaxForwards(request: SipRequest): void {
  const current = Number(headerText(request.headers, 'max-forwards') ?? 70);
  request.headers['max-forwards'] = String(Math.max(0, current - 1));
}

export function createProxyContext(options: ProxyOptions): ProxyContext {
  const { stack } = options;
  const { host, port, tlsPort } = stack.transport;
  const recordRouteFor = (protocol: string | undefined) => ({
    uri:
      protocol?.toUpperCase() === 'TLS' && tlsPort !== undefined
        ? `sip:${host}:${tlsPort};transport=tls;lr`
        : `sip:${host}:${port};lr`,
    params: {},
  });
  return {
    stack,
    log: options.log,
    options,
    invites: new Map(),
    shifts: new Map(),
    /**
     * One entry, or two when the transports differ (RFC 5658 §3.2: the top one faces the callee),
     * so each side's in-dialog requests come back over the transport it uses (TLS stays TLS).
     */
    recordRoutes(inbound, outbound) {
      const callee = recordRouteFor(outbound);
      const caller = recordRouteFor(inbound);
      return callee.uri === caller.uri ? [callee] : [callee, caller];
    },
    upstream(response, shift = 0) {
      const copy = copyMessage(response, true);
      copy.headers.via = copy.headers.via.slice(1);
      if (shift) copy.headers.cseq = { ...copy.headers.cseq, seq: copy.headers.cseq.seq - shift };
      if (copy.headers.via.length > 0) stack.respond(copy);
    },
  };
}

/**
 * The stateful proxy (RFC 3261 §16): forks an INVITE in parallel to targets,
 * sends provisional and final responses upstream, cancels losing branches,
 * and forwards in-dialog requests along the Record-Route we inserted.
 * The decisions (which response wins, when to cancel) are in sip/fork.ts.
 */
import { isIP } from 'node:net';
import { lookup } from 'node:dns/promises';
import { copyMessage, parseUri } from '../../adapters/sip-syntax.js';
import type { Endpoint, SipRequest, SipResponse, SipUri } from '../../sip/message.js';
import { buildResponse, headerText } from '../../sip/message.js';
import { cancelFork, onBranchResponse, startFork, type ForkAction, type ForkState } from '../../sip/fork.js';
import type { SipStack } from '../../adapters/sip-stack.js';
import type { Logger } from '../../adapters/log.js';

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

/** Answers a downstream challenge (digest-retry.ts, the dialog layer's one answerer). */
import type { ChallengeAnswerer } from './digest-retry.js';
export type { ChallengeAnswerer };

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

interface Branch {
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
interface CseqShift {
  callerTag: string;
  shift: number;
}

const MAX_SHIFTS = 10_000;

/** Methods whose 2xx (or early To-tag) creates a dialog hotdeskd forwards requests in. */
const DIALOG_METHODS = new Set(['INVITE', 'SUBSCRIBE', 'REFER']);

interface InviteContext {
  request: SipRequest;
  branches: Map<string, Branch>;
  fork: ForkState<SipResponse>;
  cancelled: boolean;
}

const inviteKey = (request: SipRequest | SipResponse) =>
  `${request.headers['call-id']}|${request.headers.cseq.seq}|${request.headers.via[0]?.params['branch'] ?? ''}`;

export function uriOf(value: string | SipUri): SipUri | undefined {
  return typeof value === 'string' ? parseUri(value) : value;
}

function decrementMaxForwards(request: SipRequest): void {
  const current = Number(headerText(request.headers, 'max-forwards') ?? 70);
  request.headers['max-forwards'] = String(Math.max(0, current - 1));
}

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
  const { stack, log } = options;
  const invites = new Map<string, InviteContext>();
  const shifts = new Map<string, CseqShift>();
  const { host, port, tlsPort } = stack.transport;
  const recordRouteFor = (protocol: string | undefined) => ({
    uri:
      protocol?.toUpperCase() === 'TLS' && tlsPort !== undefined
        ? `sip:${host}:${tlsPort};transport=tls;lr`
        : `sip:${host}:${port};lr`,
    params: {},
  });
  /**
   * Our Record-Route for a request arriving over `inbound` and leaving over `outbound`: one
   * entry, or two when the transports differ (RFC 5658 §3.2: the top one faces the callee),
   * so each side's in-dialog requests come back over the transport it uses (TLS stays TLS).
   */
  const recordRoutes = (inbound: string | undefined, outbound: string) => {
    const callee = recordRouteFor(outbound);
    const caller = recordRouteFor(inbound);
    return callee.uri === caller.uri ? [callee] : [callee, caller];
  };

  const upstream = (response: SipResponse, shift = 0): void => {
    const copy = copyMessage(response, true);
    copy.headers.via = copy.headers.via.slice(1);
    if (shift) copy.headers.cseq = { ...copy.headers.cseq, seq: copy.headers.cseq.seq - shift };
    if (copy.headers.via.length > 0) stack.respond(copy);
  };

  const sendCancel = (branch: Branch): void => {
    const invite = branch.sent;
    const cancel: SipRequest = {
      method: 'CANCEL',
      uri: invite.uri,
      version: '2.0',
      headers: {
        via: [invite.headers.via[0]!],
        to: invite.headers.to,
        from: invite.headers.from,
        'call-id': invite.headers['call-id'],
        cseq: { seq: invite.headers.cseq.seq, method: 'CANCEL' },
        'max-forwards': '70',
        ...(invite.headers.route ? { route: invite.headers.route } : {}),
      },
    };
    stack.send(cancel, branch.endpoint);
  };

  const run = (key: string, context: InviteContext, actions: ForkAction<SipResponse>[]): void => {
    for (const action of actions) {
      if (action.kind === 'forward') upstream(action.response);
      else if (action.kind === 'cancel') {
        for (const id of action.branches) {
          const branch = context.branches.get(id);
          if (branch) sendCancel(branch);
        }
      } else {
        const chosen = action.response;
        if (chosen) {
          const response = {
            ...chosen,
            status: action.status,
            reason: action.status === chosen.status ? chosen.reason : 'Server Internal Error',
          };
          upstream(response);
        } else stack.respond(buildResponse(context.request, 480, 'Temporarily Unavailable'));
        options.onCallEvent?.({
          callId: context.request.headers['call-id'],
          phase: 'terminated',
          request: context.request,
        });
      }
    }
    if (context.fork.done && context.fork.pending.size === 0) invites.delete(key);
  };

  return {
    get activeInvites() {
      return invites.size;
    },

    fork(request, targets, origin) {
      const key = inviteKey(request);
      if (request.method === 'INVITE' && invites.size >= (options.maxInvites ?? 5000)) {
        stack.respond(buildResponse(request, 503, 'Service Unavailable', { headers: { 'retry-after': '5' } }));
        return;
      }
      if (request.method === 'INVITE') stack.respond(buildResponse(request, 100, 'Trying'));
      const ids = targets.map((_, i) => String(i));
      const context: InviteContext = { request, branches: new Map(), fork: startFork(ids), cancelled: false };
      invites.set(key, context);
      options.onCallEvent?.({ callId: request.headers['call-id'], phase: 'trying', request });
      targets.forEach((target, i) => {
        const id = String(i);
        const copy = copyMessage(request, true);
        copy.uri = target.uri;
        let template = target.prepare ? target.prepare(copy) : copy;
        decrementMaxForwards(template);
        delete template.headers['proxy-authorization'];
        template.headers['record-route'] = [
          ...recordRoutes(request.headers.via[0]?.protocol, target.endpoint.protocol),
          ...(template.headers['record-route'] ?? []),
        ];
        const branch: Branch = {
          id,
          sent: copyMessage(template, true),
          endpoint: target.endpoint,
          retried: false,
          extra: 0,
          fellBack: false,
        };
        context.branches.set(id, branch);
        // RFC 3261 §22.2: a retry is a new request in the same dialog, with the next CSeq.
        const firstSeq = template.headers.cseq.seq;
        const resend = (next: SipRequest): void => {
          branch.extra += 1;
          next.headers.cseq = { ...next.headers.cseq, seq: firstSeq + branch.extra };
          branch.sent = next;
          if (shifts.size >= MAX_SHIFTS) shifts.delete(shifts.keys().next().value!);
          shifts.set(request.headers['call-id'], {
            callerTag: request.headers.from.params['tag'] ?? '',
            shift: branch.extra,
          });
          stack.send(next, target.endpoint, onResponse);
        };
        const onResponse = (raw: SipResponse): void => {
          const challenged = (raw.status === 401 || raw.status === 407) && target.credentials && !branch.retried;
          const answer = challenged ? options.answerChallenge?.(raw, branch.sent, target.credentials!) : undefined;
          if (answer) {
            branch.retried = true;
            const retry = copyMessage(template, true);
            retry.headers[answer.header] = [answer.value];
            return resend(retry);
          }
          // Built from the template: a request once sent carries the Via our stack put on it.
          const fallback = raw.status >= 300 && !branch.fellBack ? target.fallback?.(raw.status, template) : undefined;
          if (fallback) {
            // Sent again as the fallback; a challenge to it is answered afresh.
            branch.fellBack = true;
            branch.retried = false;
            for (const name of ['authorization', 'proxy-authorization'] as const) delete fallback.headers[name];
            template = fallback;
            return resend(copyMessage(fallback, true));
          }
          const shift = branch.extra;
          const shifted = shift
            ? { ...raw, headers: { ...raw.headers, cseq: { ...raw.headers.cseq, seq: raw.headers.cseq.seq - shift } } }
            : raw;
          const response = target.prepare
            ? { ...shifted, headers: { ...shifted.headers, from: request.headers.from } }
            : shifted;
          handle(response);
        };
        const handle = (response: SipResponse): void => {
          const calleeTag = response.headers.to.params['tag'];
          const callerTag = request.headers.from.params['tag'];
          // RFC 3261 §12.1: a dialog starts with a 101-199 carrying a To-tag (early) or a 2xx.
          if (
            origin &&
            calleeTag &&
            callerTag &&
            DIALOG_METHODS.has(request.method) &&
            response.status > 100 &&
            response.status < 300
          ) {
            options.onDialog?.({
              kind: response.status < 200 ? 'early' : 'confirmed',
              callId: request.headers['call-id'],
              caller: { ...origin, tag: callerTag },
              callee: {
                tag: calleeTag,
                endpoint: target.endpoint,
                trunk: target.trunk === true,
                ...(target.account !== undefined ? { account: target.account } : {}),
              },
            });
          }
          if (response.status >= 180 && response.status < 200) {
            options.onCallEvent?.({ callId: request.headers['call-id'], phase: 'early', request });
          }
          if (response.status >= 200 && response.status < 300) {
            options.onCallEvent?.({ callId: request.headers['call-id'], phase: 'confirmed', request });
          }
          const step = onBranchResponse(context.fork, id, response.status, response);
          context.fork = step.state;
          run(key, context, step.actions);
          if (step.actions.some((action) => action.kind === 'final' && action.status >= 300)) {
            options.onDialog?.({ kind: 'failed', callId: request.headers['call-id'], callerTag: callerTag ?? '' });
          }
        };
        stack.send(branch.sent, target.endpoint, onResponse);
      });
    },

    cancel(request) {
      const context = invites.get(
        inviteKey({ ...request, headers: { ...request.headers, cseq: { ...request.headers.cseq, method: 'INVITE' } } }),
      );
      if (!context) return false;
      stack.respond(buildResponse(request, 200, 'OK'));
      context.cancelled = true;
      const step = cancelFork(context.fork);
      run(inviteKey(context.request), context, step.actions);
      return true;
    },

    forwardInDialog(request, ownUri, endpoint, onFinal) {
      const forwarded = copyMessage(request, true);
      // RFC 3261 §16.4: strip our own entry from the top of the route set.
      const routes = [...(forwarded.headers.route ?? [])];
      while (routes.length > 0 && ownUri(uriOf(routes[0]!.uri) ?? ({ host: '' } as SipUri))) routes.shift();
      if (routes.length > 0) forwarded.headers.route = routes;
      else delete forwarded.headers.route;
      decrementMaxForwards(forwarded);
      const callId = request.headers['call-id'];
      const entry = shifts.get(callId);
      const shift = entry && entry.callerTag === request.headers.from.params['tag'] ? entry.shift : 0;
      if (shift) forwarded.headers.cseq = { ...forwarded.headers.cseq, seq: forwarded.headers.cseq.seq + shift };
      if (request.method === 'BYE') {
        options.onCallEvent?.({ callId, phase: 'terminated', request });
        shifts.delete(callId);
      }
      if (request.method === 'ACK') {
        stack.send(forwarded, endpoint);
        return;
      }
      stack.send(forwarded, endpoint, (response) => {
        if (response.status === 408 && request.method === 'BYE') log.debug({ callId }, 'BYE timed out');
        if (response.status >= 200) onFinal?.(response.status);
        upstream(response, shift);
      });
    },

    forwardResponse: upstream,
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

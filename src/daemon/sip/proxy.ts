/**
 * The stateful proxy (RFC 3261 §16): forks an INVITE in parallel to targets,
 * sends provisional and final responses upstream, cancels losing branches,
 * and forwards in-dialog requests along the Record-Route we inserted.
 * The decisions (which response wins, when to cancel) are in sip/fork.ts.
 */
import { isIP } from 'node:net';
import { lookup } from 'node:dns/promises';
import sip from 'sip';
import type { AuthParams, Endpoint, SipRequest, SipResponse, SipUri } from '../../sip/message.js';
import { buildResponse, headerText } from '../../sip/message.js';
import { cancelFork, onBranchResponse, startFork, type ForkAction, type ForkState } from '../../sip/fork.js';
import type { SipStack } from '../../adapters/sip-stack.js';
import type { Logger } from '../../adapters/log.js';

export interface ForkTarget {
  uri: string;
  endpoint: Endpoint;
  /** Credentials for answering a 401/407 from this target (the trunk) once. */
  credentials?: { username: string; password: string };
}

/** Answers a downstream challenge: the header to add (`authorization` or `proxy-authorization`) and its value. */
export type ChallengeAnswerer = (
  response: SipResponse,
  request: SipRequest,
  credentials: { username: string; password: string },
) => { header: 'authorization' | 'proxy-authorization'; value: AuthParams } | undefined;

export type CallPhase = 'trying' | 'early' | 'confirmed' | 'terminated';

export interface CallEvent {
  callId: string;
  phase: CallPhase;
  request: SipRequest;
}

export interface ProxyOptions {
  stack: SipStack;
  log: Logger;
  /** Where a URI that is not ours should be sent (a registered phone's flow, or DNS). */
  resolveTarget(uri: SipUri): Endpoint | undefined;
  onCallEvent?(event: CallEvent): void;
  answerChallenge?: ChallengeAnswerer;
  /** Cap on INVITEs being forked at once; past it, 503. */
  maxInvites?: number;
}

interface Branch {
  id: string;
  /** The request as last sent (after a challenge, the authenticated retry). */
  sent: SipRequest;
  endpoint: Endpoint;
  retried: boolean;
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

interface InviteContext {
  request: SipRequest;
  branches: Map<string, Branch>;
  fork: ForkState<SipResponse>;
  cancelled: boolean;
}

const inviteKey = (request: SipRequest | SipResponse) =>
  `${request.headers['call-id']}|${request.headers.cseq.seq}|${request.headers.via[0]?.params['branch'] ?? ''}`;

export function uriOf(value: string | SipUri): SipUri | undefined {
  return typeof value === 'string' ? sip.parseUri(value) : value;
}

function decrementMaxForwards(request: SipRequest): void {
  const current = Number(headerText(request.headers, 'max-forwards') ?? 70);
  request.headers['max-forwards'] = String(Math.max(0, current - 1));
}

export interface Proxy {
  /** Forwards an INVITE (or other initial request) to every target in parallel. */
  fork(request: SipRequest, targets: readonly ForkTarget[]): void;
  /** Handles a CANCEL; false when it matches no INVITE being forked. */
  cancel(request: SipRequest): boolean;
  /** Forwards a request that carries our Record-Route (ACK, BYE, re-INVITE, …). */
  forwardInDialog(request: SipRequest, ownUri: (uri: SipUri) => boolean): void;
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
    uri: protocol?.toUpperCase() === 'TLS' && tlsPort !== undefined ? `sip:${host}:${tlsPort};transport=tls;lr` : `sip:${host}:${port};lr`,
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
    const copy = sip.copyMessage(response, true);
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
          const response = { ...chosen, status: action.status, reason: action.status === chosen.status ? chosen.reason : 'Server Internal Error' };
          upstream(response);
        } else stack.respond(buildResponse(context.request, 480, 'Temporarily Unavailable'));
        options.onCallEvent?.({ callId: context.request.headers['call-id'], phase: 'terminated', request: context.request });
      }
    }
    if (context.fork.done && context.fork.pending.size === 0) invites.delete(key);
  };

  return {
    get activeInvites() {
      return invites.size;
    },

    fork(request, targets) {
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
        const template = sip.copyMessage(request, true);
        template.uri = target.uri;
        decrementMaxForwards(template);
        delete template.headers['proxy-authorization'];
        template.headers['record-route'] = [...recordRoutes(request.headers.via[0]?.protocol, target.endpoint.protocol), ...(template.headers['record-route'] ?? [])];
        const branch: Branch = { id, sent: sip.copyMessage(template, true), endpoint: target.endpoint, retried: false };
        context.branches.set(id, branch);
        const onResponse = (raw: SipResponse): void => {
          const challenged = (raw.status === 401 || raw.status === 407) && target.credentials && !branch.retried;
          const answer = challenged ? options.answerChallenge?.(raw, branch.sent, target.credentials!) : undefined;
          if (answer) {
            // RFC 3261 §22.2: the retry is a new request in the same dialog, with the next CSeq.
            branch.retried = true;
            const retry = sip.copyMessage(template, true);
            retry.headers.cseq = { ...retry.headers.cseq, seq: retry.headers.cseq.seq + 1 };
            retry.headers[answer.header] = [answer.value];
            branch.sent = retry;
            if (shifts.size >= MAX_SHIFTS) shifts.delete(shifts.keys().next().value!);
            shifts.set(request.headers['call-id'], { callerTag: request.headers.from.params['tag'] ?? '', shift: 1 });
            stack.send(retry, target.endpoint, onResponse);
            return;
          }
          const shift = branch.retried ? 1 : 0;
          const response = shift ? { ...raw, headers: { ...raw.headers, cseq: { ...raw.headers.cseq, seq: raw.headers.cseq.seq - shift } } } : raw;
          handle(response);
        };
        const handle = (response: SipResponse): void => {
          if (response.status >= 180 && response.status < 200) {
            options.onCallEvent?.({ callId: request.headers['call-id'], phase: 'early', request });
          }
          if (response.status >= 200 && response.status < 300) {
            options.onCallEvent?.({ callId: request.headers['call-id'], phase: 'confirmed', request });
          }
          const step = onBranchResponse(context.fork, id, response.status, response);
          context.fork = step.state;
          run(key, context, step.actions);
        };
        stack.send(branch.sent, target.endpoint, onResponse);
      });
    },

    cancel(request) {
      const context = invites.get(inviteKey({ ...request, headers: { ...request.headers, cseq: { ...request.headers.cseq, method: 'INVITE' } } }));
      if (!context) return false;
      stack.respond(buildResponse(request, 200, 'OK'));
      context.cancelled = true;
      const step = cancelFork(context.fork);
      run(inviteKey(context.request), context, step.actions);
      return true;
    },

    forwardInDialog(request, ownUri) {
      const forwarded = sip.copyMessage(request, true);
      // RFC 3261 §16.4: strip our own entry from the top of the route set.
      const routes = [...(forwarded.headers.route ?? [])];
      while (routes.length > 0 && ownUri(uriOf(routes[0]!.uri) ?? ({ host: '' } as SipUri))) routes.shift();
      if (routes.length > 0) forwarded.headers.route = routes;
      else delete forwarded.headers.route;
      const hop = uriOf(routes[0]?.uri ?? forwarded.uri);
      const endpoint = hop && options.resolveTarget(hop);
      const addressedToUs = Boolean(hop && ownUri(hop) && routes.length === 0);
      if (!endpoint || (addressedToUs && !hop!.user)) {
        // RFC 3261 §12.2.2: a request inside a dialog this server does not hold gets 481.
        if (request.method !== 'ACK') {
          stack.respond(addressedToUs ? buildResponse(request, 481, 'Call/Transaction Does Not Exist') : buildResponse(request, 404, 'Not Found'));
        }
        return;
      }
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

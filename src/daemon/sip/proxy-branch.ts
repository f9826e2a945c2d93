/**
 * One branch of a forked request (proxy.ts): the copy sent to one target with
 * our Record-Route, a challenge from the target answered once, a fallback
 * sent once, CSeq numbering kept per side, and each response reported (call
 * phases, dialogs) and handed to the fork's decisions.
 */
import { copyMessage } from '../../adapters/sip-syntax.js';
import type { SipRequest, SipResponse } from '../../sip/message.js';
import { onBranchResponse } from '../../sip/fork.js';
import { runForkActions } from './proxy-fork-actions.js';
import {
  decrementMaxForwards,
  type Branch,
  type ForkOrigin,
  type ForkTarget,
  type InviteContext,
  type ProxyContext,
} from './proxy-context.js';

const MAX_SHIFTS = 10_000;

/** Methods whose 2xx (or early To-tag) creates a dialog hotdeskd forwards requests in. */
const DIALOG_METHODS = new Set(['INVITE', 'SUBSCRIBE', 'REFER']);

/** The INVITE (or other initial request) a branch belongs to. */
export interface ForkedRequest {
  key: string;
  context: InviteContext;
  request: SipRequest;
  origin: ForkOrigin | undefined;
}

/** The copy of the request for `target`, before it is sent. */
function templateFor(ctx: ProxyContext, request: SipRequest, target: ForkTarget): SipRequest {
  const copy = copyMessage(request, true);
  copy.uri = target.uri;
  const template = target.prepare ? target.prepare(copy) : copy;
  decrementMaxForwards(template);
  delete template.headers['proxy-authorization'];
  template.headers['record-route'] = [
    ...ctx.recordRoutes(request.headers.via[0]?.protocol, target.endpoint.protocol),
    ...(template.headers['record-route'] ?? []),
  ];
  return template;
}

/** RFC 3261 §12.1: a dialog starts with a 101-199 carrying a To-tag (early) or a 2xx. */
function reportDialog(ctx: ProxyContext, forked: ForkedRequest, target: ForkTarget, response: SipResponse): void {
  const { request, origin } = forked;
  const calleeTag = response.headers.to.params['tag'];
  const callerTag = request.headers.from.params['tag'];
  if (!origin || !calleeTag || !callerTag || !DIALOG_METHODS.has(request.method)) return;
  if (response.status <= 100 || response.status >= 300) return;
  ctx.options.onDialog?.({
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

/** A response from the target, with its CSeq and From as the caller knows them. */
function handle(ctx: ProxyContext, forked: ForkedRequest, target: ForkTarget, id: string, response: SipResponse) {
  const { request, context } = forked;
  const callId = request.headers['call-id'];
  reportDialog(ctx, forked, target, response);
  if (response.status >= 180 && response.status < 200) ctx.options.onCallEvent?.({ callId, phase: 'early', request });
  if (response.status >= 200 && response.status < 300) {
    ctx.options.onCallEvent?.({ callId, phase: 'confirmed', request });
  }
  const step = onBranchResponse(context.fork, id, response.status, response);
  context.fork = step.state;
  runForkActions(ctx, forked.key, context, step.actions);
  if (step.actions.some((action) => action.kind === 'final' && action.status >= 300)) {
    ctx.options.onDialog?.({ kind: 'failed', callId, callerTag: request.headers.from.params['tag'] ?? '' });
  }
}

/** Sends the request to one target and follows its responses. */
export function startBranch(ctx: ProxyContext, forked: ForkedRequest, target: ForkTarget, id: string): void {
  const { request } = forked;
  let template = templateFor(ctx, request, target);
  const branch: Branch = {
    id,
    sent: copyMessage(template, true),
    endpoint: target.endpoint,
    retried: false,
    extra: 0,
    fellBack: false,
  };
  forked.context.branches.set(id, branch);
  // RFC 3261 §22.2: a retry is a new request in the same dialog, with the next CSeq.
  const firstSeq = template.headers.cseq.seq;
  const resend = (next: SipRequest): void => {
    branch.extra += 1;
    next.headers.cseq = { ...next.headers.cseq, seq: firstSeq + branch.extra };
    branch.sent = next;
    if (ctx.shifts.size >= MAX_SHIFTS) ctx.shifts.delete(ctx.shifts.keys().next().value!);
    ctx.shifts.set(request.headers['call-id'], {
      callerTag: request.headers.from.params['tag'] ?? '',
      shift: branch.extra,
    });
    ctx.stack.send(next, target.endpoint, onResponse);
  };
  const onResponse = (raw: SipResponse): void => {
    const challenged = (raw.status === 401 || raw.status === 407) && target.credentials && !branch.retried;
    const answer = challenged ? ctx.options.answerChallenge?.(raw, branch.sent, target.credentials!) : undefined;
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
    handle(ctx, forked, target, id, response);
  };
  ctx.stack.send(branch.sent, target.endpoint, onResponse);
}

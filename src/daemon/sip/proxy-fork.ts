/**
 * Forking an initial request (proxy.ts): the INVITE cap, 100 Trying, one
 * branch per target in parallel (proxy-branch.ts); and a CANCEL of an INVITE
 * being forked.
 */
import type { SipRequest } from '../../sip/message.js';
import { buildResponse } from '../../sip/message.js';
import { cancelFork, startFork } from '../../sip/fork.js';
import { startBranch } from './proxy-branch.js';
import { runForkActions } from './proxy-fork-actions.js';
import { inviteKey, type ForkOrigin, type ForkTarget, type InviteContext, type ProxyContext } from './proxy-context.js';

/** Forwards the request to every target in parallel (past the INVITE cap, 503). */
export function forkRequest(
  ctx: ProxyContext,
  request: SipRequest,
  targets: readonly ForkTarget[],
  origin: ForkOrigin | undefined,
): void {
  const { stack, options, invites } = ctx;
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
  targets.forEach((target, i) => startBranch(ctx, { key, context, request, origin }, target, String(i)));
}

/** Handles a CANCEL; false when it matches no INVITE being forked. */
export function cancelRequest(ctx: ProxyContext, request: SipRequest): boolean {
  const context = ctx.invites.get(
    inviteKey({ ...request, headers: { ...request.headers, cseq: { ...request.headers.cseq, method: 'INVITE' } } }),
  );
  if (!context) return false;
  ctx.stack.respond(buildResponse(request, 200, 'OK'));
  context.cancelled = true;
  const step = cancelFork(context.fork);
  runForkActions(ctx, inviteKey(context.request), context, step.actions);
  return true;
}

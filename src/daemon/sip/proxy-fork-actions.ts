/**
 * Carries out the fork's decisions (sip/fork.ts) for one INVITE: responses
 * forwarded upstream, losing branches cancelled, the final answer sent.
 */
import type { SipRequest, SipResponse } from '../../sip/message.js';
import { buildResponse } from '../../sip/message.js';
import type { ForkAction } from '../../sip/fork.js';
import type { Branch, InviteContext, ProxyContext } from './proxy-context.js';

function sendCancel(ctx: ProxyContext, branch: Branch): void {
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
  ctx.stack.send(cancel, branch.endpoint);
}

function sendFinal(ctx: ProxyContext, context: InviteContext, status: number, chosen: SipResponse | undefined): void {
  if (chosen) {
    const response = {
      ...chosen,
      status,
      reason: status === chosen.status ? chosen.reason : 'Server Internal Error',
    };
    ctx.upstream(response);
  } else ctx.stack.respond(buildResponse(context.request, 480, 'Temporarily Unavailable'));
  ctx.options.onCallEvent?.({
    callId: context.request.headers['call-id'],
    phase: 'terminated',
    request: context.request,
  });
}

/** Runs the fork's actions; the INVITE is forgotten once its fork is done. */
export function runForkActions(
  ctx: ProxyContext,
  key: string,
  context: InviteContext,
  actions: ForkAction<SipResponse>[],
): void {
  for (const action of actions) {
    if (action.kind === 'forward') ctx.upstream(action.response);
    else if (action.kind === 'cancel') {
      for (const id of action.branches) {
        const branch = context.branches.get(id);
        if (branch) sendCancel(ctx, branch);
      }
    } else sendFinal(ctx, context, action.status, action.response);
  }
  if (context.fork.done && context.fork.pending.size === 0) ctx.invites.delete(key);
}

/**
 * Every request the stack hands up: checked (validate.ts), then sent by method to its handler;
 * a request that looks in-dialog goes to the voice menu's dialogs or through the dialog guard.
 */
import type { Endpoint, SipRequest } from '../../sip/message.js';
import { checkRequest, ALLOWED_METHODS } from '../../sip/validate.js';
import { logSecurityRefusal } from '../security-refusal-log.js';
import { isPnpSubscribe } from '../../sip/pnp.js';
import { answerPnpSubscribe } from './pnp-handler.js';
import { checkReferTo, replaceIdentity } from './routing-trust.js';
import { authenticate, callerOf, realmOf, refuseRelay, respond, routeRules, type SipContext } from './sip-context.js';
import { handleRegister } from './register-handler.js';
import { handleInitial } from './initial-request.js';

export function onRequest(ctx: SipContext, request: SipRequest, remote: Endpoint, multicast: boolean): void {
  const { stack, ivr, proxy } = ctx;
  const inDialog = Boolean(request.headers.to.params['tag']) || (request.headers.route?.length ?? 0) > 0;
  const local =
    ['REGISTER', 'OPTIONS', 'SUBSCRIBE'].includes(request.method) && (!inDialog || request.method === 'SUBSCRIBE');
  const ownSentBy = [stack.transport.port, stack.transport.tlsPort].flatMap((port) =>
    port === undefined ? [] : [`${stack.transport.host}:${port}`],
  );
  const problem = checkRequest(request, { ownSentBy, local });
  if (problem) {
    if (request.method !== 'ACK') respond(ctx, request, problem.status, problem.phrase, problem.headers ?? {});
    return;
  }
  switch (request.method) {
    case 'ACK':
      if (inDialog && !ivr?.inDialog(request, remote)) guarded(ctx, request, remote, () => undefined);
      return;
    case 'CANCEL':
      if (!ivr?.cancel(request) && !proxy.cancel(request))
        respond(ctx, request, 481, 'Call/Transaction Does Not Exist');
      return;
    case 'REGISTER':
      return handleRegister(ctx, request, remote);
    case 'OPTIONS': {
      if (inDialog && ivr?.inDialog(request, remote)) return;
      const options = () =>
        respond(ctx, request, 200, 'OK', {
          allow: ALLOWED_METHODS.join(', '),
          accept: 'application/sdp',
          'accept-language': 'en',
        });
      if (inDialog) return guarded(ctx, request, remote, options);
      return options();
    }
    case 'SUBSCRIBE':
      return handleSubscribe(ctx, request, remote, multicast);
    default: {
      if (inDialog && ivr?.inDialog(request, remote)) return;
      const initial = () =>
        ['INVITE', 'MESSAGE', 'REFER'].includes(request.method)
          ? handleInitial(ctx, request, remote)
          : respond(ctx, request, 481, 'Call/Transaction Does Not Exist');
      if (inDialog) return guarded(ctx, request, remote, initial);
      return initial();
    }
  }
}

function handleSubscribe(ctx: SipContext, request: SipRequest, remote: Endpoint, multicast: boolean): void {
  const { log, blf, store, stack, own, options } = ctx;
  if (isPnpSubscribe(request))
    return answerPnpSubscribe(
      {
        stack,
        log,
        phones: () => store.data.phones,
        ownUri: own.ownUri,
        provisioningUrl: options.pnp?.provisioningUrl,
      },
      request,
      remote,
      multicast,
    );
  // A refresh carries our To tag; an initial SUBSCRIBE is authenticated first.
  if (request.headers.to.params['tag']) return blf.subscribe(request, remote);
  const subscriber = authenticate(ctx, request, remote, 'registrar');
  if (subscriber === undefined) return;
  if (callerOf(ctx, subscriber).kind === 'idle-phone') {
    // An idle hot-desk phone has no user: it may watch nobody's dialog state.
    logSecurityRefusal(
      log,
      remote.address,
      'idle-account-subscribe',
      'SUBSCRIBE from an idle hot-desk account: refused',
    );
    return respond(ctx, request, 403, 'Forbidden');
  }
  return blf.subscribe(request, remote);
}

/**
 * A request that looks in-dialog (To-tag, or Route): forwarded only inside a dialog hotdeskd set up,
 * to that dialog's other end; with no To-tag and a Route naming only hotdeskd, `initial` handles it.
 */
function guarded(ctx: SipContext, request: SipRequest, remote: Endpoint, initial: () => void): void {
  const { guard, log, proxy, own } = ctx;
  const verdict = guard.check(request, remote);
  if (verdict.kind === 'out-of-dialog') return initial();
  if (verdict.kind === 'refuse') {
    if (request.method === 'ACK')
      return log.debug(
        { callId: request.headers['call-id'], source: remote.address },
        'ACK outside any known dialog dropped',
      );
    return refuseRelay(ctx, request, remote, verdict.status, verdict.phrase, verdict.reason);
  }
  const { match } = verdict;
  const sender = match.from.trunk
    ? ({ kind: 'trunk' } as const)
    : match.from.account !== undefined
      ? callerOf(ctx, match.from.account)
      : undefined;
  if (request.method === 'REFER' && !checkReferTo(request, sender, routeRules(ctx), own.isOwnHost)) {
    return refuseRelay(ctx, request, remote, 403, 'Forbidden', 'refer-not-allowed');
  }
  if (!match.from.trunk) replaceIdentity(request, match.from.account, realmOf(ctx), match.to.trunk === true);
  proxy.forwardInDialog(request, own.isOwnUri, match.to.endpoint, (status) =>
    guard.forwarded(match, request.method, status),
  );
}

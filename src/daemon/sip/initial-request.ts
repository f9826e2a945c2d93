/**
 * A request that starts something (INVITE, MESSAGE, REFER): authenticated unless from the trunk,
 * routed by the router (router.ts), and carried out: refused, answered by the login voice menu,
 * forked to an extension's registrations, or sent to the trunk.
 */
import type { Endpoint, SipRequest } from '../../sip/message.js';
import { lookup, type Binding } from '../../sip/location.js';
import { routeCall, type Caller, type RouteDecision } from '../../sip/router.js';
import { reasonStatus } from '../../sip/reason-status.js';
import { logSecurityRefusal } from '../security-refusal-log.js';
import { phoneOfRequest } from '../../sip/phone-identity.js';
import { checkReferTo, replaceIdentity } from './routing-trust.js';
import {
  authenticate,
  callerOf,
  isFromTrunk,
  phoneIdentities,
  realmOf,
  refuse,
  refuseRelay,
  respond,
  routeRules,
  userOf,
  type SipContext,
} from './sip-context.js';
import { callTrunk, routeEmergencyCallback } from './trunk-call.js';

interface Routed {
  request: SipRequest;
  remote: Endpoint;
  caller: Caller;
  account: string | undefined;
  dialled: string;
}

export function handleInitial(ctx: SipContext, request: SipRequest, remote: Endpoint): void {
  let caller: Caller;
  let account: string | undefined;
  if (isFromTrunk(ctx, remote)) caller = { kind: 'trunk' };
  else {
    account = authenticate(ctx, request, remote, 'proxy');
    if (account === undefined) return;
    caller = callerOf(ctx, account);
  }
  const dialled = userOf(request.uri) ?? '';
  if (caller.kind === 'trunk' && request.method === 'INVITE' && routeEmergencyCallback(ctx, request, remote, dialled))
    return;
  if (request.method === 'REFER' && !checkReferTo(request, caller, routeRules(ctx), ctx.own.isOwnHost)) {
    return refuseRelay(ctx, request, remote, 403, 'Forbidden', 'refer-not-allowed');
  }
  const decision = routeCall({
    dialled,
    caller,
    settings: ctx.store.data.settings,
    isExtension: (number) => ctx.store.data.extensions.some((ext) => ext.number === number),
  });
  const routed: Routed = { request, remote, caller, account, dialled };
  switch (decision.kind) {
    case 'refuse':
      return refuseRoute(ctx, routed, decision);
    case 'login':
    case 'logout':
      return answerHotDeskCode(ctx, routed, decision);
    case 'logout-everywhere':
      return answerLogoutEverywhere(ctx, routed, decision);
    case 'extension':
      return forkToExtension(ctx, routed, decision.extension);
    case 'emergency':
    case 'trunk':
      // The trunk may reach local extensions only, never the trunk again or any other host.
      if (caller.kind === 'trunk') return refuseRelay(ctx, request, remote, 403, 'Forbidden', 'trunk-to-outside');
      return callTrunk(ctx, request, remote, { kind: decision.kind, number: decision.number, caller, account });
  }
}

function refuseRoute(ctx: SipContext, routed: Routed, decision: Extract<RouteDecision, { kind: 'refuse' }>): void {
  const { request, remote, caller, dialled } = routed;
  const { ivr, log } = ctx;
  // The trunk may reach local extensions only (#12 item 5): anything else is a relay attempt.
  if (caller.kind === 'trunk' && decision.reason.kind === 'no-route')
    return refuseRelay(ctx, request, remote, 403, 'Forbidden', 'trunk-to-outside');
  if (decision.reason.kind === 'dial-code-conflict') {
    log.warn(
      { dialled, code: decision.reason.code, name: decision.reason.name },
      'hot-desk code refused: another dial code starts with *7',
    );
  }
  if (decision.reason.kind === 'idle-phone-restricted' && ivr && request.method === 'INVITE') {
    // Said as early media where the phone plays it; a phone that does not still gets the 403.
    const { status, phrase } = reasonStatus(decision.reason);
    return ivr.answer(request, remote, {
      kind: 'refuse',
      prompt: 'log-in-first',
      status,
      phrase,
      language: ctx.store.data.settings.defaultLanguage,
    });
  }
  return refuse(ctx, request, decision.reason);
}

function answerHotDeskCode(
  ctx: SipContext,
  routed: Routed,
  decision: Extract<RouteDecision, { kind: 'login' | 'logout' }>,
): void {
  const { request, remote, caller, account, dialled } = routed;
  const { ivr, log, now } = ctx;
  if (!ivr || request.method !== 'INVITE') return refuse(ctx, request, { kind: 'login-service-unavailable' });
  const contactUri = Array.isArray(request.headers.contact) ? request.headers.contact[0]?.uri : undefined;
  const phone =
    account === undefined
      ? undefined
      : phoneOfRequest(account, remote, contactUri, phoneIdentities(ctx), ctx.bindings.location, now());
  if (!phone) {
    if (caller.kind === 'idle-phone')
      logSecurityRefusal(
        log,
        remote.address,
        'idle-account-not-registered-here',
        'hot-desk code with idle credentials from where that phone is not registered: refused',
      );
    else log.info({ account, dialled }, 'hot-desk code from a phone that is not a hot-desk phone: refused');
    return respond(ctx, request, 403, 'Not A Hot-Desk Phone');
  }
  return ivr.answer(
    request,
    remote,
    decision.kind === 'login' ? { kind: 'login', extension: decision.extension, phone } : { kind: 'logout', phone },
  );
}

function answerLogoutEverywhere(
  ctx: SipContext,
  routed: Routed,
  decision: Extract<RouteDecision, { kind: 'logout-everywhere' }>,
): void {
  const { request, remote, caller, account } = routed;
  const { ivr, log, now } = ctx;
  // From any authenticated phone (a user's own desk phone or softphone too): the PIN decides.
  if (!ivr || request.method !== 'INVITE' || account === undefined)
    return refuse(ctx, request, { kind: 'login-service-unavailable' });
  const contactUri = Array.isArray(request.headers.contact) ? request.headers.contact[0]?.uri : undefined;
  const found = phoneOfRequest(account, remote, contactUri, phoneIdentities(ctx), ctx.bindings.location, now());
  if (!found && caller.kind === 'idle-phone') {
    logSecurityRefusal(
      log,
      remote.address,
      'idle-account-not-registered-here',
      'hot-desk code with idle credentials from where that phone is not registered: refused',
    );
    return respond(ctx, request, 403, 'Not A Hot-Desk Phone');
  }
  const phone = found ?? account;
  return ivr.answer(request, remote, { kind: 'logout-everywhere', extension: decision.extension, phone });
}

function forkToExtension(ctx: SipContext, routed: Routed, extension: string): void {
  const { request, remote, caller, account } = routed;
  const bindings = lookup(ctx.bindings.location, extension, ctx.now());
  if (bindings.length === 0) return refuse(ctx, request, { kind: 'not-registered', extension });
  if (caller.kind !== 'trunk') replaceIdentity(request, account, realmOf(ctx), false);
  return ctx.proxy.fork(
    request,
    bindings.map((binding: Binding) => ({
      uri: binding.contact,
      endpoint: binding.source,
      account: extension,
    })),
    { endpoint: remote, trunk: caller.kind === 'trunk', ...(account !== undefined ? { account } : {}) },
  );
}

/**
 * Calls that leave or enter by the trunk: the way out (and an emergency call's report), and the
 * emergency callback window that rings the desk an emergency call came from.
 */
import type { Endpoint, SipRequest } from '../../sip/message.js';
import { lookup } from '../../sip/location.js';
import type { Caller } from '../../sip/router.js';
import { resolveHost, uriOf, type ForkTarget } from './proxy.js';
import { phoneOfRequest } from '../../sip/phone-identity.js';
import { replaceIdentity } from './routing-trust.js';
import { callbackDesks } from '../../core/emergency-calls.js';
import { safeEmergencyTargetOf, type EmergencyTargetContext } from './emergency-target.js';
import { phoneIdentities, realmOf, refuse, type SipContext } from './sip-context.js';

async function trunkTarget(ctx: SipContext, number: string): Promise<ForkTarget | undefined> {
  const trunk = ctx.store.data.settings.trunk;
  const uri = trunk && uriOf(trunk.uri);
  if (!uri) return undefined;
  const endpoint = await resolveHost(uri);
  if (!endpoint) return undefined;
  return {
    uri: `sip:${number}@${uri.host}${uri.port ? `:${uri.port}` : ''}`,
    endpoint,
    ...(trunk.username !== undefined && trunk.password !== undefined
      ? { credentials: { username: trunk.username, password: trunk.password } }
      : {}),
  };
}

function safeEmergencyTarget(ctx: SipContext, request: SipRequest, remote: Endpoint, account: string | undefined) {
  const emergencyContext: EmergencyTargetContext = {
    data: () => ctx.store.data,
    log: ctx.log,
    now: ctx.now,
    phoneOf: (account, remote, contactUri) =>
      phoneOfRequest(account, remote, contactUri, phoneIdentities(ctx), ctx.bindings.location, ctx.now()),
  };
  return safeEmergencyTargetOf(emergencyContext, request, remote, account);
}

/**
 * An emergency number was dialled: the notification, the record and the alert (emergency-service.ts)
 * start after this request is on its way (setImmediate), and nothing they do can reach it.
 */
function reportEmergency(ctx: SipContext, request: SipRequest, remote: Endpoint, number: string, account: string) {
  const { log, now } = ctx;
  const onEmergency = ctx.options.onEmergency;
  if (!onEmergency) return;
  const contactUri = Array.isArray(request.headers.contact) ? request.headers.contact[0]?.uri : undefined;
  setImmediate(() => {
    try {
      const phone = phoneOfRequest(account, remote, contactUri, phoneIdentities(ctx), ctx.bindings.location, now());
      onEmergency({ number, account, ...(phone ? { phone } : {}) });
    } catch (error) {
      log.error({ err: error as Error, number }, 'emergency call: the notification could not start');
    }
  });
}

/** A local caller's call to the trunk (an emergency number too): reported, then forked to the trunk. */
export function callTrunk(
  ctx: SipContext,
  request: SipRequest,
  remote: Endpoint,
  call: { kind: 'emergency' | 'trunk'; number: string; caller: Caller; account: string | undefined },
): void {
  const { number, caller, account } = call;
  if (call.kind === 'emergency' && account !== undefined) reportEmergency(ctx, request, remote, number, account);
  void trunkTarget(ctx, number).then((target) => {
    if (!target) return refuse(ctx, request, { kind: 'no-trunk', dialled: number });
    if (call.kind === 'emergency') ctx.log.warn({ number, caller }, 'emergency call');
    replaceIdentity(request, account, realmOf(ctx), true);
    const emergency = call.kind === 'emergency' ? safeEmergencyTarget(ctx, request, remote, account) : {};
    ctx.proxy.fork(request, [{ ...target, trunk: true, ...emergency }], {
      endpoint: remote,
      trunk: false,
      ...(account !== undefined ? { account } : {}),
    });
  });
}

/**
 * Within an emergency call's callback window, a call from the trunk to the desk's callback number
 * (ELIN) or to its caller's extension rings that desk phone, whoever is logged in there now (and the
 * extension's own registrations too). `false`: no window applies, route as usual.
 */
export function routeEmergencyCallback(ctx: SipContext, request: SipRequest, remote: Endpoint, dialled: string) {
  const { log, now } = ctx;
  const desks = callbackDesks(ctx.store.data.emergency, dialled, now());
  if (desks.length === 0) return false;
  const bindings = [
    ...desks.flatMap((desk) => ctx.bindings.boundTo(desk)),
    ...lookup(ctx.bindings.location, dialled, now()),
  ];
  const targets: ForkTarget[] = [];
  for (const binding of bindings) {
    if (!targets.some((target) => target.uri === binding.contact))
      targets.push({ uri: binding.contact, endpoint: binding.source, account: binding.aor });
  }
  if (targets.length === 0) {
    log.warn({ dialled, desks }, 'emergency callback: the desk phone is not registered; routed as usual');
    return false;
  }
  log.warn(
    { event: 'emergency-callback', dialled, desks },
    `EMERGENCY callback to ${dialled} rings ${desks.join(', ')}`,
  );
  ctx.proxy.fork(request, targets, { endpoint: remote, trunk: true });
  return true;
}

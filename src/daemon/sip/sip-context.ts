/**
 * The SIP service's shared state, built once by sip-service.ts and passed to every handler, with the
 * small answers and checks the handlers share (respond, authenticate, refuse a relay attempt).
 */
import type { Endpoint, SipRequest, SipUri } from '../../sip/message.js';
import { buildResponse } from '../../sip/message.js';
import { allBindings, lookup } from '../../sip/location.js';
import type { Caller } from '../../sip/router.js';
import { reasonStatus } from '../../sip/reason-status.js';
import type { Reason } from '../../core/reasons.js';
import type { SipStack } from '../../adapters/sip-stack.js';
import type { Logger } from '../../adapters/log.js';
import type { StoreService } from '../store-service.js';
import { uriOf, type Proxy } from './proxy.js';
import type { Authenticator } from './authenticator.js';
import type { BlfService } from './blf-service.js';
import type { Device } from '../../sip/phone-identity.js';
import type { PhoneSync } from './phone-sync.js';
import type { IvrService } from '../ivr/ivr-service.js';
import { accountIndex } from '../../store/account-index.js';
import { checkTrunkSource } from '../../sip/trunk-source.js';
import { logRelayRefused, type RelayRefusal } from '../relay-refusal-log.js';
import type { DialogGuard } from './dialog-guard.js';
import { sipTag } from '../../adapters/secrets.js';
import type { SipServiceOptions } from './sip-service-types.js';
import type { BindingTable } from './binding-table.js';
import type { OwnAddress } from './own-address.js';

export interface SipContext {
  readonly options: SipServiceOptions;
  readonly log: Logger;
  readonly store: StoreService;
  readonly now: () => number;
  readonly authenticator: Authenticator;
  readonly bindings: BindingTable;
  /** Where each hot-desk phone was last seen registering (phone-identity.ts). */
  readonly devices: Map<string, Device>;
  /** Phones whose binding is being written (one write per phone, not one per REGISTER). */
  readonly provisioningBinding: Set<string>;
  readonly stack: SipStack;
  readonly own: OwnAddress;
  readonly guard: DialogGuard;
  readonly proxy: Proxy;
  readonly blf: BlfService;
  readonly phoneSync: PhoneSync;
  readonly ivr: IvrService | undefined;
}

const toTag = sipTag;

export function userOf(value: string | SipUri): string | undefined {
  return uriOf(value)?.user;
}

export function realmOf(ctx: Pick<SipContext, 'store'>): string {
  return ctx.store.data.settings.sipDomain;
}

export function phoneIdentities(ctx: Pick<SipContext, 'store'>): { name: string; extension: string | undefined }[] {
  return ctx.store.data.phones.map((phone) => ({ name: phone.name, extension: phone.session?.extension }));
}

export function respond(
  ctx: SipContext,
  request: SipRequest,
  status: number,
  phrase: string,
  headers: Record<string, unknown> = {},
  content?: string,
): void {
  ctx.stack.respond(
    buildResponse(request, status, phrase, {
      headers,
      toTag: toTag(),
      ...(content !== undefined ? { content } : {}),
    }),
  );
}

export function refuse(ctx: SipContext, request: SipRequest, reason: Reason): void {
  const { status, phrase } = reasonStatus(reason);
  respond(ctx, request, status, phrase);
}

/** Authenticates; on failure the answer is already on its way and `undefined` comes back. */
export function authenticate(
  ctx: SipContext,
  request: SipRequest,
  remote: Endpoint,
  mode: 'registrar' | 'proxy',
): string | undefined {
  const { store, now, bindings, authenticator, stack } = ctx;
  const at = now();
  // Failed digests may come from a forged source: valid credentials from an address the account is
  // registered from, or on an emergency call, pass any block (authenticator.ts).
  const emergency =
    request.method === 'INVITE' && store.data.settings.emergencyNumbers.includes(userOf(request.uri) ?? '');
  const registeredHere = (account: string) =>
    lookup(bindings.location, account, at).some((binding) => binding.source.address === remote.address);
  const verdict = authenticator.authenticate(request, remote, mode, at, { emergency, registeredHere });
  if (verdict.kind === 'ok') return verdict.account;
  const send = () => stack.respond(verdict.response);
  if (verdict.delayMs > 0) setTimeout(send, verdict.delayMs).unref();
  else send();
  return undefined;
}

export function isFromTrunk(ctx: Pick<SipContext, 'store'>, remote: Endpoint): boolean {
  const trunk = ctx.store.data.settings.trunk;
  return checkTrunkSource(trunk, trunk ? uriOf(trunk.uri) : undefined, remote);
}

/** The trunk's host or one of its `from` addresses, whatever the port: never banned by fail2ban. */
function isTrunkAddress(ctx: SipContext, address: string): boolean {
  const trunk = ctx.store.data.settings.trunk;
  return Boolean(trunk && (uriOf(trunk.uri)?.host === address || (trunk.from ?? []).includes(address)));
}

/** Refuses a request that tried to get further than it may, with the fail2ban line (relay-refusal-log.ts). */
export function refuseRelay(
  ctx: SipContext,
  request: SipRequest,
  remote: Endpoint,
  status: number,
  phrase: string,
  reason: RelayRefusal,
): void {
  if (request.method !== 'ACK') respond(ctx, request, status, phrase);
  const registered = allBindings(ctx.bindings.location).some(
    (binding) => binding.source.address === remote.address && binding.expiresAt > ctx.now(),
  );
  logRelayRefused(
    ctx.log,
    remote.address,
    reason,
    { method: request.method, callId: request.headers['call-id'] },
    !registered && !isTrunkAddress(ctx, remote.address),
  );
}

export function routeRules(ctx: SipContext) {
  return {
    settings: ctx.store.data.settings,
    isExtension: (number: string) => accountIndex(ctx.store.data).extension(number) !== undefined,
  };
}

export function callerOf(ctx: SipContext, account: string): Caller {
  return accountIndex(ctx.store.data).phone(account)
    ? { kind: 'idle-phone', phone: account }
    : { kind: 'extension', extension: account };
}

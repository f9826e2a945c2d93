/**
 * hotdeskd's SIP side: registrar, proxy, BLF notifier and OPTIONS responder
 * on one stack. Pure modules decide (validate, registrar, router, fork);
 * the handlers this file starts carry their decisions out (request-dispatch.ts and those it calls),
 * sharing one context (sip-context.ts).
 */
import type { SipStack } from '../../adapters/sip-stack.js';
import { allBindings } from '../../sip/location.js';
import { devicesOf, type Device } from '../../sip/phone-identity.js';
import { createProxy } from './proxy.js';
import { answerDigestChallenge } from './digest-retry.js';
import { createBlfService } from './blf-service.js';
import { createPhoneSync, type PhoneSync } from './phone-sync.js';
import { createIvrService, type IvrService } from '../ivr/ivr-service.js';
import { createIvrActions } from '../ivr/ivr-actions.js';
import { createDialogGuard } from './dialog-guard.js';
import type { SipService, SipServiceOptions } from './sip-service-types.js';
import { isFromTrunk, type SipContext } from './sip-context.js';
import { createBindingTable } from './binding-table.js';
import { createOwnAddress } from './own-address.js';
import { stackOptionsOf } from './stack-options.js';
import { onRequest } from './request-dispatch.js';
import { createSipServiceApi, phoneInCall, vendorOf } from './sip-service-api.js';

export type { SipService, SipServiceOptions } from './sip-service-types.js';

export async function startSipService(options: SipServiceOptions): Promise<SipService> {
  const { log, store } = options;
  const now = options.now ?? Date.now;
  const bindings = createBindingTable({
    store,
    log,
    now,
    ...(options.saveBindings ? { saveBindings: options.saveBindings } : {}),
  });
  const devices = new Map<string, Device>(devicesOf(allBindings(bindings.location)));
  const authenticator = options.authenticator(() => store.data.settings.sipDomain);
  const stack = await options.startStack(
    stackOptionsOf(options, now, {
      onRequest: (request, remote, multicast) => onRequest(ctx, request, remote, multicast),
      strayResponse: (response) => Boolean(ctx.ivr?.strayResponse(response)),
    }),
  );
  const own = createOwnAddress(stack, store, options);
  const guard = createDialogGuard({
    now,
    isOwnUri: (uri) => own.isOwnUri(uri),
    isTrunkSource: (remote) => isFromTrunk({ store }, remote),
  });
  const blf = createBlfService({
    stack,
    log,
    isExtension: (number) => store.data.extensions.some((ext) => ext.number === number),
    resolveTarget: (uri) => bindings.resolveTarget(uri),
    now,
  });
  const proxy = createProxy({
    stack,
    log,
    onDialog: (event) => guard.record(event),
    onCallEvent: (event) => blf.onCallEvent(event),
    answerChallenge: answerDigestChallenge,
  });
  const phoneSync = createPhoneSync({
    stack,
    log,
    data: () => store.data,
    vendorOf: (model) => vendorOf(options, model),
    bindingsOf: (phone) => bindings.boundTo(phone),
    removeBindings: (stale) => bindings.remove(stale),
    inCall: (phone) => phoneInCall(ctx, phone),
    answerChallenge: answerDigestChallenge,
    ownUri: own.ownUri,
    ...(options.checkSyncRetryMs ? { retryDelaysMs: options.checkSyncRetryMs } : {}),
  });
  const ivr = startIvr(options, stack, now, phoneSync, own.ownUri);
  const provisioningBinding = new Set<string>();
  const ctx: SipContext = {
    options,
    log,
    store,
    now,
    authenticator,
    bindings,
    devices,
    provisioningBinding,
    stack,
    own,
    guard,
    proxy,
    blf,
    phoneSync,
    ivr,
  };

  const sweep = setInterval(() => {
    blf.sweep();
    guard.sweep();
    bindings.expire();
  }, options.sweepMs ?? 5000);
  sweep.unref();
  return createSipServiceApi(ctx, sweep);
}

/** The login voice menu, when the daemon gave its parts and a write path for logins. */
function startIvr(
  options: SipServiceOptions,
  stack: SipStack,
  now: () => number,
  phoneSync: PhoneSync,
  ownUri: () => string,
): IvrService | undefined {
  if (!options.ivr || !options.submit) return undefined;
  return createIvrService({
    stack,
    log: options.log,
    pool: options.ivr.pool,
    prompts: options.ivr.prompts,
    ...(options.ivr.maxCalls !== undefined ? { maxCalls: options.ivr.maxCalls } : {}),
    mediaAddress: () => options.publicAddress ?? stack.transport.host,
    ownUri,
    now,
    answerChallenge: answerDigestChallenge,
    actions: createIvrActions({
      data: () => options.store.data,
      submit: options.submit,
      verifyPin: options.ivr.verifyPin,
      dummyHash: options.ivr.dummyHash,
      callEnded: (phone) => phoneSync.callEnded(phone),
      now,
    }),
  });
}

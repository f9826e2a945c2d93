/**
 * hotdeskd's SIP side: registrar, proxy, BLF notifier and OPTIONS responder
 * on one stack. Pure modules decide (validate, registrar, router, fork);
 * this file carries their decisions out.
 */
import { stringifyUri } from '../../adapters/sip-syntax.js';
import type { Endpoint, SipRequest, SipUri } from '../../sip/message.js';
import { buildResponse, isRequest } from '../../sip/message.js';
import { checkRequest, ALLOWED_METHODS } from '../../sip/validate.js';
import { contactsForResponse, decideRegister } from '../../sip/registrar.js';
import {
  allBindings,
  expireBindings,
  lookup,
  withBindings,
  type Binding,
  type LocationTable,
} from '../../sip/location.js';
import { routeCall, type Caller } from '../../sip/router.js';
import { reasonStatus } from '../../sip/reason-status.js';
import type { Reason } from '../../core/reasons.js';
import type { SipStack, StartSipStack } from '../../adapters/sip-stack.js';
import type { TlsCredentials } from '../../adapters/sip-transport.js';
import type { Logger } from '../../adapters/log.js';
import type { StoreData } from '../../store/schema.js';
import type { StoreService } from '../store-service.js';
import { createProxy, resolveHost, uriOf, type ForkTarget, type Proxy } from './proxy.js';
import { answerDigestChallenge } from './digest-retry.js';
import type { Authenticator } from './authenticator.js';
import { createBlfService } from './blf-service.js';
import { logSecurityRefusal } from '../security-refusal-log.js';
import { sameContact } from '../../sip/registrar.js';
import { isPnpSubscribe, PNP_MULTICAST_GROUP } from '../../sip/pnp.js';
import { answerPnpSubscribe } from './pnp-handler.js';
import {
  contactHostOf,
  devicesOf,
  phoneOfRegistration,
  phoneOfRequest,
  type Device,
} from '../../sip/phone-identity.js';
import type { Change } from '../../store/changes.js';
import type { ControlResponse } from '../../adapters/control-socket.js';
import type { RtpPortPool } from '../../adapters/rtp-socket.js';
import type { PromptLibrary } from '../../adapters/prompt-files.js';
import type { RateLimit } from '../../provisioning/rate-limiter.js';
import { createPhoneSync, type PhoneSync } from './phone-sync.js';
import { createIvrService, type IvrService } from '../ivr/ivr-service.js';
import { createIvrActions } from '../ivr/ivr-actions.js';
import type { WarningOutcome } from '../../media/warning-call.js';
import { checkTrunkSource } from '../../sip/trunk-source.js';
import { logRelayRefused, type RelayRefusal } from '../relay-refusal-log.js';
import { createDialogGuard } from './dialog-guard.js';
import { checkReferTo, replaceIdentity } from './routing-trust.js';
import { sipTag } from '../../adapters/secrets.js';
import { callbackDesks } from '../../core/emergency-calls.js';
import type { AnnouncementOutcome, Spoken } from '../../media/announcement-call.js';
import type { Language } from '../../core/model.js';
import { parseUserAgent } from '../../provisioning/parse-user-agent.js';
import { safeEmergencyTargetOf, type EmergencyTargetContext } from './emergency-target.js';

export interface SipServiceOptions {
  /** Starts the SIP stack the service runs on (the daemon's: startSipStack; tests: an in-memory one). */
  startStack: StartSipStack;
  bind: string;
  port: number;
  publicAddress?: string;
  log: Logger;
  store: StoreService;
  authenticator: (realm: () => string) => Authenticator;
  now?: () => number;
  /** How often expired bindings are swept, ms. */
  sweepMs?: number;
  /** Applies a store change by the daemon's single path (the control socket's); needed for logins by phone. */
  submit?: (change: Change) => Promise<ControlResponse>;
  /** Keeps the registrations across a restart by the daemon's write path; default a direct store update. */
  saveBindings?: (bindings: StoreData['bindings']) => Promise<unknown>;
  /** The login voice menu; without it the hot-desk codes are answered 480. */
  ivr?: {
    pool: RtpPortPool;
    prompts: PromptLibrary;
    verifyPin(pin: string, hash: string): Promise<boolean>;
    dummyHash: string;
    maxCalls?: number;
  };
  /** Vendor id of a catalogue model, for the check-sync NOTIFY. */
  vendorOf?: (model: string) => string;
  /** Waits between check-sync retries (tests shorten them). */
  checkSyncRetryMs?: readonly number[];
  /** Answer plug-and-play SUBSCRIBEs of pool phones with this provisioning URL (and join 224.0.1.75). */
  pnp?: { provisioningUrl(): string };
  /** Messages per second per source address before they are dropped (default DEFAULT_FLOOD_LIMIT; null: none). */
  floodLimit?: RateLimit | null;
  /** Server transactions kept at once before new requests get 503 (default DEFAULT_MAX_TRANSACTIONS). */
  maxTransactions?: number;
  /** TCP and TLS connections at once from one address (see sip-transport). */
  maxConnectionsPerAddress?: number;
  /** A TCP/TLS connection with no message for this long is closed, ms (see sip-transport). */
  idleTimeoutMs?: number;
  /** SIP over TLS on its own port (see sip-transport); a failed handshake is logged at debug. */
  tls?: { port: number; credentials: TlsCredentials };
  /** Told of every emergency number dialled, after the call is on its way to the trunk (never awaited). */
  onEmergency?: (event: { number: string; account: string; phone?: string }) => void;
}

export interface SipService {
  readonly stack: SipStack;
  /** Digest authentication, with the blocks it holds (hotdesk status, hotdesk unblock). */
  readonly authenticator: Authenticator;
  readonly proxy: Proxy;
  readonly phoneSync: PhoneSync;
  readonly ivr: IvrService | undefined;
  location(): LocationTable;
  /** Phones whose identity changed (a login or logout, from anywhere): switch and re-provision them. */
  switchPhones(phones: readonly string[]): void;
  /** Phones whose configuration changed otherwise (keys, settings): re-provision them. */
  reprovision(phones: readonly string[]): void;
  /** Re-provisions every phone whose configuration lags (at start). */
  reconcile(): void;
  /** For policy logouts: whether the phone is in a call, and when its user's last call was seen (ms). */
  phoneActivity(phone: string): { inCall: boolean; lastCallMs?: number };
  /** Calls the phone with the logout warning; `undefined` when it cannot (not registered, no voice menu). */
  warnPhone(
    phone: string,
    warning: { onExtend(): void; ringTimeoutMs?: number; keyWaitMs?: number; minutesLeft?: number },
  ): Promise<WarningOutcome> | undefined;
  /** Calls every registration of the extension with an announcement (the emergency notification); none registered: `[]`. */
  announce(
    extension: string,
    announcement: { prompts: Spoken[]; language: Language; subject: string; ringTimeoutMs?: number },
  ): Promise<AnnouncementOutcome[]>;
  close(): Promise<void>;
}

const toTag = sipTag;

function userOf(value: string | SipUri): string | undefined {
  return uriOf(value)?.user;
}

export async function startSipService(options: SipServiceOptions): Promise<SipService> {
  const { log, store } = options;
  const now = options.now ?? Date.now;
  let location: LocationTable = new Map();
  for (const stored of store.data.bindings) {
    if (stored.expiresAt > now())
      location = withBindings(location, stored.aor, [...lookup(location, stored.aor, now()), stored]);
  }
  /** Where each hot-desk phone was last seen registering (phone-identity.ts). */
  const devices = new Map<string, Device>(devicesOf(allBindings(location)));
  const phoneIdentities = () =>
    store.data.phones.map((phone) => ({ name: phone.name, extension: phone.session?.extension }));
  const realm = () => store.data.settings.sipDomain;
  const authenticator = options.authenticator(realm);

  const saveBindings =
    options.saveBindings ??
    ((bindings: StoreData['bindings']) => store.update((data) => ({ next: { ...data, bindings }, value: undefined })));
  let persistTimer: NodeJS.Timeout | undefined;
  const persistBindings = (): void => {
    if (persistTimer) return;
    persistTimer = setTimeout(() => {
      persistTimer = undefined;
      void saveBindings(allBindings(location)).catch((error: Error) =>
        log.error({ err: error }, 'could not save registrations'),
      );
    }, 500);
  };

  let stack: SipStack;
  let proxy: Proxy;
  const guard = createDialogGuard({
    now,
    isOwnUri: (uri) => isOwnUri(uri),
    isTrunkSource: (remote) => isFromTrunk(remote),
  });
  let ivr: IvrService | undefined;
  const ownHosts = (): Set<string> =>
    new Set(
      [
        stack.transport.host,
        options.bind,
        store.data.settings.address,
        store.data.settings.sipDomain,
        options.publicAddress,
      ]
        .filter((host): host is string => Boolean(host))
        .map((host) => host.toLowerCase()),
    );
  const isOwnUri = (uri: SipUri): boolean => {
    const tls = uri.schema === 'sips' || String(uri.params['transport'] ?? '').toLowerCase() === 'tls';
    const port = uri.port || (tls ? 5061 : 5060);
    return (
      ownHosts().has(uri.host.toLowerCase()) && (port === stack.transport.port || port === stack.transport.tlsPort)
    );
  };

  const respond = (
    request: SipRequest,
    status: number,
    phrase: string,
    headers: Record<string, unknown> = {},
    content?: string,
  ): void => {
    stack.respond(
      buildResponse(request, status, phrase, {
        headers,
        toTag: toTag(),
        ...(content !== undefined ? { content } : {}),
      }),
    );
  };
  const refuse = (request: SipRequest, reason: Reason): void => {
    const { status, phrase } = reasonStatus(reason);
    respond(request, status, phrase);
  };

  const resolveTarget = (uri: SipUri): Endpoint | undefined => {
    const text = stringifyUri(uri);
    const binding = allBindings(location).find((candidate) => sameContact(candidate.contact, text));
    if (binding) return binding.source;
    const transport = String(uri.params['transport'] ?? 'udp').toUpperCase();
    const protocol = transport === 'TCP' || transport === 'TLS' ? transport : 'UDP';
    return /^[\d.]+$|^\[?[0-9a-f:]+\]?$/i.test(uri.host)
      ? { protocol, address: uri.host.replace(/^\[|\]$/g, ''), port: uri.port || (protocol === 'TLS' ? 5061 : 5060) }
      : undefined;
  };

  /** Authenticates; on failure the answer is already on its way and `undefined` comes back. */
  const authenticate = (request: SipRequest, remote: Endpoint, mode: 'registrar' | 'proxy'): string | undefined => {
    const at = now();
    // Failed digests may come from a forged source: valid credentials from an address the account is
    // registered from, or on an emergency call, pass any block (authenticator.ts).
    const emergency =
      request.method === 'INVITE' && store.data.settings.emergencyNumbers.includes(userOf(request.uri) ?? '');
    const registeredHere = (account: string) =>
      lookup(location, account, at).some((binding) => binding.source.address === remote.address);
    const verdict = authenticator.authenticate(request, remote, mode, at, { emergency, registeredHere });
    if (verdict.kind === 'ok') return verdict.account;
    const send = () => stack.respond(verdict.response);
    if (verdict.delayMs > 0) setTimeout(send, verdict.delayMs).unref();
    else send();
    return undefined;
  };

  const passwordKnown = (account: string): boolean =>
    store.data.extensions.some((ext) => ext.number === account) ||
    store.data.phones.some((phone) => phone.name === account);

  const handleRegister = (request: SipRequest, remote: Endpoint): void => {
    const account = authenticate(request, remote, 'registrar');
    if (account === undefined) return;
    const aor = userOf(request.headers.to.uri);
    // RFC 3261 §10.3 step 3: the authenticated user must be allowed to register this AOR.
    if (aor !== account || !passwordKnown(account)) return respond(request, 403, 'Forbidden');
    const decision = decideRegister({ request, aor, source: remote, current: location.get(aor) ?? [], nowMs: now() });
    if (decision.kind === 'error') {
      return respond(
        request,
        decision.status,
        decision.phrase,
        decision.minExpires ? { 'min-expires': String(decision.minExpires) } : {},
      );
    }
    const contactUri = Array.isArray(request.headers.contact) ? request.headers.contact[0]?.uri : undefined;
    const phone = phoneOfRegistration(account, remote, contactUri, phoneIdentities(), devices);
    const callId = request.headers['call-id'];
    let retagged = false;
    const bindings = decision.bindings.map((binding): Binding => {
      if (binding.callId !== callId || binding.phone === phone) return binding;
      retagged = true;
      const { phone: _previous, ...rest } = binding;
      return phone ? { ...rest, phone } : rest;
    });
    if (phone && contactUri) devices.set(phone, { source: remote, contactHost: contactHostOf(contactUri) });
    location = withBindings(location, aor, bindings);
    if (decision.changed || retagged) persistBindings();
    const contact = contactsForResponse(decision.bindings, now());
    respond(request, 200, 'OK', { ...(contact.length > 0 ? { contact } : {}), date: new Date(now()).toUTCString() });
    // A phone that missed its check-sync (unreachable, or hotdeskd restarted) is told again when it registers.
    if (phone && contact.length > 0) {
      phoneSync.registered(phone);
      bindProvisioning(phone, remote.address);
    }
  };

  /** Phones whose binding is being written (one write per phone, not one per REGISTER). */
  const binding = new Set<string>();
  /**
   * #12 item 9: a phone's own files (its SIP passwords) are served only to the address it first
   * registered from. Phones behind an SBC register from the SBC's address, not their own: not bound.
   */
  const bindProvisioning = (phone: string, address: string): void => {
    const stored = store.data.phones.find((candidate) => candidate.name === phone);
    if (
      !options.submit ||
      !stored ||
      stored.provisioningAddress !== undefined ||
      stored.connection.mode === 'sbc' ||
      binding.has(phone)
    )
      return;
    binding.add(phone);
    void options
      // Written as the HTTP server writes client addresses (an IPv4-mapped IPv6 address as IPv4).
      .submit({
        kind: 'provisioning-bound',
        phone,
        address: address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address,
      })
      .then(
        (response) => {
          if (response.ok)
            log.info(
              { phone, address },
              'phone registered: its provisioning files are served only to this address now',
            );
        },
        (error: unknown) =>
          log.error({ err: error, phone }, "could not bind the phone's provisioning files to its address"),
      )
      .finally(() => binding.delete(phone));
  };

  const trunkTarget = async (number: string): Promise<ForkTarget | undefined> => {
    const trunk = store.data.settings.trunk;
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
  };

  const emergencyContext: EmergencyTargetContext = {
    data: () => store.data,
    log,
    now,
    phoneOf: (account, remote, contactUri) =>
      phoneOfRequest(account, remote, contactUri, phoneIdentities(), location, now()),
  };
  const safeEmergencyTarget = (request: SipRequest, remote: Endpoint, account: string | undefined) =>
    safeEmergencyTargetOf(emergencyContext, request, remote, account);

  const isFromTrunk = (remote: Endpoint): boolean => {
    const trunk = store.data.settings.trunk;
    return checkTrunkSource(trunk, trunk ? uriOf(trunk.uri) : undefined, remote);
  };
  /** The trunk's host or one of its `from` addresses, whatever the port: never banned by fail2ban. */
  const isTrunkAddress = (address: string): boolean => {
    const trunk = store.data.settings.trunk;
    return Boolean(trunk && (uriOf(trunk.uri)?.host === address || (trunk.from ?? []).includes(address)));
  };
  /** Refuses a request that tried to get further than it may, with the fail2ban line (relay-refusal-log.ts). */
  const refuseRelay = (
    request: SipRequest,
    remote: Endpoint,
    status: number,
    phrase: string,
    reason: RelayRefusal,
  ): void => {
    if (request.method !== 'ACK') respond(request, status, phrase);
    const registered = allBindings(location).some(
      (binding) => binding.source.address === remote.address && binding.expiresAt > now(),
    );
    logRelayRefused(
      log,
      remote.address,
      reason,
      { method: request.method, callId: request.headers['call-id'] },
      !registered && !isTrunkAddress(remote.address),
    );
  };
  const routeRules = () => ({
    settings: store.data.settings,
    isExtension: (number: string) => store.data.extensions.some((ext) => ext.number === number),
  });
  const isOwnHost = (host: string): boolean => ownHosts().has(host.toLowerCase());

  const callerOf = (account: string): Caller =>
    store.data.phones.some((phone) => phone.name === account)
      ? { kind: 'idle-phone', phone: account }
      : { kind: 'extension', extension: account };

  /**
   * An emergency number was dialled: the notification, the record and the alert (emergency-service.ts)
   * start after this request is on its way (setImmediate), and nothing they do can reach it.
   */
  const reportEmergency = (request: SipRequest, remote: Endpoint, number: string, account: string): void => {
    const onEmergency = options.onEmergency;
    if (!onEmergency) return;
    const contactUri = Array.isArray(request.headers.contact) ? request.headers.contact[0]?.uri : undefined;
    setImmediate(() => {
      try {
        const phone = phoneOfRequest(account, remote, contactUri, phoneIdentities(), location, now());
        onEmergency({ number, account, ...(phone ? { phone } : {}) });
      } catch (error) {
        log.error({ err: error as Error, number }, 'emergency call: the notification could not start');
      }
    });
  };

  /**
   * Within an emergency call's callback window, a call from the trunk to the desk's callback number
   * (ELIN) or to its caller's extension rings that desk phone, whoever is logged in there now (and the
   * extension's own registrations too). `false`: no window applies, route as usual.
   */
  const routeEmergencyCallback = (request: SipRequest, remote: Endpoint, dialled: string): boolean => {
    const desks = callbackDesks(store.data.emergency, dialled, now());
    if (desks.length === 0) return false;
    const bindings = [...desks.flatMap((desk) => boundTo(desk)), ...lookup(location, dialled, now())];
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
    proxy.fork(request, targets, { endpoint: remote, trunk: true });
    return true;
  };

  const handleInitial = (request: SipRequest, remote: Endpoint): void => {
    let caller: Caller;
    let account: string | undefined;
    if (isFromTrunk(remote)) caller = { kind: 'trunk' };
    else {
      account = authenticate(request, remote, 'proxy');
      if (account === undefined) return;
      caller = callerOf(account);
    }
    const dialled = userOf(request.uri) ?? '';
    if (caller.kind === 'trunk' && request.method === 'INVITE' && routeEmergencyCallback(request, remote, dialled))
      return;
    if (request.method === 'REFER' && !checkReferTo(request, caller, routeRules(), isOwnHost)) {
      return refuseRelay(request, remote, 403, 'Forbidden', 'refer-not-allowed');
    }
    const decision = routeCall({
      dialled,
      caller,
      settings: store.data.settings,
      isExtension: (number) => store.data.extensions.some((ext) => ext.number === number),
    });
    switch (decision.kind) {
      case 'refuse':
        // The trunk may reach local extensions only (#12 item 5): anything else is a relay attempt.
        if (caller.kind === 'trunk' && decision.reason.kind === 'no-route')
          return refuseRelay(request, remote, 403, 'Forbidden', 'trunk-to-outside');
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
            language: store.data.settings.defaultLanguage,
          });
        }
        return refuse(request, decision.reason);
      case 'login':
      case 'logout': {
        if (!ivr || request.method !== 'INVITE') return refuse(request, { kind: 'login-service-unavailable' });
        const contactUri = Array.isArray(request.headers.contact) ? request.headers.contact[0]?.uri : undefined;
        const phone =
          account === undefined
            ? undefined
            : phoneOfRequest(account, remote, contactUri, phoneIdentities(), location, now());
        if (!phone) {
          if (caller.kind === 'idle-phone')
            logSecurityRefusal(
              log,
              remote.address,
              'idle-account-not-registered-here',
              'hot-desk code with idle credentials from where that phone is not registered: refused',
            );
          else log.info({ account, dialled }, 'hot-desk code from a phone that is not a hot-desk phone: refused');
          return respond(request, 403, 'Not A Hot-Desk Phone');
        }
        return ivr.answer(
          request,
          remote,
          decision.kind === 'login'
            ? { kind: 'login', extension: decision.extension, phone }
            : { kind: 'logout', phone },
        );
      }
      case 'logout-everywhere': {
        // From any authenticated phone (a user's own desk phone or softphone too): the PIN decides.
        if (!ivr || request.method !== 'INVITE' || account === undefined)
          return refuse(request, { kind: 'login-service-unavailable' });
        const contactUri = Array.isArray(request.headers.contact) ? request.headers.contact[0]?.uri : undefined;
        const found = phoneOfRequest(account, remote, contactUri, phoneIdentities(), location, now());
        if (!found && caller.kind === 'idle-phone') {
          logSecurityRefusal(
            log,
            remote.address,
            'idle-account-not-registered-here',
            'hot-desk code with idle credentials from where that phone is not registered: refused',
          );
          return respond(request, 403, 'Not A Hot-Desk Phone');
        }
        const phone = found ?? account;
        return ivr.answer(request, remote, { kind: 'logout-everywhere', extension: decision.extension, phone });
      }
      case 'extension': {
        const bindings = lookup(location, decision.extension, now());
        if (bindings.length === 0) return refuse(request, { kind: 'not-registered', extension: decision.extension });
        if (caller.kind !== 'trunk') replaceIdentity(request, account, realm(), false);
        return proxy.fork(
          request,
          bindings.map((binding: Binding) => ({
            uri: binding.contact,
            endpoint: binding.source,
            account: decision.extension,
          })),
          { endpoint: remote, trunk: caller.kind === 'trunk', ...(account !== undefined ? { account } : {}) },
        );
      }
      case 'emergency':
      case 'trunk': {
        // The trunk may reach local extensions only, never the trunk again or any other host.
        if (caller.kind === 'trunk') return refuseRelay(request, remote, 403, 'Forbidden', 'trunk-to-outside');
        const number = decision.number;
        if (decision.kind === 'emergency' && account !== undefined) reportEmergency(request, remote, number, account);
        void trunkTarget(number).then((target) => {
          if (!target) return refuse(request, { kind: 'no-trunk', dialled: number });
          if (decision.kind === 'emergency') log.warn({ number, caller }, 'emergency call');
          replaceIdentity(request, account, realm(), true);
          const emergency = decision.kind === 'emergency' ? safeEmergencyTarget(request, remote, account) : {};
          proxy.fork(request, [{ ...target, trunk: true, ...emergency }], {
            endpoint: remote,
            trunk: false,
            ...(account !== undefined ? { account } : {}),
          });
        });
        return;
      }
    }
  };

  const handlePnp = (request: SipRequest, remote: Endpoint, multicast: boolean): void =>
    answerPnpSubscribe(
      { stack, log, phones: () => store.data.phones, ownUri, provisioningUrl: options.pnp?.provisioningUrl },
      request,
      remote,
      multicast,
    );

  /**
   * A request that looks in-dialog (To-tag, or Route): forwarded only inside a dialog hotdeskd set up,
   * to that dialog's other end; with no To-tag and a Route naming only hotdeskd, `initial` handles it.
   */
  const guarded = (request: SipRequest, remote: Endpoint, initial: () => void): void => {
    const verdict = guard.check(request, remote);
    if (verdict.kind === 'out-of-dialog') return initial();
    if (verdict.kind === 'refuse') {
      if (request.method === 'ACK')
        return log.debug(
          { callId: request.headers['call-id'], source: remote.address },
          'ACK outside any known dialog dropped',
        );
      return refuseRelay(request, remote, verdict.status, verdict.phrase, verdict.reason);
    }
    const { match } = verdict;
    const sender = match.from.trunk
      ? ({ kind: 'trunk' } as const)
      : match.from.account !== undefined
        ? callerOf(match.from.account)
        : undefined;
    if (request.method === 'REFER' && !checkReferTo(request, sender, routeRules(), isOwnHost)) {
      return refuseRelay(request, remote, 403, 'Forbidden', 'refer-not-allowed');
    }
    if (!match.from.trunk) replaceIdentity(request, match.from.account, realm(), match.to.trunk === true);
    proxy.forwardInDialog(request, isOwnUri, match.to.endpoint, (status) =>
      guard.forwarded(match, request.method, status),
    );
  };

  const onRequest = (request: SipRequest, remote: Endpoint, multicast: boolean): void => {
    const inDialog = Boolean(request.headers.to.params['tag']) || (request.headers.route?.length ?? 0) > 0;
    const local =
      ['REGISTER', 'OPTIONS', 'SUBSCRIBE'].includes(request.method) && (!inDialog || request.method === 'SUBSCRIBE');
    const ownSentBy = [stack.transport.port, stack.transport.tlsPort].flatMap((port) =>
      port === undefined ? [] : [`${stack.transport.host}:${port}`],
    );
    const problem = checkRequest(request, { ownSentBy, local });
    if (problem) {
      if (request.method !== 'ACK') respond(request, problem.status, problem.phrase, problem.headers ?? {});
      return;
    }
    switch (request.method) {
      case 'ACK':
        if (inDialog && !ivr?.inDialog(request, remote)) guarded(request, remote, () => undefined);
        return;
      case 'CANCEL':
        if (!ivr?.cancel(request) && !proxy.cancel(request)) respond(request, 481, 'Call/Transaction Does Not Exist');
        return;
      case 'REGISTER':
        return handleRegister(request, remote);
      case 'OPTIONS': {
        if (inDialog && ivr?.inDialog(request, remote)) return;
        const options = () =>
          respond(request, 200, 'OK', {
            allow: ALLOWED_METHODS.join(', '),
            accept: 'application/sdp',
            'accept-language': 'en',
          });
        if (inDialog) return guarded(request, remote, options);
        return options();
      }
      case 'SUBSCRIBE': {
        if (isPnpSubscribe(request)) return handlePnp(request, remote, multicast);
        // A refresh carries our To tag; an initial SUBSCRIBE is authenticated first.
        if (request.headers.to.params['tag']) return blf.subscribe(request, remote);
        const subscriber = authenticate(request, remote, 'registrar');
        if (subscriber === undefined) return;
        if (callerOf(subscriber).kind === 'idle-phone') {
          // An idle hot-desk phone has no user: it may watch nobody's dialog state.
          logSecurityRefusal(
            log,
            remote.address,
            'idle-account-subscribe',
            'SUBSCRIBE from an idle hot-desk account: refused',
          );
          return respond(request, 403, 'Forbidden');
        }
        return blf.subscribe(request, remote);
      }
      default: {
        if (inDialog && ivr?.inDialog(request, remote)) return;
        const initial = () =>
          ['INVITE', 'MESSAGE', 'REFER'].includes(request.method)
            ? handleInitial(request, remote)
            : respond(request, 481, 'Call/Transaction Does Not Exist');
        if (inDialog) return guarded(request, remote, initial);
        return initial();
      }
    }
  };

  stack = await options.startStack({
    bind: options.bind,
    port: options.port,
    ...(options.publicAddress ? { publicAddress: options.publicAddress } : {}),
    log,
    onRequest,
    onStrayResponse: (response) => {
      // A 2xx to a warning call whose ACK was lost comes again: it is ACKed again (RFC 3261 §13.2.2.4).
      if (ivr?.strayResponse(response)) return;
      log.debug({ callId: response.headers['call-id'], status: response.status }, 'stray response');
    },
    onDrop: (what, remote) => log.debug({ what, source: remote.address }, 'dropped SIP input'),
    ...(options.floodLimit !== undefined ? { floodLimit: options.floodLimit } : {}),
    ...(options.maxTransactions !== undefined ? { maxTransactions: options.maxTransactions } : {}),
    ...(options.maxConnectionsPerAddress !== undefined
      ? { maxConnectionsPerAddress: options.maxConnectionsPerAddress }
      : {}),
    ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
    onTlsError: (error, remote) =>
      log.debug({ source: remote.address, error: error.message }, 'TLS handshake failed: connection dropped'),
    now,
    onFlood: (address) =>
      log.warn({ source: address, event: 'sip-flood' }, 'SIP flood: dropping messages from this source over the limit'),
    // Plug-and-play SUBSCRIBEs are taken from the multicast group only, whether plug-and-play is on or not.
    multicastOnly: (message) => isRequest(message) && isPnpSubscribe(message),
    ...(options.pnp
      ? {
          multicastGroups: [PNP_MULTICAST_GROUP],
          onMulticastError: (group: string, error: Error) =>
            log.warn(
              { group, err: error },
              'cannot join the plug-and-play multicast group: factory-fresh phones need DHCP option 66 or the URL typed in',
            ),
        }
      : {}),
  });
  const blf = createBlfService({
    stack,
    log,
    isExtension: (number) => store.data.extensions.some((ext) => ext.number === number),
    resolveTarget,
    now,
  });
  proxy = createProxy({
    stack,
    log,
    onDialog: (event) => guard.record(event),
    onCallEvent: (event) => blf.onCallEvent(event),
    answerChallenge: answerDigestChallenge,
  });

  const ownUri = () => `sip:${options.publicAddress ?? stack.transport.host}:${stack.transport.port}`;
  const boundTo = (phone: string): Binding[] =>
    allBindings(location).filter((binding) => binding.phone === phone && binding.expiresAt > now());
  /** In a call with the voice menu, or its user in a proxied call from this desk. */
  const phoneInCall = (phone: string): boolean => {
    if (ivr?.inCall(phone)) return true;
    const found = store.data.phones.find((candidate) => candidate.name === phone);
    return Boolean(
      found?.session &&
      blf.inCall(found.session.extension) &&
      boundTo(phone).some((binding) => binding.aor === found.session!.extension),
    );
  };
  const phoneSync = createPhoneSync({
    stack,
    log,
    data: () => store.data,
    vendorOf: options.vendorOf ?? ((model) => model.split('-')[0] ?? model),
    bindingsOf: boundTo,
    removeBindings: (stale) => {
      for (const aor of new Set(stale.map((binding) => binding.aor))) {
        location = withBindings(
          location,
          aor,
          (location.get(aor) ?? []).filter((binding) => !stale.includes(binding)),
        );
      }
      persistBindings();
    },
    inCall: (phone) => phoneInCall(phone),
    answerChallenge: answerDigestChallenge,
    ownUri,
    ...(options.checkSyncRetryMs ? { retryDelaysMs: options.checkSyncRetryMs } : {}),
  });
  if (options.ivr && options.submit) {
    const submit = options.submit;
    ivr = createIvrService({
      stack,
      log,
      pool: options.ivr.pool,
      prompts: options.ivr.prompts,
      ...(options.ivr.maxCalls !== undefined ? { maxCalls: options.ivr.maxCalls } : {}),
      mediaAddress: () => options.publicAddress ?? stack.transport.host,
      ownUri,
      now,
      answerChallenge: answerDigestChallenge,
      actions: createIvrActions({
        data: () => store.data,
        submit,
        verifyPin: options.ivr.verifyPin,
        dummyHash: options.ivr.dummyHash,
        callEnded: (phone) => phoneSync.callEnded(phone),
        now,
      }),
    });
  }

  let closed = false;
  const sweep = setInterval(() => {
    blf.sweep();
    guard.sweep();
    const { table, expired } = expireBindings(location, now());
    if (expired.length > 0) {
      location = table;
      persistBindings();
    }
  }, options.sweepMs ?? 5000);
  sweep.unref();

  return {
    stack,
    authenticator,
    proxy,
    phoneSync,
    ivr,
    location: () => location,
    switchPhones: (phones) => phoneSync.switchPhones(phones),
    reprovision: (phones) => phoneSync.reprovision(phones),
    reconcile: () => phoneSync.reconcile(),
    phoneActivity(phone) {
      const extension = store.data.phones.find((candidate) => candidate.name === phone)?.session?.extension;
      const lastCallMs = extension === undefined ? undefined : blf.lastCallAt(extension);
      return { inCall: phoneInCall(phone), ...(lastCallMs !== undefined ? { lastCallMs } : {}) };
    },
    warnPhone(phone, warning) {
      const found = store.data.phones.find((candidate) => candidate.name === phone);
      const extension = found?.session?.extension;
      if (!ivr || !found || extension === undefined) return undefined;
      const bindings = boundTo(phone);
      const binding = bindings.filter((candidate) => candidate.aor === extension).at(-1) ?? bindings.at(-1);
      if (!binding) return undefined;
      const user = store.data.extensions.find((ext) => ext.number === binding.aor);
      const password = user?.sipPassword ?? (binding.aor === found.name ? found.idlePassword : undefined);
      return ivr.warn({
        phone,
        extension,
        target: { aor: binding.aor, contact: binding.contact, source: binding.source },
        vendor: (options.vendorOf ?? ((model: string) => model.split('-')[0] ?? model))(found.model),
        language:
          store.data.extensions.find((ext) => ext.number === extension)?.language ??
          store.data.settings.defaultLanguage,
        domain: store.data.settings.sipDomain,
        ...(password !== undefined ? { credentials: { username: binding.aor, password } } : {}),
        ...warning,
      });
    },
    async announce(extension, announcement) {
      if (!ivr) return [];
      const calls = lookup(location, extension, now()).map((binding) => {
        const phone =
          binding.phone === undefined
            ? undefined
            : store.data.phones.find((candidate) => candidate.name === binding.phone);
        const vendor = phone
          ? (options.vendorOf ?? ((model: string) => model.split('-')[0] ?? model))(phone.model)
          : (parseUserAgent(binding.userAgent)?.vendor ?? 'unknown');
        const password = store.data.extensions.find((ext) => ext.number === binding.aor)?.sipPassword;
        return ivr!.announce({
          phone: binding.phone ?? extension,
          target: { aor: binding.aor, contact: binding.contact, source: binding.source },
          vendor,
          language: announcement.language,
          domain: store.data.settings.sipDomain,
          prompts: announcement.prompts,
          subject: announcement.subject,
          ...(announcement.ringTimeoutMs !== undefined ? { ringTimeoutMs: announcement.ringTimeoutMs } : {}),
          ...(password !== undefined ? { credentials: { username: binding.aor, password } } : {}),
        });
      });
      return Promise.all(calls);
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweep);
      phoneSync.close();
      await ivr?.close();
      if (persistTimer) {
        clearTimeout(persistTimer);
        persistTimer = undefined;
        await saveBindings(allBindings(location));
      }
      await stack.close();
    },
  };
}

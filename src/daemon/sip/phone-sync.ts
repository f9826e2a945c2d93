/**
 * Re-provisioning phones (the reconciliation of ARCHITECTURE.md): a phone
 * whose desired configuration generation is ahead of the one it last fetched
 * is sent a check-sync NOTIFY, again with back-off until it fetches or the
 * retries run out. A phone whose identity changed (login, logout, takeover)
 * loses the registrations of its previous identity at once, so calls and BLF
 * stop going there; the NOTIFY goes to the contact it registered them from.
 * A phone in a call is switched when the call ends.
 */
import { generateBranch } from '../../adapters/sip-syntax.js';
import type { Endpoint, SipRequest, SipResponse } from '../../sip/message.js';
import type { Binding } from '../../sip/location.js';
import { buildCheckSync, checkSyncRetryDelay } from '../../sip/check-sync.js';
import type { Logger } from '../../adapters/log.js';
import type { SipStack } from '../../adapters/sip-stack.js';
import type { StoreData } from '../../store/schema.js';
import type { ChallengeAnswerer } from './proxy.js';
import { sipTag } from '../../adapters/secrets.js';

export interface PhoneSyncOptions {
  stack: SipStack;
  log: Logger;
  data(): StoreData;
  /** Vendor id of a catalogue model (`yealink-t54w` → `yealink`). */
  vendorOf(model: string): string;
  /** Live bindings registered by a phone (any account). */
  bindingsOf(phone: string): Binding[];
  /** Drops bindings from the location table. */
  removeBindings(bindings: readonly Binding[]): void;
  /** Whether the phone is in a call now (switching waits for its end). */
  inCall(phone: string): boolean;
  answerChallenge: ChallengeAnswerer;
  ownUri(): string;
  /** Waits between retries; tests shorten them. */
  retryDelaysMs?: readonly number[];
  /** How often a phone waiting for its call to end is looked at again, ms. */
  busyPollMs?: number;
}

export interface PhoneSync {
  /** The phones' identities changed: drop stale registrations and tell them (now, or when their call ends). */
  switchPhones(phones: readonly string[]): void;
  /** Tells these phones their configuration changed. */
  reprovision(phones: readonly string[]): void;
  /** Tells every phone whose configuration lags (at start). */
  reconcile(): void;
  /** The phone's call ended: a switch waiting for it goes ahead now. */
  callEnded(phone: string): void;
  /** The phone fetched its configuration: stop asking if it is up to date. */
  fetched(phone: string): void;
  /**
   * The phone registered: if its configuration lags and nothing is being sent
   * to it (it was unreachable, or hotdeskd restarted), tell it now.
   */
  registered(phone: string): void;
  /** NOTIFYs sent so far (for tests and benchmarks). */
  readonly sent: number;
  /** Phones with a NOTIFY or a switch pending. */
  readonly pending: number;
  close(): void;
}

interface Pending {
  /** Attempts made for the current generation. */
  attempts: number;
  generation: number;
  timer: NodeJS.Timeout | undefined;
  /** Where to send when the phone has no live binding (the registration just removed). */
  lastKnown: Binding | undefined;
  switching: boolean;
}

const identityOf = (data: StoreData, phone: string): string | undefined => {
  const found = data.phones.find((candidate) => candidate.name === phone);
  return found && (found.session?.extension ?? found.name);
};

export function createPhoneSync(options: PhoneSyncOptions): PhoneSync {
  const { stack, log } = options;
  const pending = new Map<string, Pending>();
  let sent = 0;
  let closed = false;

  const credentialsFor = (aor: string): { username: string; password: string } | undefined => {
    const data = options.data();
    const extension = data.extensions.find((ext) => ext.number === aor);
    if (extension) return { username: aor, password: extension.sipPassword };
    const phone = data.phones.find((candidate) => candidate.name === aor);
    return phone ? { username: aor, password: phone.idlePassword } : undefined;
  };

  const send = (phone: string, target: Binding): void => {
    const data = options.data();
    const model = data.phones.find((candidate) => candidate.name === phone)?.model ?? '';
    const request = buildCheckSync({
      vendor: options.vendorOf(model),
      aor: target.aor,
      contact: target.contact,
      domain: data.settings.sipDomain,
      ownUri: options.ownUri(),
      callId: `${generateBranch().slice(7)}@hotdesk`,
      fromTag: sipTag(),
      cseq: 1,
    });
    const endpoint: Endpoint = target.source;
    sent += 1;
    const copy = (): SipRequest => structuredClone(request);
    stack.send(copy(), endpoint, (response: SipResponse) => {
      if (response.status === 401 || response.status === 407) {
        const credentials = credentialsFor(target.aor);
        const answer = credentials && options.answerChallenge(response, request, credentials);
        if (!answer)
          return log.warn(
            { phone, status: response.status },
            'phone challenged the check-sync NOTIFY and no credentials fit',
          );
        const retry = copy();
        retry.headers.cseq = { seq: 2, method: 'NOTIFY' };
        retry.headers[answer.header] = [answer.value];
        stack.send(retry, endpoint, (second) => {
          if (second.status >= 300) log.warn({ phone, status: second.status }, 'phone refused the check-sync NOTIFY');
        });
        return;
      }
      if (response.status >= 300) log.warn({ phone, status: response.status }, 'phone refused the check-sync NOTIFY');
      else if (response.status >= 200) log.debug({ phone, aor: target.aor }, 'check-sync accepted');
    });
  };

  const upToDate = (phone: string): boolean => {
    const found = options.data().phones.find((candidate) => candidate.name === phone);
    return !found || found.appliedGeneration >= found.desiredGeneration;
  };

  const forget = (phone: string): void => {
    const entry = pending.get(phone);
    if (entry?.timer) clearTimeout(entry.timer);
    pending.delete(phone);
  };

  const attempt = (phone: string): void => {
    const entry = pending.get(phone);
    if (!entry || closed) return;
    entry.timer = undefined;
    if (!options.data().phones.some((candidate) => candidate.name === phone)) return forget(phone);
    if (entry.switching) {
      if (options.inCall(phone)) {
        entry.timer = setTimeout(() => attempt(phone), options.busyPollMs ?? 2000);
        entry.timer.unref();
        return;
      }
      entry.switching = false;
      const identity = identityOf(options.data(), phone);
      const stale = options.bindingsOf(phone).filter((binding) => binding.aor !== identity);
      if (stale.length > 0) {
        options.removeBindings(stale);
        entry.lastKnown = stale[stale.length - 1];
        log.info(
          { phone, removed: stale.map((binding) => binding.aor) },
          'registrations of the previous identity removed',
        );
      }
    }
    if (upToDate(phone)) return forget(phone);
    const generation = options.data().phones.find((candidate) => candidate.name === phone)!.desiredGeneration;
    if (generation !== entry.generation) {
      entry.generation = generation;
      entry.attempts = 0;
    }
    const live = options.bindingsOf(phone);
    const target = live[live.length - 1] ?? entry.lastKnown;
    if (!target) {
      log.info({ phone }, 'phone not registered: it fetches its configuration when it next boots or checks');
      return forget(phone);
    }
    entry.attempts += 1;
    send(phone, target);
    const delay = checkSyncRetryDelay(entry.attempts, options.retryDelaysMs);
    if (delay === undefined) {
      log.warn(
        { phone, attempts: entry.attempts },
        'phone did not fetch its new configuration after repeated check-sync NOTIFYs',
      );
      return forget(phone);
    }
    entry.timer = setTimeout(() => attempt(phone), delay);
    entry.timer.unref();
  };

  const schedule = (phone: string, switching: boolean): void => {
    const entry = pending.get(phone);
    if (entry) {
      entry.switching ||= switching;
      if (entry.timer) clearTimeout(entry.timer);
    } else {
      pending.set(phone, { attempts: 0, generation: -1, timer: undefined, lastKnown: undefined, switching });
    }
    attempt(phone);
  };

  return {
    get sent() {
      return sent;
    },
    get pending() {
      return pending.size;
    },
    switchPhones(phones) {
      for (const phone of new Set(phones)) schedule(phone, true);
    },
    reprovision(phones) {
      for (const phone of new Set(phones)) if (!pending.get(phone)?.switching) schedule(phone, false);
    },
    reconcile() {
      for (const phone of options.data().phones) {
        if (phone.appliedGeneration < phone.desiredGeneration && !pending.has(phone.name)) schedule(phone.name, false);
      }
    },
    callEnded(phone) {
      const entry = pending.get(phone);
      if (entry?.switching && !options.inCall(phone)) {
        if (entry.timer) clearTimeout(entry.timer);
        attempt(phone);
      }
    },
    fetched(phone) {
      const entry = pending.get(phone);
      if (entry && !entry.switching && upToDate(phone)) forget(phone);
    },
    registered(phone) {
      if (!pending.has(phone) && !upToDate(phone)) schedule(phone, false);
    },
    close() {
      closed = true;
      for (const phone of [...pending.keys()]) forget(phone);
    },
  };
}

/**
 * What phone-sync's parts (phone-sync.ts composes them: phone-sync-attempt.ts,
 * phone-sync-notify.ts) share: the options, the phones with something pending,
 * the count of NOTIFYs sent.
 */
import type { Binding } from '../../sip/location.js';
import type { Logger } from '../../adapters/log.js';
import type { SipStack } from '../../adapters/sip-stack.js';
import type { StoreData } from '../../store/schema.js';
import type { ChallengeAnswerer } from './digest-retry.js';

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

export interface Pending {
  /** Attempts made for the current generation. */
  attempts: number;
  generation: number;
  timer: NodeJS.Timeout | undefined;
  /** Where to send when the phone has no live binding (the registration just removed). */
  lastKnown: Binding | undefined;
  switching: boolean;
}

/** Phone-sync's state, shared by its parts. */
export interface PhoneSyncContext {
  readonly options: PhoneSyncOptions;
  readonly pending: Map<string, Pending>;
  /** NOTIFYs sent so far. */
  sent: number;
  closed: boolean;
}

export const createPhoneSyncContext = (options: PhoneSyncOptions): PhoneSyncContext => ({
  options,
  pending: new Map(),
  sent: 0,
  closed: false,
});

/** Whether the phone's configuration is the one it last fetched (a phone gone counts as up to date). */
export const upToDate = (ctx: PhoneSyncContext, phone: string): boolean => {
  const found = ctx.options.data().phones.find((candidate) => candidate.name === phone);
  return !found || found.appliedGeneration >= found.desiredGeneration;
};

/** Stops everything pending for the phone. */
export const forget = (ctx: PhoneSyncContext, phone: string): void => {
  const entry = ctx.pending.get(phone);
  if (entry?.timer) clearTimeout(entry.timer);
  ctx.pending.delete(phone);
};

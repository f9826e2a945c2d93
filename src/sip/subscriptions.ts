/**
 * The BLF notifier's subscription table (RFC 6665 SIP events, RFC 4235 dialog
 * package) as a value: what to answer a SUBSCRIBE, which NOTIFYs to send when
 * an extension's calls change, and which subscriptions ran out. The daemon
 * sends the responses and NOTIFYs these decisions describe.
 */
import type { Endpoint, RouteEntry, SipRequest } from './message.js';
import { headerText } from './message.js';
import { sameContact } from './registrar.js';
import { buildDialogInfo, DIALOG_INFO_CONTENT_TYPE } from './dialog-info.js';
import { dialogsOf, type Dialog, type DialogChange, type DialogTable } from './dialog-state.js';

/** The one event package hotdesk serves. */
export const DIALOG_EVENT = 'dialog';

/**
 * Where a subscription stands (RFC 6665 §4.1.3, §4.2.2).
 *
 * ```text
 *   SUBSCRIBE accepted ──► active ◄──┐ refresh SUBSCRIBE: expiry moved on,
 *                            │ ──────┘ NOTIFY with the full state
 *                            │
 *                            ├── SUBSCRIBE with Expires: 0 ──┐
 *                            ├── not refreshed in time ──────┴──► terminated: final NOTIFY
 *                            │                                   (reason=timeout), then forgotten
 *                            └── a NOTIFY answered 481 ─────────► forgotten (removeSubscription)
 * ```
 *
 * `pending` (waiting for the resource owner's consent) is never entered: anyone
 * in the office may watch any extension, so subscriptions are authorised at once.
 */
export type SubscriptionState = 'active' | 'terminated';

export interface SubscriptionLimits {
  /** A nonzero Expires below this gets 423 with Min-Expires. */
  minExpires: number;
  /** Longer requests are shortened to this (RFC 6665 §4.2.1.1: the notifier may shorten, never lengthen). */
  maxExpires: number;
  /** When the SUBSCRIBE has no Expires (RFC 4235 §3.4: 3600 s for the dialog package). */
  defaultExpires: number;
  /** Subscriptions held in all; past it new ones get 503. */
  maxSubscriptions: number;
  /** Subscriptions held per watcher AOR; past it its new ones get 503. */
  maxPerSubscriber: number;
  /** Retry-After of those 503s, seconds. */
  retryAfter: number;
}

export const DEFAULT_SUBSCRIPTION_LIMITS: SubscriptionLimits = {
  minExpires: 60,
  maxExpires: 3600,
  defaultExpires: 3600,
  maxSubscriptions: 2000,
  maxPerSubscriber: 200,
  retryAfter: 60,
};

/** One watcher's subscription to one extension: also the SIP dialog its NOTIFYs are sent in. */
export interface Subscription {
  /** {@link subscriptionKey} of the dialog identifiers and Event id. */
  key: string;
  callId: string;
  /** The watcher's tag (From of the SUBSCRIBE; To of our NOTIFYs). */
  fromTag: string;
  /** Our tag (To of the SUBSCRIBE's 200; From of our NOTIFYs). */
  toTag: string;
  /** `id` parameter of the Event header, echoed in every NOTIFY. */
  eventId?: string;
  /** The watcher's AOR (From URI of the SUBSCRIBE). */
  subscriber: string;
  /** The watched extension, e.g. `201`. */
  target: string;
  /** The watched resource URI: `entity` of the documents and From URI of our NOTIFYs. */
  entity: string;
  /** Remote target: the Request-URI of our NOTIFYs. */
  contact: string;
  /** Record-Route of the initial SUBSCRIBE, in order: the Route of our NOTIFYs (RFC 3261 §12.1.1). */
  routeSet: readonly RouteEntry[];
  /** Where the SUBSCRIBE came from: NOTIFYs follow that flow to phones behind NAT. */
  source?: Endpoint;
  expiresAt: number;
  /** Version of the next document (RFC 4235 §4.1: per subscription, from 0). */
  version: number;
  /** CSeq of the last NOTIFY sent; 0 before the first. */
  localCseq: number;
  /** CSeq of the last SUBSCRIBE taken (RFC 3261 §12.2.2). */
  remoteCseq: number;
}

export type SubscriptionTable = ReadonlyMap<string, Subscription>;

export const emptySubscriptions = (): SubscriptionTable => new Map();

/** A NOTIFY to send in a subscription's dialog. Every NOTIFY carries the full state. */
export interface NotifyEffect {
  kind: 'send-notify';
  /** The subscription after this NOTIFY (dialog identifiers, contact, route set, flow). */
  subscription: Subscription;
  /** CSeq of this NOTIFY. */
  cseq: number;
  state: SubscriptionState;
  /** Event header value: the package and the subscription's `id`. */
  event: string;
  /** Subscription-State header value (RFC 6665 §8.2.3): `active;expires=N` or `terminated;reason=timeout`. */
  subscriptionState: string;
  contentType: typeof DIALOG_INFO_CONTENT_TYPE;
  body: string;
  /** The document's version, as in the body. */
  version: number;
}

/** Why a SUBSCRIBE is refused; {@link refusalResponse} is the one table to a SIP response. */
export type SubscribeRefusal =
  | { kind: 'bad-event'; event: string | undefined }
  | { kind: 'not-acceptable' }
  | { kind: 'bad-request'; phrase: string }
  | { kind: 'interval-too-brief'; minExpires: number }
  | { kind: 'no-subscription' }
  | { kind: 'out-of-order' }
  | { kind: 'too-many'; scope: 'table' | 'subscriber'; retryAfter: number };

export type SubscribeDecision =
  | { kind: 'refuse'; refusal: SubscribeRefusal }
  | {
      kind: 'accept';
      table: SubscriptionTable;
      /** Expires of the 200: the granted seconds; 0 for an unsubscribe or a fetch. */
      expires: number;
      /** To tag of the 200. */
      toTag: string;
      /** RFC 6665 §4.2.1.2: the NOTIFY to send at once. */
      notify: NotifyEffect;
      /**
       * An older subscription of the same device to the same extension, dropped for this one (a phone that
       * rebooted).
       */
      replaced?: Subscription;
    };

/** A SUBSCRIBE reduced to what the table needs ({@link parseSubscribe} makes one from a request). */
export interface SubscribeInput {
  callId: string;
  fromTag: string;
  /** Absent on an initial SUBSCRIBE; ours on a refresh or unsubscribe. */
  toTag?: string;
  cseq: number;
  /** Event header as sent (`dialog`, `dialog;id=3`); undefined when missing. */
  event: string | undefined;
  /** Accept header as sent; undefined when missing. */
  accept: string | undefined;
  /** Expires in seconds; undefined when missing, NaN when unreadable. */
  expires: number | undefined;
  subscriber: string;
  /** Contact URI; undefined when missing (a refresh then keeps the old one). */
  contact: string | undefined;
  routeSet: readonly RouteEntry[];
  target: string;
  entity: string;
  source?: Endpoint;
}

export interface SubscribeContext {
  /** The extensions' calls now, for the NOTIFY that answers the SUBSCRIBE. */
  dialogs: DialogTable;
  /** A fresh To tag, used when the SUBSCRIBE starts a new dialog. */
  newTag: string;
  limits?: SubscriptionLimits;
}

/** The SIP response for a refusal: status, phrase and the headers the RFCs ask for. */
export function refusalResponse(refusal: SubscribeRefusal): {
  status: number;
  phrase: string;
  headers: Record<string, string>;
} {
  switch (refusal.kind) {
    case 'bad-event':
      // RFC 6665 §4.2.1.1: an unknown package gets 489, with the packages we do serve.
      return { status: 489, phrase: 'Bad Event', headers: { 'allow-events': DIALOG_EVENT } };
    case 'not-acceptable':
      // RFC 3261 §21.4.7.
      return { status: 406, phrase: 'Not Acceptable', headers: { accept: DIALOG_INFO_CONTENT_TYPE } };
    case 'bad-request':
      return { status: 400, phrase: refusal.phrase, headers: {} };
    case 'interval-too-brief':
      // RFC 6665 §4.2.1.1 / RFC 3261 §21.4.17: 423 names the minimum.
      return { status: 423, phrase: 'Interval Too Brief', headers: { 'min-expires': String(refusal.minExpires) } };
    case 'no-subscription':
      return { status: 481, phrase: 'Subscription Does Not Exist', headers: {} };
    case 'out-of-order':
      // RFC 3261 §12.2.2: a lower CSeq in the dialog gets 500.
      return { status: 500, phrase: 'CSeq Out Of Order', headers: {} };
    case 'too-many':
      return { status: 503, phrase: 'Too Many Subscriptions', headers: { 'retry-after': String(refusal.retryAfter) } };
  }
}

/**
 * The table key of a subscription: its dialog (Call-ID, both tags) and the Event `id` (RFC 6665 tells subscriptions
 * apart by both).
 */
export function subscriptionKey(parts: {
  callId: string;
  fromTag: string;
  toTag: string;
  eventId?: string | undefined;
}): string {
  return [parts.callId, parts.fromTag, parts.toTag, parts.eventId ?? ''].join('\n');
}

/** `dialog;id=3` → package and id; undefined when there is no package token. */
export function parseEvent(text: string | undefined): { package: string; id?: string } | undefined {
  if (text === undefined) return undefined;
  const [name, ...params] = text.split(';').map((part) => part.trim());
  if (!name) return undefined;
  const idParam = params.find((param) => /^id\s*=/i.test(param));
  const id = idParam?.replace(/^id\s*=\s*/i, '').replace(/^"(.*)"$/, '$1');
  return { package: name, ...(id ? { id } : {}) };
}

/** RFC 4235 §3.5: without Accept, dialog-info is understood; with one, it must admit it. */
export function acceptsDialogInfo(accept: string | undefined): boolean {
  if (accept === undefined) return true;
  return accept.split(',').some((range) => {
    const [type, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    if (params.some((param) => /^q\s*=\s*0(\.0*)?$/.test(param))) return false;
    return type === DIALOG_INFO_CONTENT_TYPE || type === 'application/*' || type === '*/*';
  });
}

function parseExpires(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  return /^\s*\d{1,10}\s*$/.test(text) ? Number(text) : Number.NaN;
}

/**
 * Reads a SUBSCRIBE; `entity` defaults to its To URI (the resource the phone
 * asked for). Never throws. The sip parser joins repeated header lines with
 * commas and leaves Event's compact form `o` unexpanded.
 */
export function parseSubscribe(
  request: SipRequest,
  where: { target: string; entity?: string; source?: Endpoint },
): SubscribeInput {
  const { headers } = request;
  const contacts = headers.contact;
  const contact = Array.isArray(contacts) ? contacts[0]?.uri : undefined;
  const toTag = headers.to.params['tag'];
  return {
    callId: headers['call-id'],
    fromTag: headers.from.params['tag'] ?? '',
    ...(toTag ? { toTag } : {}),
    cseq: headers.cseq.seq,
    event: headerText(headers, 'event') ?? headerText(headers, 'o'),
    accept: headerText(headers, 'accept'),
    expires: parseExpires(headerText(headers, 'expires')),
    subscriber: headers.from.uri,
    contact,
    routeSet: headers['record-route'] ?? [],
    target: where.target,
    entity: where.entity ?? headers.to.uri,
    ...(where.source ? { source: where.source } : {}),
  };
}

const remainingSeconds = (subscription: Subscription, nowMs: number): number =>
  Math.max(0, Math.ceil((subscription.expiresAt - nowMs) / 1000));

/**
 * The next NOTIFY of `subscription` with the full state `dialogs`; the subscription comes back with version and
 * CSeq moved on.
 */
function notify(
  subscription: Subscription,
  dialogs: readonly Dialog[],
  state: SubscriptionState,
  subscriptionState: string,
): NotifyEffect {
  const version = subscription.version;
  const cseq = subscription.localCseq + 1;
  const next = { ...subscription, version: version + 1, localCseq: cseq };
  return {
    kind: 'send-notify',
    subscription: next,
    cseq,
    state,
    event: subscription.eventId !== undefined ? `${DIALOG_EVENT};id=${subscription.eventId}` : DIALOG_EVENT,
    subscriptionState,
    contentType: DIALOG_INFO_CONTENT_TYPE,
    body: buildDialogInfo({ entity: subscription.entity, version, state: 'full', dialogs }),
    version,
  };
}

// RFC 6665 §4.2.2: `timeout` also serves an Expires: 0, which is expiry brought forward.
const TERMINATED = 'terminated;reason=timeout';
const active = (seconds: number) => `active;expires=${seconds}`;

/**
 * Decides a SUBSCRIBE (already authenticated) for the dialog package: refuse,
 * or accept with the 200's Expires and the NOTIFY to send at once. A new
 * subscription, a refresh, an unsubscribe (Expires: 0) and a fetch (a new
 * SUBSCRIBE with Expires: 0, RFC 6665 §4.4.3) all answer with the full state.
 */
export function applySubscribe(
  table: SubscriptionTable,
  input: SubscribeInput,
  nowMs: number,
  context: SubscribeContext,
): SubscribeDecision {
  const limits = context.limits ?? DEFAULT_SUBSCRIPTION_LIMITS;
  const refuse = (refusal: SubscribeRefusal): SubscribeDecision => ({ kind: 'refuse', refusal });

  // RFC 6665 §4.2.1.1: check the package first.
  const event = parseEvent(input.event);
  if (event?.package !== DIALOG_EVENT) return refuse({ kind: 'bad-event', event: input.event });
  if (!acceptsDialogInfo(input.accept)) return refuse({ kind: 'not-acceptable' });
  if (Number.isNaN(input.expires)) return refuse({ kind: 'bad-request', phrase: 'Invalid Expires' });
  if (!input.fromTag) return refuse({ kind: 'bad-request', phrase: 'Missing From Tag' });
  // NOTIFYs go to the Contact, so it must be a SIP URI (not `*`, not `mailto:`).
  if (input.contact !== undefined && !/^sips?:/i.test(input.contact))
    return refuse({ kind: 'bad-request', phrase: 'Bad Contact' });
  const requested = input.expires ?? limits.defaultExpires;
  if (requested > 0 && requested < limits.minExpires)
    return refuse({ kind: 'interval-too-brief', minExpires: limits.minExpires });
  const granted = Math.min(requested, limits.maxExpires);

  if (input.toTag !== undefined) {
    // A SUBSCRIBE inside a dialog: refresh or unsubscribe (RFC 6665 §4.2.1.4).
    const key = subscriptionKey({
      callId: input.callId,
      fromTag: input.fromTag,
      toTag: input.toTag,
      eventId: event.id,
    });
    const existing = table.get(key);
    if (!existing || existing.expiresAt <= nowMs) return refuse({ kind: 'no-subscription' });
    if (input.cseq < existing.remoteCseq) return refuse({ kind: 'out-of-order' });
    const dialogs = dialogsOf(context.dialogs, existing.target);
    const next = new Map(table);
    if (granted === 0) {
      // RFC 6665 §4.1.2.3: unsubscribing ends with a final NOTIFY.
      next.delete(key);
      const final = notify({ ...existing, remoteCseq: input.cseq }, dialogs, 'terminated', TERMINATED);
      return { kind: 'accept', table: next, expires: 0, toTag: existing.toTag, notify: final };
    }
    // RFC 3261 §12.2.2: SUBSCRIBE is a target refresh request, so a new Contact replaces the remote target.
    const refreshed: Subscription = {
      ...existing,
      expiresAt: nowMs + granted * 1000,
      remoteCseq: input.cseq,
      ...(input.contact ? { contact: input.contact } : {}),
      ...(input.source ? { source: input.source } : {}),
    };
    const sent = notify(refreshed, dialogs, 'active', active(granted));
    next.set(key, sent.subscription);
    return { kind: 'accept', table: next, expires: granted, toTag: existing.toTag, notify: sent };
  }

  if (!input.contact) return refuse({ kind: 'bad-request', phrase: 'Missing Contact' });
  const dialogs = dialogsOf(context.dialogs, input.target);
  const created: Subscription = {
    key: subscriptionKey({ callId: input.callId, fromTag: input.fromTag, toTag: context.newTag, eventId: event.id }),
    callId: input.callId,
    fromTag: input.fromTag,
    toTag: context.newTag,
    ...(event.id !== undefined ? { eventId: event.id } : {}),
    subscriber: input.subscriber,
    target: input.target,
    entity: input.entity,
    contact: input.contact,
    routeSet: input.routeSet,
    ...(input.source ? { source: input.source } : {}),
    expiresAt: nowMs + granted * 1000,
    version: 0,
    localCseq: 0,
    remoteCseq: input.cseq,
  };
  if (granted === 0) {
    // RFC 6665 §4.4.3: a fetch. One NOTIFY with the state; nothing is kept.
    const fetched = notify(created, dialogs, 'terminated', TERMINATED);
    return { kind: 'accept', table, expires: 0, toTag: context.newTag, notify: fetched };
  }

  const replaced = [...table.values()].find(
    (held) =>
      held.subscriber === input.subscriber &&
      held.target === input.target &&
      held.eventId === event.id &&
      sameContact(held.contact, input.contact!),
  );
  const next = new Map(table);
  if (replaced) next.delete(replaced.key);
  if (next.size >= limits.maxSubscriptions) {
    return refuse({ kind: 'too-many', scope: 'table', retryAfter: limits.retryAfter });
  }
  let ofSubscriber = 0;
  for (const held of next.values()) if (held.subscriber === input.subscriber) ofSubscriber += 1;
  if (ofSubscriber >= limits.maxPerSubscriber) {
    return refuse({ kind: 'too-many', scope: 'subscriber', retryAfter: limits.retryAfter });
  }
  const sent = notify(created, dialogs, 'active', active(granted));
  next.set(created.key, sent.subscription);
  return {
    kind: 'accept',
    table: next,
    expires: granted,
    toTag: context.newTag,
    notify: sent,
    ...(replaced ? { replaced } : {}),
  };
}

/**
 * One NOTIFY per live subscription watching a changed extension, in the order
 * of `changed`, each with the subscription's next version and its remaining
 * time. Subscriptions already past their expiry are left to {@link expireSubscriptions}.
 */
export function notifyChanges(
  table: SubscriptionTable,
  changed: readonly DialogChange[],
  nowMs: number,
): { table: SubscriptionTable; notifies: NotifyEffect[] } {
  const notifies: NotifyEffect[] = [];
  let next: Map<string, Subscription> | undefined;
  for (const change of changed) {
    for (const subscription of (next ?? table).values()) {
      if (subscription.target !== change.extension || subscription.expiresAt <= nowMs) continue;
      const sent = notify(subscription, change.dialogs, 'active', active(remainingSeconds(subscription, nowMs)));
      next ??= new Map(table);
      next.set(subscription.key, sent.subscription);
      notifies.push(sent);
    }
  }
  return { table: next ?? table, notifies };
}

/**
 * Drops the subscriptions whose time is up at `nowMs`, each with a final NOTIFY
 * (RFC 6665 §4.2.2: `terminated;reason=timeout`) carrying the current state.
 * Returns the same table when nothing expired.
 */
export function expireSubscriptions(
  table: SubscriptionTable,
  nowMs: number,
  dialogs: DialogTable,
): { table: SubscriptionTable; expired: Subscription[]; notifies: NotifyEffect[] } {
  const expired = [...table.values()].filter((subscription) => subscription.expiresAt <= nowMs);
  if (expired.length === 0) return { table, expired, notifies: [] };
  const next = new Map(table);
  for (const subscription of expired) next.delete(subscription.key);
  const notifies = expired.map((subscription) =>
    notify(subscription, dialogsOf(dialogs, subscription.target), 'terminated', TERMINATED),
  );
  return { table: next, expired, notifies };
}

/**
 * Forgets a subscription without a NOTIFY: its NOTIFY got 481 or timed out (RFC 6665 §4.2.2). Same table when
 * unknown.
 */
export function removeSubscription(table: SubscriptionTable, key: string): SubscriptionTable {
  if (!table.has(key)) return table;
  const next = new Map(table);
  next.delete(key);
  return next;
}

/**
 * BLF for the phones (RFC 6665 + RFC 4235): SUBSCRIBE to an extension's
 * dialog state, NOTIFY as its calls change. The rules are the pure modules'
 * (sip/subscriptions, sip/dialog-state); this holds their tables, turns proxy
 * call events into dialog events and sends the NOTIFYs.
 */
import { parseUri, stringifyUri } from '../../adapters/sip-syntax.js';
import type { Endpoint, SipRequest, SipUri } from '../../sip/message.js';
import { buildResponse } from '../../sip/message.js';
import {
  applyCallEvent,
  dialogsOf,
  emptyDialogs,
  type CallEvent as DialogEvent,
  type DialogState,
  type DialogTable,
} from '../../sip/dialog-state.js';
import {
  applySubscribe,
  emptySubscriptions,
  expireSubscriptions,
  notifyChanges,
  parseSubscribe,
  refusalResponse,
  removeSubscription,
  type NotifyEffect,
  type SubscriptionTable,
} from '../../sip/subscriptions.js';
import type { SipStack } from '../../adapters/sip-stack.js';
import type { Logger } from '../../adapters/log.js';
import type { CallEvent } from './proxy.js';
import { sipTag } from '../../adapters/secrets.js';

export interface BlfOptions {
  stack: SipStack;
  log: Logger;
  isExtension(number: string): boolean;
  resolveTarget(uri: SipUri): Endpoint | undefined;
  now(): number;
}

export interface BlfService {
  subscribe(request: SipRequest, remote: Endpoint): void;
  onCallEvent(event: CallEvent): void;
  sweep(): void;
  /** Whether the extension has a call that has not ended. */
  inCall(extension: string): boolean;
  /** When a call the extension made or received was last seen (ms, any phase); undefined: none yet. */
  lastCallAt(extension: string): number | undefined;
  readonly subscriptions: number;
}

const PHASES: Record<CallEvent['phase'], DialogState> = {
  trying: 'trying',
  early: 'early',
  confirmed: 'confirmed',
  terminated: 'terminated',
};

/** Calls remembered for their terminating event; bounded so a lost BYE cannot grow it without end. */
const MAX_CALLS = 10_000;

const userOf = (value: string | SipUri | undefined): string | undefined =>
  value === undefined ? undefined : (typeof value === 'string' ? parseUri(value) : value)?.user;

const newTag = sipTag;

export function createBlfService(options: BlfOptions): BlfService {
  const { stack, log } = options;
  let subscriptions: SubscriptionTable = emptySubscriptions();
  let dialogs: DialogTable = emptyDialogs();
  /** Call-ID → who is in the call, as seen on its INVITE. */
  const calls = new Map<string, { caller?: string; callee?: string; callerUri: string; calleeUri: string }>();
  /** Extension → when one of its calls was last seen (for idle logout); one entry per extension. */
  const lastCall = new Map<string, number>();
  const ownUri = () => `sip:${stack.transport.host}:${stack.transport.port}`;

  const send = (effect: NotifyEffect): void => {
    const subscription = effect.subscription;
    const notify: SipRequest = {
      method: 'NOTIFY',
      uri: subscription.contact,
      version: '2.0',
      headers: {
        via: [],
        from: { uri: subscription.entity, params: { tag: subscription.toTag } },
        to: { uri: subscription.subscriber, params: { tag: subscription.fromTag } },
        'call-id': subscription.callId,
        cseq: { seq: effect.cseq, method: 'NOTIFY' },
        'max-forwards': '70',
        contact: [{ uri: ownUri(), params: {} }],
        event: effect.event,
        'subscription-state': effect.subscriptionState,
        'content-type': effect.contentType,
        ...(subscription.routeSet.length > 0 ? { route: [...subscription.routeSet] } : {}),
      },
      content: effect.body,
    };
    const contact = parseUri(subscription.contact);
    const endpoint = subscription.source ?? (contact && options.resolveTarget(contact));
    if (!endpoint) return;
    stack.send(notify, endpoint, (response) => {
      // RFC 6665 §4.2.2: a NOTIFY answered 481 (or never answered) ends the subscription.
      if (response.status === 481 || response.status === 408)
        subscriptions = removeSubscription(subscriptions, subscription.key);
    });
  };

  const apply = (event: DialogEvent): void => {
    const step = applyCallEvent(dialogs, event);
    dialogs = step.table;
    if (step.changed.length === 0) return;
    const notified = notifyChanges(subscriptions, step.changed, options.now());
    subscriptions = notified.table;
    notified.notifies.forEach(send);
  };

  return {
    get subscriptions() {
      return subscriptions.size;
    },

    subscribe(request, remote) {
      const inDialog = Boolean(request.headers.to.params['tag']);
      const existing = inDialog
        ? [...subscriptions.values()].find(
            (held) => held.callId === request.headers['call-id'] && held.toTag === request.headers.to.params['tag'],
          )
        : undefined;
      const target = existing?.target ?? userOf(request.uri) ?? '';
      if (!inDialog && !options.isExtension(target)) {
        stack.respond(buildResponse(request, 404, 'Not Found', { toTag: newTag() }));
        return;
      }
      const input = parseSubscribe(request, {
        target,
        source: remote,
        ...(existing ? { entity: existing.entity } : {}),
      });
      const decision = applySubscribe(subscriptions, input, options.now(), { dialogs, newTag: newTag() });
      if (decision.kind === 'refuse') {
        const { status, phrase, headers } = refusalResponse(decision.refusal);
        stack.respond(buildResponse(request, status, phrase, { headers, toTag: newTag() }));
        return;
      }
      subscriptions = decision.table;
      stack.respond(
        buildResponse(request, 200, 'OK', {
          toTag: decision.toTag,
          headers: { expires: String(decision.expires), contact: [{ uri: ownUri(), params: {} }] },
        }),
      );
      send(decision.notify);
    },

    onCallEvent(event) {
      const callId = event.callId;
      if (event.phase === 'trying' && !calls.has(callId)) {
        if (calls.size >= MAX_CALLS) calls.delete(calls.keys().next().value!);
        const caller = userOf(event.request.headers.from.uri);
        const callee = userOf(event.request.uri);
        calls.set(callId, {
          ...(caller && options.isExtension(caller) ? { caller } : {}),
          ...(callee && options.isExtension(callee) ? { callee } : {}),
          callerUri: event.request.headers.from.uri,
          calleeUri: typeof event.request.uri === 'string' ? event.request.uri : stringifyUri(event.request.uri),
        });
      }
      const call = calls.get(callId);
      if (!call) return;
      const phase = PHASES[event.phase];
      for (const party of [call.caller, call.callee]) if (party) lastCall.set(party, options.now());
      if (call.caller)
        apply({ kind: 'call', callId, extension: call.caller, direction: 'initiator', remote: call.calleeUri, phase });
      if (call.callee)
        apply({ kind: 'call', callId, extension: call.callee, direction: 'recipient', remote: call.callerUri, phase });
      if (phase === 'terminated') calls.delete(callId);
    },

    inCall(extension) {
      return dialogsOf(dialogs, extension).some((dialog) => dialog.state !== 'terminated');
    },

    lastCallAt(extension) {
      return lastCall.get(extension);
    },

    sweep() {
      const expired = expireSubscriptions(subscriptions, options.now(), dialogs);
      subscriptions = expired.table;
      expired.notifies.forEach(send);
      if (expired.expired.length > 0) log.debug({ count: expired.expired.length }, 'subscriptions expired');
    },
  };
}

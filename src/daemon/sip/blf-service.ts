/**
 * BLF for the phones (RFC 6665 + RFC 4235): SUBSCRIBE to an extension's
 * dialog state, NOTIFY as its calls change. The rules are the pure modules'
 * (sip/subscriptions, sip/dialog-state); this holds their tables, turns proxy
 * call events into dialog events and sends the NOTIFYs.
 */
import { parseUri } from '../../adapters/sip-syntax.js';
import { sendBlfNotify } from './blf-notify.js';
import { createBlfCalls } from './blf-calls.js';
import type { Endpoint, SipRequest, SipUri } from '../../sip/message.js';
import { buildResponse } from '../../sip/message.js';
import {
  applyCallEvent,
  dialogsOf,
  emptyDialogs,
  type CallEvent as DialogEvent,
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

const userOf = (value: string | SipUri | undefined): string | undefined =>
  value === undefined ? undefined : (typeof value === 'string' ? parseUri(value) : value)?.user;

const newTag = sipTag;

export function createBlfService(options: BlfOptions): BlfService {
  const { stack, log } = options;
  let subscriptions: SubscriptionTable = emptySubscriptions();
  let dialogs: DialogTable = emptyDialogs();
  const calls = createBlfCalls(options.isExtension, options.now);
  const ownUri = () => `sip:${stack.transport.host}:${stack.transport.port}`;

  const send = (effect: NotifyEffect): void =>
    sendBlfNotify(stack, effect, options.resolveTarget, (key) => {
      subscriptions = removeSubscription(subscriptions, key);
    });

  const apply = (event: DialogEvent): void => {
    const step = applyCallEvent(dialogs, event);
    dialogs = step.table;
    if (step.changed.length === 0) return;
    const notified = notifyChanges(subscriptions, step.changed, options.now());
    subscriptions = notified.table;
    notified.notifies.forEach(send);
  };

  const subscribe = (request: SipRequest, remote: Endpoint): void => {
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
  };

  return {
    get subscriptions() {
      return subscriptions.size;
    },

    subscribe: (request, remote) => subscribe(request, remote),

    onCallEvent: (event) => calls.dialogEvents(event).forEach(apply),

    inCall(extension) {
      return dialogsOf(dialogs, extension).some((dialog) => dialog.state !== 'terminated');
    },

    lastCallAt: (extension) => calls.lastCallAt(extension),

    sweep() {
      const expired = expireSubscriptions(subscriptions, options.now(), dialogs);
      subscriptions = expired.table;
      expired.notifies.forEach(send);
      if (expired.expired.length > 0) log.debug({ count: expired.expired.length }, 'subscriptions expired');
    },
  };
}

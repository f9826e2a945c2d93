/**
 * A BLF NOTIFY (RFC 6665 §4.2.2, RFC 4235) in the subscription's dialog,
 * sent through the dialog layer's one client path (digest-retry.ts).
 */
import { parseUri } from '../../adapters/sip-syntax.js';
import type { Endpoint, SipRequest, SipUri } from '../../sip/message.js';
import type { NotifyEffect } from '../../sip/subscriptions.js';
import type { SipStack } from '../../adapters/sip-stack.js';
import { sendWithDigestRetry } from './digest-retry.js';

/** The NOTIFY a subscription is owed, from its dialog (our tag is the subscription's To-tag). */
export function buildBlfNotify(effect: NotifyEffect, ownUri: string): SipRequest {
  const subscription = effect.subscription;
  return {
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
      contact: [{ uri: ownUri, params: {} }],
      event: effect.event,
      'subscription-state': effect.subscriptionState,
      'content-type': effect.contentType,
      ...(subscription.routeSet.length > 0 ? { route: [...subscription.routeSet] } : {}),
    },
    content: effect.body,
  };
}

/** Sends the NOTIFY; `gone` when the subscriber says the subscription is over (481) or never answers (408). */
export function sendBlfNotify(
  stack: SipStack,
  effect: NotifyEffect,
  resolveTarget: (uri: SipUri) => Endpoint | undefined,
  gone: (key: string) => void,
): void {
  const subscription = effect.subscription;
  const contact = parseUri(subscription.contact);
  const endpoint = subscription.source ?? (contact && resolveTarget(contact));
  if (!endpoint) return;
  const ownUri = `sip:${stack.transport.host}:${stack.transport.port}`;
  sendWithDigestRetry(stack, buildBlfNotify(effect, ownUri), endpoint, (response) => {
    // RFC 6665 §4.2.2: a NOTIFY answered 481 (or never answered) ends the subscription.
    if (response.status === 481 || response.status === 408) gone(subscription.key);
  });
}

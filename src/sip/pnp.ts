/**
 * Plug-and-play for factory-fresh phones: a phone with no provisioning URL
 * sends `SUBSCRIBE` with `Event: ua-profile;profile-type="device";vendor=…`
 * to the multicast group 224.0.1.75, port 5060, naming its MAC in the user
 * part of the Request-URI and From (`MAC%3a001565AABBCC`, `MAC=…`, or the bare
 * hex digits, by vendor). A server that knows the phone answers 200 and sends
 * a NOTIFY in the same dialog with `Content-Type: application/url` and the
 * provisioning URL as its body; the phone then fetches its configuration from
 * there. The SUBSCRIBE carries `Expires: 0`: one NOTIFY ends the subscription.
 * hotdeskd answers only such SUBSCRIBEs that arrived on the group (see
 * sip-service and hotdeskd(8), PLUG-AND-PLAY).
 */
import type { SipRequest } from './message.js';
import { headerText } from './message.js';

export const PNP_MULTICAST_GROUP = '224.0.1.75';

export interface PnpRequest {
  /** 12 lowercase hex digits. */
  mac: string;
  /** The Event header as sent, echoed in the NOTIFY. */
  event: string;
  vendor: string | undefined;
  model: string | undefined;
}

const userOf = (uri: unknown): string => {
  const text =
    typeof uri === 'string'
      ? uri
      : typeof uri === 'object' && uri !== null
        ? String((uri as { user?: string }).user ?? '')
        : '';
  const match = /^sips?:([^@]*)@/i.exec(text);
  return decodeSafely(match ? match[1]! : text);
};

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function macIn(user: string): string | undefined {
  const match = /^(?:mac[:=]?)?([0-9a-f]{12})$/i.exec(user.replace(/[-.]/g, ''));
  return match ? match[1]!.toLowerCase() : undefined;
}

const param = (event: string, name: string): string | undefined => {
  const match = new RegExp(`;\\s*${name}\\s*=\\s*"?([^";]*)"?`, 'i').exec(event);
  return match ? match[1] : undefined;
};

/** The phone's plug-and-play request, or `undefined` when the SUBSCRIBE is not one (or names no MAC). */
export function parsePnpSubscribe(request: SipRequest): PnpRequest | undefined {
  if (request.method !== 'SUBSCRIBE') return undefined;
  const event = headerText(request.headers, 'event') ?? '';
  if (!/^\s*ua-profile\b/i.test(event)) return undefined;
  const profileType = param(event, 'profile-type');
  if (profileType !== undefined && profileType.toLowerCase() !== 'device') return undefined;
  const mac = macIn(userOf(request.uri)) ?? macIn(userOf(request.headers.from.uri));
  if (!mac) return undefined;
  return { mac, event: event.trim(), vendor: param(event, 'vendor'), model: param(event, 'model') };
}

export function isPnpSubscribe(request: SipRequest): boolean {
  return request.method === 'SUBSCRIBE' && /^\s*ua-profile\b/i.test(headerText(request.headers, 'event') ?? '');
}

export interface PnpNotifyInput {
  subscribe: SipRequest;
  /** The To tag of our 200 to the SUBSCRIBE. */
  toTag: string;
  url: string;
  ownUri: string;
  event: string;
}

/** The NOTIFY in the SUBSCRIBE's dialog, carrying the provisioning URL (RFC 6665 §4.2.2 roles). */
export function buildPnpNotify(input: PnpNotifyInput): SipRequest {
  const { subscribe } = input;
  const contact = Array.isArray(subscribe.headers.contact) ? subscribe.headers.contact[0]?.uri : undefined;
  return {
    method: 'NOTIFY',
    uri: contact ?? subscribe.headers.from.uri,
    version: '2.0',
    headers: {
      via: [],
      to: subscribe.headers.from,
      from: { ...subscribe.headers.to, params: { ...subscribe.headers.to.params, tag: input.toTag } },
      'call-id': subscribe.headers['call-id'],
      cseq: { seq: 1, method: 'NOTIFY' },
      'max-forwards': '70',
      contact: [{ uri: input.ownUri, params: {} }],
      event: input.event,
      'subscription-state': 'terminated;reason=timeout',
      'content-type': 'application/url',
    },
    content: input.url,
  };
}

/**
 * A dialog hotdeskd is an end of, as far as building its requests goes
 * (RFC 3261 §12): the Call-ID, our side and the other side (each with its
 * tag), the remote target and the route set. Built from the INVITE we
 * answered (§12.1.1) or from the 2xx to the INVITE we sent (§12.1.2).
 */
import type { NameAddr, RouteEntry, SipRequest, SipResponse, SipUri } from './message.js';

export interface DialogIds {
  callId: string;
  /** Our side (From of our requests), with our tag. */
  local: NameAddr;
  /** The other side (To of our requests), with its tag once known. */
  remote: NameAddr;
  /** Where our in-dialog requests go: the other side's Contact. */
  target: string | SipUri;
  /** The route set, in the order our requests carry it. */
  routes: RouteEntry[];
}

const firstContact = (message: SipRequest | SipResponse): string | undefined =>
  Array.isArray(message.headers.contact) ? message.headers.contact[0]?.uri : undefined;

/** RFC 3261 §12.1.1: the dialog of an INVITE we answer with `localTag`; the route set is its Record-Route as it is. */
export function dialogAsUas(invite: SipRequest, localTag: string): DialogIds {
  return {
    callId: invite.headers['call-id'],
    local: { ...invite.headers.to, params: { ...invite.headers.to.params, tag: localTag } },
    remote: invite.headers.from,
    target: firstContact(invite) ?? invite.headers.from.uri,
    routes: [...(invite.headers['record-route'] ?? [])],
  };
}

/** RFC 3261 §12.1.2: the dialog an INVITE of ours set up with this 2xx; the route set is its Record-Route reversed. */
export function dialogAsUac(invite: SipRequest, answer: SipResponse): DialogIds {
  return {
    callId: invite.headers['call-id'],
    local: invite.headers.from,
    remote: answer.headers.to,
    target: firstContact(answer) ?? invite.uri,
    routes: [...(answer.headers['record-route'] ?? [])].reverse(),
  };
}

/** A request in the dialog (BYE, ACK, INFO…) with this CSeq number; the stack adds the Via. */
export function buildDialogRequest(
  dialog: DialogIds,
  method: string,
  seq: number,
  headers: Record<string, unknown> = {},
  content = '',
): SipRequest {
  return {
    method,
    uri: dialog.target,
    version: '2.0',
    headers: {
      via: [],
      to: dialog.remote,
      from: dialog.local,
      'call-id': dialog.callId,
      cseq: { seq, method },
      'max-forwards': '70',
      ...(dialog.routes.length > 0 ? { route: dialog.routes } : {}),
      ...headers,
    },
    content,
  };
}

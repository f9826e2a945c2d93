/**
 * The requests that reach hotdeskd inside a dialog it is an end of (a login
 * call, a warning call, an announcement), answered the same way for all:
 * ACK stops the 2xx retransmission, BYE ends the call (RFC 3261 §15.1.2),
 * a re-INVITE or UPDATE is answered with our SDP on the same port, a new
 * offer we cannot take gets 488 (RFC 3261 §14.2), INFO with a DTMF body
 * (application/dtmf-relay, application/dtmf) gives a digit and any other
 * body 415 (RFC 6086 §4.2), OPTIONS our capabilities, anything else 405.
 */
import type { Endpoint, SipRequest } from '../../sip/message.js';
import { buildResponse, headerText } from '../../sip/message.js';
import { buildSdpAnswer } from '../../media/sdp-answer.js';
import { parseSipInfoDtmf } from '../../media/sip-info-dtmf.js';
import type { DtmfDigit } from '../../media/dtmf-digit.js';
import type { SipStack } from '../../adapters/sip-stack.js';
import type { MediaAnswer } from '../ivr/media-session.js';

/** The methods our dialogs take. */
export const DIALOG_ALLOW = 'INVITE, ACK, CANCEL, BYE, INFO, OPTIONS, UPDATE';
export const DTMF_INFO_TYPES = 'application/dtmf-relay, application/dtmf';

/** The session of a dialog: our media port and the SDP we last answered (or offered). */
export interface DialogSession {
  media: { readonly port: number; updateRemote(answer: MediaAnswer): void } | undefined;
  sessionId: number;
  sessionVersion: number;
  sdp: string;
}

export interface InDialogContext {
  stack: SipStack;
  /** Our address in SDP (c= and o=). */
  mediaAddress(): string;
  /** Sends our 2xx with `session.sdp` to an INVITE (again until its ACK) or an UPDATE. */
  sendOk(request: SipRequest, remote: Endpoint): void;
  /** The ACK of our 2xx came. */
  acked(): void;
  /** The other side hung up (already answered 200). */
  hungUp(): void;
  /** A key pressed, sent as SIP INFO. */
  digit(digit: DtmfDigit): void;
}

const isOffer = (content: string | undefined): content is string => Boolean(content && /^v=0/m.test(content));

/** RFC 3264 §8: a new offer in the dialog, answered on the same port; false when it cannot be taken (488 sent). */
function takeOffer(request: SipRequest, session: DialogSession, context: InDialogContext): boolean {
  if (!isOffer(request.content) || !session.media) return true;
  const answer = buildSdpAnswer(request.content, {
    address: context.mediaAddress(),
    port: session.media.port,
    sessionId: session.sessionId,
    sessionVersion: session.sessionVersion + 1,
  });
  if (!answer.ok) {
    context.stack.respond(buildResponse(request, 488, 'Not Acceptable Here'));
    return false;
  }
  session.sessionVersion += 1;
  session.sdp = answer.sdp;
  session.media.updateRemote(answer);
  return true;
}

function answerInfo(request: SipRequest, context: InDialogContext): void {
  const digit = parseSipInfoDtmf(headerText(request.headers, 'content-type'), request.content);
  if (digit === undefined && request.content) {
    context.stack.respond(
      buildResponse(request, 415, 'Unsupported Media Type', { headers: { accept: DTMF_INFO_TYPES } }),
    );
    return;
  }
  context.stack.respond(buildResponse(request, 200, 'OK'));
  if (digit !== undefined) context.digit(digit);
}

/** Answers a request inside one of our dialogs. */
export function answerInDialog(
  request: SipRequest,
  remote: Endpoint,
  session: DialogSession,
  context: InDialogContext,
): void {
  const { stack } = context;
  switch (request.method) {
    case 'ACK':
      return context.acked();
    case 'BYE':
      stack.respond(buildResponse(request, 200, 'OK'));
      return context.hungUp();
    case 'INFO':
      return answerInfo(request, context);
    case 'INVITE':
    case 'UPDATE':
      if (takeOffer(request, session, context)) context.sendOk(request, remote);
      return;
    case 'OPTIONS':
      return stack.respond(buildResponse(request, 200, 'OK', { headers: { allow: DIALOG_ALLOW } }));
    default:
      return stack.respond(buildResponse(request, 405, 'Method Not Allowed', { headers: { allow: DIALOG_ALLOW } }));
  }
}

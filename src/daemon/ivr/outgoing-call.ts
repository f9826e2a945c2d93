/**
 * One call hotdeskd places (a logout warning or an announcement), as the
 * dialog layer's UAC end (RFC 3261 §13.2, §17.1.1): its state, the INVITE
 * (auto-answer hints for the vendor, media/warning-call.ts), CANCEL, the
 * requests in its dialog (ACK, BYE), our 2xx to the phone's re-INVITE, and
 * the one way a call ends, releasing its port and timers.
 */
import type { Endpoint, SipRequest } from '../../sip/message.js';
import { buildResponse } from '../../sip/message.js';
import type { Language } from '../../core/model.js';
import { buildDialogRequest, type DialogIds } from '../../sip/dialog-request.js';
import { DIALOG_ALLOW } from '../sip/answer-in-dialog.js';
import type { ChallengeAnswerer, Credentials } from '../sip/digest-retry.js';
import { retransmitUntilAck } from '../sip/ok-retransmit.js';
import type { DialogTimers } from '../sip/dialog-timers.js';
import { autoAnswerHeaders, type WarningCallCommand, type WarningCallEvent } from '../../media/warning-call.js';
import type { AnnouncementCommand, Spoken } from '../../media/announcement-call.js';
import type { SipStack } from '../../adapters/sip-stack.js';
import type { Logger } from '../../adapters/log.js';
import type { RtpPortPool } from '../../adapters/rtp-socket.js';
import type { PromptLibrary } from '../../adapters/prompt-files.js';
import type { MediaSession } from './media-session.js';

/** Whom a call of ours goes to, and how. */
export interface OutgoingCallTarget {
  /** The phone (or, for a device that is no hot-desk phone, the account) called: for logs and `inCall`. */
  phone: string;
  /** The phone's registration: its AOR, contact and where it registered from. */
  target: { aor: string; contact: string; source: Endpoint };
  vendor: string;
  language: Language;
  domain: string;
  /** For the phone's challenge, if it challenges (the account it registered). */
  credentials?: Credentials;
  ringTimeoutMs?: number;
}

/** A call that only speaks (media/announcement-call.ts). */
export interface AnnouncementRequest extends OutgoingCallTarget {
  prompts: Spoken[];
  /** How many times the words are said (default 2). */
  times?: number;
  /** The INVITE's Subject. */
  subject: string;
}

export type CallCommand = WarningCallCommand | AnnouncementCommand;

export interface WarningCall {
  request: OutgoingCallTarget;
  subject: string;
  /** The call's machine: an event in, commands out. */
  step(event: WarningCallEvent): CallCommand[];
  /** Only warning calls extend. */
  onExtend?: () => void;
  /** What a call still going on when hotdeskd stops ends as. */
  closedOutcome: string;
  callId: string;
  fromTag: string;
  cseq: number;
  /** Our INVITE as last sent (after a challenge, the authenticated one). */
  invite: SipRequest;
  /** The dialog, once the phone answered. */
  dialog: DialogIds | undefined;
  endpoint: Endpoint;
  media: MediaSession | undefined;
  /** Our SDP (the offer, then our answers to the phone's re-offers). */
  sdp: string;
  sessionId: number;
  sessionVersion: number;
  /** Stops retransmitting our 2xx to a re-INVITE. */
  unacked: (() => void) | undefined;
  ringTimer: NodeJS.Timeout | undefined;
  timer: NodeJS.Timeout | undefined;
  confirmed: boolean;
  ended: boolean;
  finish(outcome: string): void;
}

/** What every call of ours shares: the stack, the clock and the calls going on (by Call-ID: ours, so unique). */
export interface OutgoingCallContext {
  stack: SipStack;
  log: Logger;
  pool: RtpPortPool;
  prompts: PromptLibrary;
  mediaAddress(): string;
  ownUri(): string;
  answerChallenge?: ChallengeAnswerer;
  now(): number;
  timers: DialogTimers;
  calls: Map<string, WarningCall>;
}

/** A request in the call's dialog: ACK takes the INVITE's CSeq, BYE the next one; none before the answer. */
export function sendInDialog(context: OutgoingCallContext, call: WarningCall, method: 'ACK' | 'BYE'): void {
  if (!call.dialog) return;
  const seq = method === 'ACK' ? call.invite.headers.cseq.seq : ++call.cseq;
  context.stack.send(buildDialogRequest(call.dialog, method, seq), call.endpoint);
}

export function endOutgoing(context: OutgoingCallContext, call: WarningCall, outcome: string): void {
  if (call.ended) return;
  call.ended = true;
  clearTimeout(call.ringTimer);
  clearTimeout(call.timer);
  call.unacked?.();
  context.calls.delete(call.callId);
  void call.media?.close();
  context.log.info({ phone: call.request.phone, outcome, subject: call.subject }, 'warning call ended');
  call.finish(outcome);
}

export function buildInvite(
  context: OutgoingCallContext,
  call: Pick<WarningCall, 'request' | 'fromTag' | 'callId' | 'subject' | 'sdp'>,
  seq: number,
): SipRequest {
  return {
    method: 'INVITE',
    uri: call.request.target.contact,
    version: '2.0',
    headers: {
      via: [],
      from: { name: 'hotdesk', uri: `sip:hotdesk@${call.request.domain}`, params: { tag: call.fromTag } },
      to: { uri: `sip:${call.request.target.aor}@${call.request.domain}`, params: {} },
      'call-id': call.callId,
      cseq: { seq, method: 'INVITE' },
      'max-forwards': '70',
      contact: [{ uri: context.ownUri(), params: {} }],
      'content-type': 'application/sdp',
      allow: DIALOG_ALLOW,
      subject: call.subject,
      ...autoAnswerHeaders(call.request.vendor, call.request.domain),
    },
    content: call.sdp,
  };
}

export function cancelInvite(context: OutgoingCallContext, call: WarningCall): void {
  const via = call.invite.headers.via[0];
  if (!via) return;
  // RFC 3261 §9.1: CANCEL copies the INVITE's Request-URI, Call-ID, From, To (no tag), CSeq number and top Via.
  const cancel: SipRequest = {
    method: 'CANCEL',
    uri: call.invite.uri,
    version: '2.0',
    headers: {
      via: [via],
      from: call.invite.headers.from,
      to: call.invite.headers.to,
      'call-id': call.callId,
      cseq: { seq: call.invite.headers.cseq.seq, method: 'CANCEL' },
      'max-forwards': '70',
    },
  };
  context.stack.send(cancel, call.endpoint);
}

export function stopOkRetransmit(call: WarningCall): void {
  call.unacked?.();
  call.unacked = undefined;
}

/** Our 2xx to the phone's re-INVITE (again until its ACK, ok-retransmit.ts) or UPDATE, with our SDP. */
export function sendReofferOk(
  context: OutgoingCallContext,
  call: WarningCall,
  request: SipRequest,
  from: Endpoint,
): void {
  const { stack, log } = context;
  call.endpoint = from;
  const response = buildResponse(request, 200, 'OK', {
    headers: {
      contact: [{ uri: context.ownUri(), params: {} }],
      'content-type': 'application/sdp',
      allow: DIALOG_ALLOW,
    },
    content: call.sdp,
  });
  stack.respond(response);
  stopOkRetransmit(call);
  if (request.method !== 'INVITE' || from.protocol !== 'UDP') return;
  call.unacked = retransmitUntilAck(
    () => stack.respond(response),
    context.timers,
    () => {
      log.info({ phone: call.request.phone }, 'warning call: no ACK for our 200, hanging up');
      sendInDialog(context, call, 'BYE');
      endOutgoing(context, call, call.closedOutcome);
    },
  );
}

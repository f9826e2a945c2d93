/**
 * One login call as the dialog layer's UAS end (RFC 3261 §12–§15): its
 * state, its answers to the INVITE, the 2xx sent again until the ACK
 * (sip/ok-retransmit.ts), BYE, and the one way a call ends, releasing its
 * port and timers whichever side ends it.
 */
import type { Endpoint, SipRequest } from '../../sip/message.js';
import { buildResponse, headerText } from '../../sip/message.js';
import { randomNumber, sipTag } from '../../adapters/secrets.js';
import { buildDialogRequest, dialogAsUas } from '../../sip/dialog-request.js';
import { DIALOG_ALLOW } from '../sip/answer-in-dialog.js';
import { retransmitUntilAck } from '../sip/ok-retransmit.js';
import type { DialogTimers } from '../sip/dialog-timers.js';
import type { PromptName } from '../../media/prompt-names.js';
import type { IvrStart, IvrState } from '../../media/ivr.js';
import type { Language } from '../../core/model.js';
import type { SipStack } from '../../adapters/sip-stack.js';
import type { Logger } from '../../adapters/log.js';
import type { RtpPortPool } from '../../adapters/rtp-socket.js';
import type { PromptLibrary } from '../../adapters/prompt-files.js';
import type { MediaSession } from './media-session.js';

/** What the IVR does to the office, carried out by the daemon (store changes and their effects). */
export interface IvrActions {
  /** Checks a PIN and records the outcome (lockout, audit). The PIN goes nowhere else. */
  checkPin(extension: string, phone: string, pin: string): Promise<{ ok: true } | { ok: false; locked: boolean }>;
  /** Logs the extension in on the phone. */
  login(extension: string, phone: string): Promise<{ ok: true } | { ok: false; prompt: PromptName }>;
  /** Logs the phone out; refused for a phone pinned to its user. */
  logout(phone: string): Promise<{ ok: true } | { ok: false; prompt: PromptName }>;
  /** Logs the extension out of every hot-desk phone (pinned ones excepted); how many phones were released. */
  logoutEverywhere(extension: string): Promise<number>;
  /** The extension the phone is pinned to, if any. */
  pinnedTo(phone: string): string | undefined;
  /** Whether the extension or the phone is locked now (before asking for a PIN). */
  locked(extension: string, phone: string): boolean;
  /** The language of the extension (else the office's). */
  language(extension: string | undefined): Language;
  /** The call from this phone ended (its switch may go ahead). */
  callEnded(phone: string): void;
}

export type IvrFlow =
  | { kind: 'login'; extension: string; phone: string }
  | { kind: 'logout'; phone: string }
  /** `phone`: the hot-desk phone called from, else the caller's account (PIN lockout counts against it). */
  | { kind: 'logout-everywhere'; extension: string; phone: string }
  /** Spoken refusal as early media, then the final status. */
  | { kind: 'refuse'; prompt: PromptName; status: number; phrase: string; language: Language };

export interface Call {
  callId: string;
  localTag: string;
  invite: SipRequest;
  remote: Endpoint;
  phone: string | undefined;
  flow: IvrFlow;
  /** The INVITE's branch, for CANCEL matching. */
  branch: string;
  state: 'starting' | 'early' | 'confirmed' | 'ended';
  media: MediaSession | undefined;
  machine: IvrState | undefined;
  localCseq: number;
  /** Our SDP answer ('' until the media is set up). */
  sdp: string;
  sessionId: number;
  sessionVersion: number;
  /** Stops retransmitting the 2xx waiting for its ACK. */
  unacked: (() => void) | undefined;
  timer: NodeJS.Timeout | undefined;
}

/** What every login call shares: the stack, the office's actions, the clock and the calls going on. */
export interface LoginCallContext {
  stack: SipStack;
  log: Logger;
  actions: IvrActions;
  pool: RtpPortPool;
  prompts: PromptLibrary;
  /** Our address in SDP (c= and o=). */
  mediaAddress(): string;
  /** Our Contact URI. */
  ownUri(): string;
  now(): number;
  timers: DialogTimers;
  /** By {@link callKey}. */
  calls: Map<string, Call>;
}

export const callKey = (callId: string, tag: string | null | undefined): string => `${callId}|${tag ?? ''}`;

export function respondTo(
  context: LoginCallContext,
  call: Call,
  status: number,
  phrase: string,
  headers: Record<string, unknown> = {},
  content?: string,
): void {
  context.stack.respond(
    buildResponse(call.invite, status, phrase, {
      toTag: call.localTag,
      headers,
      ...(content !== undefined ? { content } : {}),
    }),
  );
}

export const withSdp = (context: LoginCallContext, call: Call): Record<string, unknown> => ({
  contact: [{ uri: context.ownUri(), params: {} }],
  'content-type': 'application/sdp',
  allow: DIALOG_ALLOW,
  ...sessionTimer(call.invite),
});

export function stopRetransmit(call: Call): void {
  call.unacked?.();
  call.unacked = undefined;
}

/** Sends a 2xx and keeps sending it until the ACK comes (UDP), for at most 64·T1 (ok-retransmit.ts). */
export function sendOk(context: LoginCallContext, call: Call, request: SipRequest): void {
  const { stack, log } = context;
  const response = buildResponse(request, 200, 'OK', {
    toTag: call.localTag,
    headers: withSdp(context, call),
    content: call.sdp,
  });
  stack.respond(response);
  stopRetransmit(call);
  if (call.remote.protocol !== 'UDP' || request.method !== 'INVITE') return;
  call.unacked = retransmitUntilAck(
    () => stack.respond(response),
    context.timers,
    () => {
      log.info({ callId: call.callId }, 'login call: no ACK for our 200, hanging up');
      endCall(context, call, 'no-ack', true);
    },
  );
}

function sendBye(context: LoginCallContext, call: Call): void {
  const bye = buildDialogRequest(dialogAsUas(call.invite, call.localTag), 'BYE', ++call.localCseq);
  context.stack.send(bye, call.remote, (response) => {
    if (response.status >= 300)
      context.log.debug({ callId: call.callId, status: response.status }, 'login call: BYE answered with an error');
  });
}

/** Ends a call: stops everything it holds; `hangUp` sends BYE (confirmed) or the final response (early). */
export function endCall(context: LoginCallContext, call: Call, why: string, hangUp: boolean): void {
  if (call.state === 'ended') return;
  const was = call.state;
  call.state = 'ended';
  stopRetransmit(call);
  clearTimeout(call.timer);
  context.calls.delete(callKey(call.callId, call.localTag));
  if (hangUp) {
    if (was === 'confirmed') sendBye(context, call);
    else if (call.flow.kind === 'refuse') respondTo(context, call, call.flow.status, call.flow.phrase);
    else respondTo(context, call, 480, 'Temporarily Unavailable');
  }
  void call.media?.close();
  context.log.debug({ callId: call.callId, why }, 'login call ended');
  if (call.phone) context.actions.callEnded(call.phone);
}

/** RFC 4028 §9: a UAS that sees Session-Expires answers with it, the caller refreshing. Our calls end long before. */
function sessionTimer(invite: SipRequest): Record<string, string> {
  const value = headerText(invite.headers, 'session-expires') ?? headerText(invite.headers, 'x'); // `x`: its compact form
  const seconds = value ? Number(/^\s*(\d+)/.exec(value)?.[1]) : Number.NaN;
  if (!Number.isFinite(seconds) || seconds <= 0) return {};
  const supported = (headerText(invite.headers, 'supported') ?? '')
    .toLowerCase()
    .split(',')
    .map((tag) => tag.trim());
  return supported.includes('timer') ? { 'session-expires': `${seconds};refresher=uac`, require: 'timer' } : {};
}

/** A new call for an INVITE of a hot-desk code (not answered yet). */
export function newCall(request: SipRequest, remote: Endpoint, flow: IvrFlow): Call {
  return {
    callId: request.headers['call-id'],
    localTag: sipTag(),
    invite: request,
    remote,
    phone: flow.kind === 'refuse' ? undefined : flow.phone,
    flow,
    branch: String(request.headers.via[0]?.params['branch'] ?? ''),
    state: 'starting',
    media: undefined,
    machine: undefined,
    localCseq: randomNumber(10_000),
    sdp: '',
    sessionId: randomNumber(1e9),
    sessionVersion: 1,
    unacked: undefined,
    timer: undefined,
  };
}

/** Where the machine starts: refusals known before any PIN (locked, pinned) are said at once. */
export function startFor(flow: IvrFlow, actions: IvrActions): IvrStart {
  switch (flow.kind) {
    case 'login': {
      if (actions.locked(flow.extension, flow.phone)) return { flow: 'refused', prompt: 'too-many-attempts' };
      // A phone pinned to someone else takes no login; said before any PIN (it tells nothing about the extension).
      const pinned = actions.pinnedTo(flow.phone);
      if (pinned !== undefined && pinned !== flow.extension) return { flow: 'refused', prompt: 'phone-pinned' };
      return { flow: 'login', extension: flow.extension };
    }
    case 'logout-everywhere':
      return actions.locked(flow.extension, flow.phone)
        ? { flow: 'refused', prompt: 'too-many-attempts' }
        : { flow: 'logout-everywhere', extension: flow.extension };
    case 'logout':
      return actions.pinnedTo(flow.phone) !== undefined
        ? { flow: 'refused', prompt: 'phone-pinned' }
        : { flow: 'logout' };
    case 'refuse':
      return { flow: 'refused', prompt: flow.prompt };
  }
}

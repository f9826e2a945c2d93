/**
 * The warning call before a policy logout, as pure pieces: the SDP offer
 * hotdeskd sends (it calls the phone), reading the phone's answer, the
 * auto-answer hints per vendor, and the call's little state machine.
 *
 * The call: the phone rings (or answers by itself where the vendor honours
 * the hints); once answered it hears "you will be logged out in five
 * minutes; press 1 to stay logged in". 1 (during the prompt or up to
 * `keyWaitMs` after it) postpones the logout, confirmed with "you are now
 * logged in as extension …", then hotdeskd hangs up. No key, another key or
 * the phone hanging up: the logout stays as it was.
 *
 * ```
 * ringing ──answered──▶ playing ──prompt-finished──▶ waiting ──timer──▶ done (not-extended)
 *    │                     │ 1                          │ 1
 *    │                     ▼                            ▼
 *    │                 confirming ◀─────────────────────┘
 *    │                     └──prompt-finished──▶ done (extended)
 *    └──not-answered──▶ done (not-answered)            (hang-up from any state: done)
 * ```
 */
import type { DtmfDigit } from './dtmf-digit.js';
import type { G711Codec } from './g711.js';
import { spokenDigits, type PromptName } from './prompt-names.js';
import { buildSdpAnswer, type MediaDirection } from './sdp-answer.js';

/** RFC 4733 payload type we offer for telephone-event. */
export const OFFER_EVENT_PT = 101;
/** How long after the prompt a key is waited for. */
export const WARNING_KEY_WAIT_MS = 8000;

export interface SdpOfferOptions {
  address: string;
  port: number;
  sessionId: number | string;
  sessionVersion: number;
}

/** One audio stream: PCMU, PCMA, telephone-event (RFC 3264 §5; RFC 4733 §2.4.1), 20 ms packets. */
export function buildSdpOffer(options: SdpOfferOptions): string {
  const ip = options.address.includes(':') ? 'IP6' : 'IP4';
  return [
    'v=0',
    `o=hotdesk ${options.sessionId} ${options.sessionVersion} IN ${ip} ${options.address}`,
    's=hotdesk',
    `c=IN ${ip} ${options.address}`,
    't=0 0',
    `m=audio ${options.port} RTP/AVP 0 8 ${OFFER_EVENT_PT}`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    `a=rtpmap:${OFFER_EVENT_PT} telephone-event/8000`,
    `a=fmtp:${OFFER_EVENT_PT} 0-15`,
    'a=ptime:20',
    'a=sendrecv',
    '',
  ].join('\r\n');
}

/** What the phone's answer settled, shaped as the media session takes it. */
export type SdpAnswerReading =
  | {
      ok: true;
      codec: G711Codec;
      payloadType: number;
      telephoneEvent?: { payloadType: number };
      remote: { address: string; port: number };
      /** Our direction: the mirror of the phone's (it answered recvonly: we only send). */
      direction: MediaDirection;
    }
  | { ok: false; problem: 'malformed-answer' | 'no-acceptable-audio' };

/**
 * Reads the phone's SDP answer to our offer. The answer has the same shape
 * as an offer we would answer (one accepted audio line, its codec, its
 * address), so the answer reader of the login menu reads it too: the codec
 * it chose, its payload types, where to send, and our direction mirrored.
 */
export function readSdpAnswer(answerText: string): SdpAnswerReading {
  const read = buildSdpAnswer(answerText, { address: '0.0.0.0', port: 9, sessionId: 0, sessionVersion: 0 });
  if (!read.ok)
    return { ok: false, problem: read.problem === 'malformed-offer' ? 'malformed-answer' : 'no-acceptable-audio' };
  return {
    ok: true,
    codec: read.codec,
    payloadType: read.payloadType,
    ...(read.telephoneEvent ? { telephoneEvent: read.telephoneEvent } : {}),
    remote: read.remote,
    direction: read.direction,
  };
}

/**
 * Headers asking the phone to answer by itself (intercom style). Phones that
 * do not know them, or have auto-answer of intercom calls turned off, ring
 * as for any call. Marked as in phones.md: none of these is confirmed in
 * vendor documentation; they are the forms PBXes send for these vendors.
 * - Yealink, Fanvil, Grandstream, Cisco: `Call-Info: <sip:HOST>;answer-after=0`
 *   (the draft-ietf-sip-answermode predecessor most firmware reads).
 * - Snom: `Alert-Info: <http://www.notused.com>;info=alert-autoanswer;delay=0`,
 *   plus the Call-Info form.
 * - Poly: answers only an Alert-Info its configuration maps to auto-answer
 *   (`voIpProt.SIP.alertInfo.x`), which hotdesk does not provision: it rings.
 */
export function autoAnswerHeaders(vendor: string, host: string): Record<string, string> {
  const callInfo = { 'call-info': `<sip:${host}>;answer-after=0` };
  switch (vendor) {
    case 'yealink':
    case 'fanvil':
    case 'grandstream':
    case 'cisco':
      return callInfo;
    case 'snom':
      return { ...callInfo, 'alert-info': '<http://www.notused.com>;info=alert-autoanswer;delay=0' };
    default:
      return {};
  }
}

export type WarningOutcome = 'extended' | 'not-extended' | 'not-answered';

export type WarningCallState =
  | { phase: 'ringing' }
  | { phase: 'playing' }
  | { phase: 'waiting' }
  | { phase: 'confirming' }
  | { phase: 'done'; outcome: WarningOutcome };

export type WarningCallEvent =
  | { kind: 'answered'; nowMs: number }
  | { kind: 'not-answered' }
  | { kind: 'prompt-finished'; nowMs: number }
  | { kind: 'digit'; digit: DtmfDigit; nowMs: number }
  | { kind: 'timer'; nowMs: number }
  /** The phone hung up. */
  | { kind: 'hangup' };

export type WarningCallCommand =
  | { kind: 'play'; prompts: PromptName[] }
  | { kind: 'stop-prompt' }
  | { kind: 'arm-timer'; deadlineMs: number }
  /** Postpone the logout now (before the confirmation is heard: a hang-up during it keeps the extension). */
  | { kind: 'extend' }
  | { kind: 'hang-up' }
  | { kind: 'done'; outcome: WarningOutcome };

export interface WarningCallStep {
  state: WarningCallState;
  commands: WarningCallCommand[];
}

export interface WarningCallOptions {
  /** The user's extension, said in the confirmation. */
  extension: string;
  /**
   * Minutes left until the logout. The warning says "in five minutes" only
   * when that is true; otherwise it says "soon" (a warning delayed by a call,
   * or another warning time set with hotdesk policy warning).
   */
  minutesLeft?: number;
  keyWaitMs?: number;
}

export function createWarningCall(): WarningCallState {
  return { phase: 'ringing' };
}

const finish = (outcome: WarningOutcome, hangUp: boolean): WarningCallStep => ({
  state: { phase: 'done', outcome },
  commands: [...(hangUp ? [{ kind: 'hang-up' } as const] : []), { kind: 'done', outcome }],
});

export function stepWarningCall(
  state: WarningCallState,
  event: WarningCallEvent,
  options: WarningCallOptions,
): WarningCallStep {
  const same: WarningCallStep = { state, commands: [] };
  if (state.phase === 'done') return same;
  if (event.kind === 'hangup') return finish(state.phase === 'confirming' ? 'extended' : 'not-extended', false);
  switch (state.phase) {
    case 'ringing':
      if (event.kind === 'answered') {
        const prompt =
          options.minutesLeft === undefined || options.minutesLeft === 5 ? 'logout-warning' : 'logout-warning-soon';
        return { state: { phase: 'playing' }, commands: [{ kind: 'play', prompts: [prompt] }] };
      }
      if (event.kind === 'not-answered') return finish('not-answered', false);
      return same;
    case 'playing':
    case 'waiting':
      if (event.kind === 'digit' && event.digit === '1') {
        return {
          state: { phase: 'confirming' },
          commands: [
            ...(state.phase === 'playing' ? [{ kind: 'stop-prompt' } as const] : []),
            { kind: 'extend' },
            { kind: 'play', prompts: ['logged-in-as', ...spokenDigits(options.extension)] },
          ],
        };
      }
      if (state.phase === 'playing' && event.kind === 'prompt-finished') {
        return {
          state: { phase: 'waiting' },
          commands: [{ kind: 'arm-timer', deadlineMs: event.nowMs + (options.keyWaitMs ?? WARNING_KEY_WAIT_MS) }],
        };
      }
      if (state.phase === 'waiting' && event.kind === 'timer') return finish('not-extended', true);
      return same;
    case 'confirming':
      if (event.kind === 'prompt-finished') return finish('extended', true);
      return same;
  }
}

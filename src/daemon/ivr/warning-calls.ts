/**
 * Warning calls before a policy logout: hotdeskd calls the phone as a SIP
 * user agent client (outgoing-call.ts, outgoing-call-place.ts): an INVITE
 * with an SDP offer to the contact the phone registered, answering the
 * phone's digest challenge with the account's credentials, CANCEL after the
 * ring timeout, ACK for the 2xx, then the prompt over RTP and keys back
 * (RFC 4733, SIP INFO or in-band, as in the login menu), BYE at the end.
 * The call flow is the pure state machine's (media/warning-call.ts).
 *
 * The same calls carry announcements (the emergency notification,
 * media/announcement-call.ts): answered, the words are played, then BYE.
 *
 * Every call ends with its RTP port and timers released, whichever side
 * ends it.
 */
import type { Endpoint, SipRequest, SipResponse } from '../../sip/message.js';
import { systemTimers, type DialogTimers } from '../sip/dialog-timers.js';
import {
  createWarningCall,
  stepWarningCall,
  type WarningCallEvent,
  type WarningCallState,
  type WarningOutcome,
} from '../../media/warning-call.js';
import {
  createAnnouncementCall,
  stepAnnouncementCall,
  type AnnouncementOutcome,
} from '../../media/announcement-call.js';
import {
  cancelInvite,
  endOutgoing,
  sendInDialog,
  type AnnouncementRequest,
  type CallCommand,
  type OutgoingCallContext,
  type OutgoingCallTarget,
  type WarningCall,
} from './outgoing-call.js';
import { inOutgoingCall, placeCall } from './outgoing-call-place.js';

export type { AnnouncementRequest, OutgoingCallTarget };
export { WARNING_RING_TIMEOUT_MS } from './outgoing-call-place.js';

export interface WarningCallRequest extends OutgoingCallTarget {
  /** The user's extension (said in the confirmation). */
  extension: string;
  keyWaitMs?: number;
  /** Minutes left until the logout, for the wording of the warning. */
  minutesLeft?: number;
  /** Called once when the user presses 1 (before the confirmation is played). */
  onExtend(): void;
}

/** What a call of ours needs (outgoing-call.ts); the clock and the 2xx retransmission's timers default to the system's. */
export interface WarningCallsOptions extends Omit<OutgoingCallContext, 'now' | 'timers' | 'calls'> {
  now?: () => number;
  timers?: DialogTimers;
}

export interface WarningCalls {
  call(request: WarningCallRequest): Promise<WarningOutcome>;
  /** Calls a phone and plays it the announcement; resolves when the call is over. */
  announce(request: AnnouncementRequest): Promise<AnnouncementOutcome>;
  /** A request inside one of our warning calls; false when it is not ours. */
  inDialog(request: SipRequest, remote: Endpoint): boolean;
  inCall(phone: string): boolean;
  /** A retransmitted 2xx of one of our INVITEs: ACKed again; false when not ours. */
  strayResponse(response: SipResponse): boolean;
  readonly active: number;
  close(): void;
}

/** A warning call's machine (media/warning-call.ts): an event in, commands out. */
function warningStep(warning: WarningCallRequest): (event: WarningCallEvent) => CallCommand[] {
  let state: WarningCallState = createWarningCall();
  return (event) => {
    const next = stepWarningCall(state, event, {
      extension: warning.extension,
      ...(warning.keyWaitMs !== undefined ? { keyWaitMs: warning.keyWaitMs } : {}),
      ...(warning.minutesLeft !== undefined ? { minutesLeft: warning.minutesLeft } : {}),
    });
    state = next.state;
    return next.commands;
  };
}

/** An announcement's machine (media/announcement-call.ts). */
function announcementStep(announcement: AnnouncementRequest): (event: WarningCallEvent) => CallCommand[] {
  let state = createAnnouncementCall();
  return (event) => {
    const next = stepAnnouncementCall(state, event, { prompts: announcement.prompts, times: announcement.times ?? 2 });
    state = next.state;
    return next.commands;
  };
}

export function createWarningCalls(options: WarningCallsOptions): WarningCalls {
  const now = options.now ?? Date.now;
  const calls = new Map<string, WarningCall>();
  const context: OutgoingCallContext = {
    stack: options.stack,
    log: options.log,
    pool: options.pool,
    prompts: options.prompts,
    mediaAddress: options.mediaAddress,
    ownUri: options.ownUri,
    ...(options.answerChallenge ? { answerChallenge: options.answerChallenge } : {}),
    now,
    timers: options.timers ?? { ...systemTimers, now },
    calls,
  };
  return {
    get active() {
      return calls.size;
    },
    call: (warning) =>
      placeCall<WarningOutcome>(context, warning, {
        subject: 'Logout warning',
        step: warningStep(warning),
        onExtend: () => warning.onExtend(),
        closedOutcome: 'not-extended',
      }),
    announce: (announcement) =>
      placeCall<AnnouncementOutcome>(context, announcement, {
        subject: announcement.subject,
        step: announcementStep(announcement),
        closedOutcome: 'not-answered',
      }),
    inDialog: (incoming, remote) => inOutgoingCall(context, incoming, remote),
    inCall(phone) {
      for (const call of calls.values()) if (call.request.phone === phone) return true;
      return false;
    },
    strayResponse(response) {
      const call = calls.get(response.headers['call-id']);
      const ok = response.status >= 200 && response.status < 300 && response.headers.cseq.method === 'INVITE';
      if (!call || !call.confirmed || !ok) return false;
      // RFC 3261 §13.2.2.4: a retransmitted 2xx (our ACK was lost) is ACKed again.
      sendInDialog(context, call, 'ACK');
      return true;
    },
    close() {
      for (const call of [...calls.values()]) {
        if (call.confirmed) sendInDialog(context, call, 'BYE');
        else cancelInvite(context, call);
        endOutgoing(context, call, call.closedOutcome);
      }
    },
  };
}

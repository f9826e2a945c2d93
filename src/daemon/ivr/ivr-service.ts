/**
 * The login voice menu's calls: hotdeskd answers the hot-desk codes itself
 * as a SIP user agent server, one RTP port per call (login-call.ts), and
 * drives the pure IVR machine (media/ivr.ts) with what the caller does
 * (login-call-flow.ts). Refusals a phone can hear
 * (an idle phone dialling a blocked number) are spoken as early media before
 * the final response. The calls hotdeskd places (warnings, announcements)
 * are warning-calls.ts's.
 *
 * Every call ends with its port and timers released, whichever side ends it,
 * and whatever arrives late (a retransmitted INVITE, a stray BYE) is answered
 * without touching a call that is gone.
 */
import type { Endpoint, SipRequest, SipResponse } from '../../sip/message.js';
import { systemTimers, type DialogTimers } from '../sip/dialog-timers.js';
import type { ChallengeAnswerer } from '../sip/digest-retry.js';
import type { SipStack } from '../../adapters/sip-stack.js';
import type { Logger } from '../../adapters/log.js';
import type { RtpPortPool } from '../../adapters/rtp-socket.js';
import type { PromptLibrary } from '../../adapters/prompt-files.js';
import { createWarningCalls, type AnnouncementRequest, type WarningCallRequest } from './warning-calls.js';
import type { AnnouncementOutcome } from '../../media/announcement-call.js';
import type { WarningOutcome } from '../../media/warning-call.js';
import { endCall, type Call, type IvrActions, type IvrFlow, type LoginCallContext } from './login-call.js';
import { answerCall, cancelCall, inLoginCall } from './login-call-flow.js';

export type { IvrActions, IvrFlow };

export interface IvrServiceOptions {
  stack: SipStack;
  log: Logger;
  pool: RtpPortPool;
  prompts: PromptLibrary;
  actions: IvrActions;
  /** Our address in SDP (c= and o=). */
  mediaAddress(): string;
  /** Our Contact URI. */
  ownUri(): string;
  /** Calls at once; past it, 503. */
  maxCalls?: number;
  now?: () => number;
  /** The 2xx retransmission's timers (default: the system's, with `now`). */
  timers?: DialogTimers;
  /** Answers a phone's challenge to our warning-call INVITE. */
  answerChallenge?: ChallengeAnswerer;
}

export interface IvrService {
  /** Answers an INVITE for a hot-desk code (already authenticated and routed). */
  answer(request: SipRequest, remote: Endpoint, flow: IvrFlow): void;
  /** Handles a request inside one of our dialogs; false when it is not ours. */
  inDialog(request: SipRequest, remote: Endpoint): boolean;
  /** CANCEL of an INVITE we are answering; false when it is not ours. */
  cancel(request: SipRequest): boolean;
  /** Whether the phone is in a call with the IVR (a login call or a warning call). */
  inCall(phone: string): boolean;
  /** Calls the phone with the warning before a policy logout (warning-calls.ts). */
  warn(request: WarningCallRequest): Promise<WarningOutcome>;
  /** Calls a phone and plays it an announcement (the emergency notification). */
  announce(request: AnnouncementRequest): Promise<AnnouncementOutcome>;
  /** A response outside any transaction: a retransmitted 2xx of a warning call is ACKed again; false when not ours. */
  strayResponse(response: SipResponse): boolean;
  readonly active: number;
  /** RTP ports held now. */
  readonly portsInUse: number;
  close(): Promise<void>;
}

export function createIvrService(options: IvrServiceOptions): IvrService {
  const { stack, log } = options;
  const now = options.now ?? Date.now;
  const timers = options.timers ?? { ...systemTimers, now };
  const maxCalls = options.maxCalls ?? 200;
  const calls = new Map<string, Call>();
  // What the login calls and the calls we place share.
  const shared = {
    stack,
    log,
    pool: options.pool,
    prompts: options.prompts,
    mediaAddress: options.mediaAddress,
    ownUri: options.ownUri,
    now,
    timers,
  };
  const context: LoginCallContext = { ...shared, actions: options.actions, calls };
  const warnings = createWarningCalls({
    ...shared,
    ...(options.answerChallenge ? { answerChallenge: options.answerChallenge } : {}),
  });
  return {
    get active() {
      return calls.size;
    },
    get portsInUse() {
      return options.pool.inUse;
    },
    answer: (request, remote, flow) => answerCall(context, maxCalls, request, remote, flow),
    cancel: (request) => cancelCall(context, request),
    inDialog: (request, remote) => warnings.inDialog(request, remote) || inLoginCall(context, request, remote),
    inCall(phone) {
      for (const call of calls.values()) if (call.phone === phone) return true;
      return warnings.inCall(phone);
    },
    warn: (request) => warnings.call(request),
    announce: (request) => warnings.announce(request),
    strayResponse: (response) => warnings.strayResponse(response),
    async close() {
      for (const call of [...calls.values()]) endCall(context, call, 'shutdown', true);
      warnings.close();
      await options.pool.close();
    },
  };
}

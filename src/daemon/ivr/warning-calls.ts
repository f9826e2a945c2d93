/**
 * Warning calls before a policy logout: hotdeskd calls the phone as a SIP
 * user agent client (RFC 3261 §13.2, §17.1.1): an INVITE with an SDP offer
 * to the contact the phone registered, with auto-answer hints for its vendor
 * (media/warning-call.ts), answering the phone's digest challenge with the
 * account's credentials, CANCEL after the ring timeout, ACK for the 2xx,
 * then the prompt over RTP and keys back (RFC 4733, SIP INFO or in-band, as
 * in the login menu), BYE at the end. The call flow is the pure state
 * machine's; this file carries out its commands.
 *
 * The same calls carry announcements (the emergency notification,
 * media/announcement-call.ts): answered, the words are played, then BYE.
 *
 * Every call ends with its RTP port and timers released, whichever side
 * ends it.
 */
import { runPromptCommand } from './prompt-commands.js';
import { generateBranch } from '../../adapters/sip-syntax.js';
import type { Endpoint, SipRequest, SipResponse } from '../../sip/message.js';
import { buildResponse } from '../../sip/message.js';
import type { Language } from '../../core/model.js';
import { buildDialogRequest, dialogAsUac, type DialogIds } from '../../sip/dialog-request.js';
import { answerInDialog, DIALOG_ALLOW } from '../sip/answer-in-dialog.js';
import { sendWithDigestRetry, type ChallengeAnswerer, type Credentials } from '../sip/digest-retry.js';
import { retransmitUntilAck } from '../sip/ok-retransmit.js';
import { systemTimers, type DialogTimers } from '../sip/dialog-timers.js';
import {
  autoAnswerHeaders,
  buildSdpOffer,
  createWarningCall,
  readSdpAnswer,
  stepWarningCall,
  type WarningCallCommand,
  type WarningCallEvent,
  type WarningCallState,
  type WarningOutcome,
} from '../../media/warning-call.js';
import type { SipStack } from '../../adapters/sip-stack.js';
import type { Logger } from '../../adapters/log.js';
import type { RtpPortPool } from '../../adapters/rtp-socket.js';
import type { PromptLibrary } from '../../adapters/prompt-files.js';
import { createMediaSession, type MediaSession } from './media-session.js';
import { sipTag, randomNumber } from '../../adapters/secrets.js';
import {
  createAnnouncementCall,
  stepAnnouncementCall,
  type AnnouncementCommand,
  type AnnouncementOutcome,
  type Spoken,
} from '../../media/announcement-call.js';

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

export interface WarningCallRequest extends OutgoingCallTarget {
  /** The user's extension (said in the confirmation). */
  extension: string;
  keyWaitMs?: number;
  /** Minutes left until the logout, for the wording of the warning. */
  minutesLeft?: number;
  /** Called once when the user presses 1 (before the confirmation is played). */
  onExtend(): void;
}

export interface WarningCallsOptions {
  stack: SipStack;
  log: Logger;
  pool: RtpPortPool;
  prompts: PromptLibrary;
  mediaAddress(): string;
  ownUri(): string;
  answerChallenge?: ChallengeAnswerer;
  now?: () => number;
  /** The 2xx retransmission's timers (default: the system's, with `now`). */
  timers?: DialogTimers;
}

/** A call that only speaks (media/announcement-call.ts). */
export interface AnnouncementRequest extends OutgoingCallTarget {
  prompts: Spoken[];
  /** How many times the words are said (default 2). */
  times?: number;
  /** The INVITE's Subject. */
  subject: string;
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

export const WARNING_RING_TIMEOUT_MS = 30_000;

type CallCommand = WarningCallCommand | AnnouncementCommand;

interface WarningCall {
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

const newTag = sipTag;

export function createWarningCalls(options: WarningCallsOptions): WarningCalls {
  const { stack, log } = options;
  const now = options.now ?? Date.now;
  const timers = options.timers ?? { ...systemTimers, now };
  /** By Call-ID: ours, so unique. */
  const calls = new Map<string, WarningCall>();

  /** A request in the call's dialog: ACK takes the INVITE's CSeq, anything else the next one. */
  const inDialog = (call: WarningCall, method: 'ACK' | 'BYE'): SipRequest | undefined =>
    call.dialog &&
    buildDialogRequest(call.dialog, method, method === 'ACK' ? call.invite.headers.cseq.seq : ++call.cseq);
  const sendInDialog = (call: WarningCall, method: 'ACK' | 'BYE'): void => {
    const request = inDialog(call, method);
    if (request) stack.send(request, call.endpoint);
  };

  const end = (call: WarningCall, outcome: string): void => {
    if (call.ended) return;
    call.ended = true;
    clearTimeout(call.ringTimer);
    clearTimeout(call.timer);
    call.unacked?.();
    calls.delete(call.callId);
    void call.media?.close();
    log.info({ phone: call.request.phone, outcome, subject: call.subject }, 'warning call ended');
    call.finish(outcome);
  };

  const feed = (call: WarningCall, event: WarningCallEvent): void => {
    if (call.ended) return;
    for (const command of call.step(event)) run(call, command);
  };

  const run = (call: WarningCall, command: CallCommand): void => {
    switch (command.kind) {
      case 'play':
      case 'stop-prompt':
      case 'arm-timer':
        return runPromptCommand(call, command, (event) => feed(call, event), now);
      case 'extend':
        call.onExtend?.();
        return;
      case 'hang-up':
        if (call.confirmed) sendInDialog(call, 'BYE');
        return;
      case 'done':
        end(call, command.outcome);
        return;
    }
  };

  const onAnswered = (call: WarningCall, response: SipResponse): void => {
    call.dialog = dialogAsUac(call.invite, response);
    // RFC 3261 §13.2.2.4: the UAC ACKs every 2xx itself.
    sendInDialog(call, 'ACK');
    call.confirmed = true;
    if (call.ended) return sendInDialog(call, 'BYE');
    clearTimeout(call.ringTimer);
    const answer = readSdpAnswer(response.content ?? '');
    if (!answer.ok) {
      log.info(
        { phone: call.request.phone, problem: answer.problem },
        'warning call: the phone answered without usable audio',
      );
      sendInDialog(call, 'BYE');
      return end(call, 'not-answered');
    }
    call.media?.updateRemote(answer);
    feed(call, { kind: 'answered', nowMs: now() });
  };

  /** Sends the INVITE, answering the phone's challenge once with the account's credentials (digest-retry.ts). */
  const send = (call: WarningCall): void => {
    sendWithDigestRetry(
      stack,
      call.invite,
      call.endpoint,
      (response) => {
        if (response.status < 200) return;
        if (response.status < 300) return onAnswered(call, response);
        if (!call.ended) log.info({ phone: call.request.phone, status: response.status }, 'warning call not answered');
        end(call, 'not-answered');
      },
      {
        credentials: call.request.credentials,
        rebuild: () => buildInvite(call, ++call.cseq),
        onSent: (sent) => (call.invite = sent),
        wanted: () => !call.ended,
        ...(options.answerChallenge ? { answer: options.answerChallenge } : {}),
      },
    );
  };

  const buildInvite = (
    call: Pick<WarningCall, 'request' | 'fromTag' | 'callId' | 'subject' | 'sdp'>,
    seq: number,
  ): SipRequest => ({
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
      contact: [{ uri: options.ownUri(), params: {} }],
      'content-type': 'application/sdp',
      allow: DIALOG_ALLOW,
      subject: call.subject,
      ...autoAnswerHeaders(call.request.vendor, call.request.domain),
    },
    content: call.sdp,
  });

  const cancel = (call: WarningCall): void => {
    const via = call.invite.headers.via[0];
    if (!via) return;
    // RFC 3261 §9.1: CANCEL copies the INVITE's Request-URI, Call-ID, From, To (no tag), CSeq number and top Via.
    const cancelRequest: SipRequest = {
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
    stack.send(cancelRequest, call.endpoint);
  };

  /** Our 2xx to the phone's re-INVITE (again until its ACK, ok-retransmit.ts) or UPDATE, with our SDP. */
  const sendOk = (call: WarningCall, request: SipRequest, from: Endpoint): void => {
    call.endpoint = from;
    const response = buildResponse(request, 200, 'OK', {
      headers: {
        contact: [{ uri: options.ownUri(), params: {} }],
        'content-type': 'application/sdp',
        allow: DIALOG_ALLOW,
      },
      content: call.sdp,
    });
    stack.respond(response);
    call.unacked?.();
    call.unacked = undefined;
    if (request.method !== 'INVITE' || from.protocol !== 'UDP') return;
    call.unacked = retransmitUntilAck(
      () => stack.respond(response),
      timers,
      () => {
        log.info({ phone: call.request.phone }, 'warning call: no ACK for our 200, hanging up');
        sendInDialog(call, 'BYE');
        end(call, call.closedOutcome);
      },
    );
  };

  /** Places a call of ours (a warning or an announcement) and resolves with how it ended. */
  const place = async <Outcome extends string>(
    warning: OutgoingCallTarget,
    machine: Pick<WarningCall, 'subject' | 'step' | 'closedOutcome'> & { onExtend?: () => void },
  ): Promise<Outcome> => {
    const socket = await options.pool.open();
    return new Promise<Outcome>((resolve) => {
      const sessionId = randomNumber(1e9);
      const offer = buildSdpOffer({ address: options.mediaAddress(), port: socket.port, sessionId, sessionVersion: 1 });
      const fields = {
        request: warning,
        ...machine,
        callId: `${generateBranch().slice(7)}@hotdesk`,
        fromTag: newTag(),
        sdp: offer,
      };
      const seq = randomNumber(10_000);
      const call: WarningCall = {
        ...fields,
        cseq: seq,
        invite: buildInvite(fields, seq),
        dialog: undefined,
        endpoint: warning.target.source,
        media: undefined,
        sessionId,
        sessionVersion: 1,
        unacked: undefined,
        ringTimer: undefined,
        timer: undefined,
        confirmed: false,
        ended: false,
        finish: resolve as (outcome: string) => void,
      };
      // Until the answer says where, media goes nowhere (port 0 is never sent to).
      call.media = createMediaSession({
        socket,
        answer: {
          codec: 'PCMU',
          payloadType: 0,
          telephoneEvent: { payloadType: 101 },
          remote: { address: '0.0.0.0', port: 0 },
        },
        prompts: options.prompts,
        language: warning.language,
        log,
      });
      call.media.onDigit((digit) => feed(call, { kind: 'digit', digit, nowMs: now() }));
      calls.set(call.callId, call);
      call.ringTimer = setTimeout(() => {
        if (call.confirmed || call.ended) return;
        log.info({ phone: warning.phone }, 'warning call: no answer, cancelled');
        cancel(call);
        end(call, 'not-answered');
      }, warning.ringTimeoutMs ?? WARNING_RING_TIMEOUT_MS);
      send(call);
      log.info({ phone: warning.phone, vendor: warning.vendor, subject: machine.subject }, 'warning call placed');
    });
  };

  return {
    get active() {
      return calls.size;
    },

    call(warning) {
      let state: WarningCallState = createWarningCall();
      const step = (event: WarningCallEvent): CallCommand[] => {
        const next = stepWarningCall(state, event, {
          extension: warning.extension,
          ...(warning.keyWaitMs !== undefined ? { keyWaitMs: warning.keyWaitMs } : {}),
          ...(warning.minutesLeft !== undefined ? { minutesLeft: warning.minutesLeft } : {}),
        });
        state = next.state;
        return next.commands;
      };
      return place<WarningOutcome>(warning, {
        subject: 'Logout warning',
        step,
        onExtend: () => warning.onExtend(),
        closedOutcome: 'not-extended',
      });
    },

    announce(announcement) {
      let state = createAnnouncementCall();
      const step = (event: WarningCallEvent): CallCommand[] => {
        const next = stepAnnouncementCall(state, event, {
          prompts: announcement.prompts,
          times: announcement.times ?? 2,
        });
        state = next.state;
        return next.commands;
      };
      return place<AnnouncementOutcome>(announcement, {
        subject: announcement.subject,
        step,
        closedOutcome: 'not-answered',
      });
    },

    inDialog(incoming, remote) {
      const call = calls.get(incoming.headers['call-id']);
      if (!call || incoming.headers.to.params['tag'] !== call.fromTag) return false;
      answerInDialog(incoming, remote, call, {
        stack,
        mediaAddress: options.mediaAddress,
        sendOk: (request, from) => sendOk(call, request, from),
        acked: () => {
          call.unacked?.();
          call.unacked = undefined;
        },
        hungUp: () => feed(call, { kind: 'hangup' }),
        digit: (digit) => call.media?.feedInfoDigit(digit),
      });
      return true;
    },

    inCall(phone) {
      for (const call of calls.values()) if (call.request.phone === phone) return true;
      return false;
    },

    strayResponse(response) {
      const call = calls.get(response.headers['call-id']);
      if (
        !call ||
        !call.confirmed ||
        response.headers.cseq.method !== 'INVITE' ||
        response.status < 200 ||
        response.status >= 300
      )
        return false;
      sendInDialog(call, 'ACK');
      return true;
    },

    close() {
      for (const call of [...calls.values()]) {
        if (call.confirmed) sendInDialog(call, 'BYE');
        else cancel(call);
        end(call, call.closedOutcome);
      }
    },
  };
}

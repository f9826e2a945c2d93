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
import { generateBranch, stringifyUri } from '../../adapters/sip-syntax.js';
import type { AuthParams, Endpoint, SipRequest, SipResponse } from '../../sip/message.js';
import { buildResponse, headerText } from '../../sip/message.js';
import type { Language } from '../../core/model.js';
import { buildSdpAnswer } from '../../media/sdp-answer.js';
import { parseSipInfoDtmf } from '../../media/sip-info-dtmf.js';
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

/** Answers a 401/407 to our request with credentials; `undefined` when it cannot. */
export type WarningChallengeAnswerer = (
  response: SipResponse,
  request: SipRequest,
  credentials: { username: string; password: string },
) => { header: 'authorization' | 'proxy-authorization'; value: AuthParams } | undefined;

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
  credentials?: { username: string; password: string };
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
  answerChallenge?: WarningChallengeAnswerer;
  now?: () => number;
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
const ALLOW = 'INVITE, ACK, CANCEL, BYE, INFO, OPTIONS';

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
  toTag: string | undefined;
  cseq: number;
  invite: SipRequest;
  /** Where in-dialog requests go (the 2xx's Contact) and through which routes. */
  remoteTarget: string;
  routes: string[];
  endpoint: Endpoint;
  media: MediaSession | undefined;
  offer: string;
  sessionId: number;
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
  /** By Call-ID: ours, so unique. */
  const calls = new Map<string, WarningCall>();

  const request = (
    call: WarningCall,
    method: string,
    extra: Record<string, unknown> = {},
    content = '',
  ): SipRequest => ({
    method,
    uri: call.remoteTarget,
    version: '2.0',
    headers: {
      via: [],
      from: { name: 'hotdesk', uri: `sip:hotdesk@${call.request.domain}`, params: { tag: call.fromTag } },
      to: {
        uri: `sip:${call.request.target.aor}@${call.request.domain}`,
        params: call.toTag ? { tag: call.toTag } : {},
      },
      'call-id': call.callId,
      cseq: { seq: method === 'ACK' ? call.invite.headers.cseq.seq : ++call.cseq, method },
      'max-forwards': '70',
      ...(call.routes.length > 0 ? { route: call.routes.map((uri) => ({ uri, params: {} })) } : {}),
      ...extra,
    },
    content,
  });

  const end = (call: WarningCall, outcome: string): void => {
    if (call.ended) return;
    call.ended = true;
    clearTimeout(call.ringTimer);
    clearTimeout(call.timer);
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
        if (call.confirmed) stack.send(request(call, 'BYE'), call.endpoint);
        return;
      case 'done':
        end(call, command.outcome);
        return;
    }
  };

  const onAnswered = (call: WarningCall, response: SipResponse): void => {
    call.toTag = response.headers.to.params['tag'] ?? undefined;
    const contact = Array.isArray(response.headers.contact) ? response.headers.contact[0]?.uri : undefined;
    if (contact) call.remoteTarget = typeof contact === 'string' ? contact : stringifyUri(contact);
    // RFC 3261 §12.1.2: the route set is the Record-Route of the 2xx, reversed.
    call.routes = ((response.headers['record-route'] ?? []) as { uri: unknown }[])
      .map((entry) => (typeof entry.uri === 'string' ? entry.uri : stringifyUri(entry.uri as never)))
      .reverse();
    // RFC 3261 §13.2.2.4: the UAC ACKs every 2xx itself.
    stack.send(request(call, 'ACK'), call.endpoint);
    call.confirmed = true;
    if (call.ended) {
      stack.send(request(call, 'BYE'), call.endpoint);
      return;
    }
    clearTimeout(call.ringTimer);
    const answer = readSdpAnswer(response.content ?? '');
    if (!answer.ok) {
      log.info(
        { phone: call.request.phone, problem: answer.problem },
        'warning call: the phone answered without usable audio',
      );
      stack.send(request(call, 'BYE'), call.endpoint);
      return end(call, 'not-answered');
    }
    call.media!.updateRemote(answer);
    feed(call, { kind: 'answered', nowMs: now() });
  };

  const send = (call: WarningCall, invite: SipRequest, challenged: boolean): void => {
    call.invite = invite;
    stack.send(invite, call.endpoint, (response) => {
      if (response.status < 200) {
        if (response.status > 100) call.toTag ??= response.headers.to.params['tag'] ?? undefined;
        return;
      }
      if (response.status < 300) return onAnswered(call, response);
      if (
        (response.status === 401 || response.status === 407) &&
        !challenged &&
        call.request.credentials &&
        !call.ended
      ) {
        const answer = options.answerChallenge?.(response, invite, call.request.credentials);
        if (answer) {
          const retry = buildInvite(call);
          retry.headers[answer.header] = [answer.value];
          return send(call, retry, true);
        }
      }
      if (!call.ended) log.info({ phone: call.request.phone, status: response.status }, 'warning call not answered');
      end(call, 'not-answered');
    });
  };

  const buildInvite = (call: WarningCall): SipRequest =>
    request(
      call,
      'INVITE',
      {
        contact: [{ uri: options.ownUri(), params: {} }],
        'content-type': 'application/sdp',
        allow: ALLOW,
        subject: call.subject,
        ...autoAnswerHeaders(call.request.vendor, call.request.domain),
      },
      call.offer,
    );

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

  /** Places a call of ours (a warning or an announcement) and resolves with how it ended. */
  const place = async <Outcome extends string>(
    warning: OutgoingCallTarget,
    machine: Pick<WarningCall, 'subject' | 'step' | 'closedOutcome'> & { onExtend?: () => void },
  ): Promise<Outcome> => {
    const socket = await options.pool.open();
    return new Promise<Outcome>((resolve) => {
      const sessionId = randomNumber(1e9);
      const offer = buildSdpOffer({ address: options.mediaAddress(), port: socket.port, sessionId, sessionVersion: 1 });
      const call: WarningCall = {
        request: warning,
        ...machine,
        callId: `${generateBranch().slice(7)}@hotdesk`,
        fromTag: newTag(),
        toTag: undefined,
        cseq: randomNumber(10_000),
        invite: undefined as unknown as SipRequest,
        remoteTarget: warning.target.contact,
        routes: [],
        endpoint: warning.target.source,
        media: undefined,
        offer,
        sessionId,
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
      send(call, buildInvite(call), false);
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
      switch (incoming.method) {
        case 'ACK':
          return true;
        case 'BYE':
          stack.respond(buildResponse(incoming, 200, 'OK'));
          feed(call, { kind: 'hangup' });
          return true;
        case 'INFO': {
          const digit = parseSipInfoDtmf(headerText(incoming.headers, 'content-type'), incoming.content);
          stack.respond(buildResponse(incoming, 200, 'OK'));
          if (digit !== undefined) call.media?.feedInfoDigit(digit);
          return true;
        }
        case 'INVITE':
        case 'UPDATE': {
          // A refreshed or changed session (hold, new address): answered with the same port.
          let content = call.offer;
          if (incoming.content && /^v=0/m.test(incoming.content) && call.media) {
            const answer = buildSdpAnswer(incoming.content, {
              address: options.mediaAddress(),
              port: call.media.port,
              sessionId: call.sessionId,
              sessionVersion: 2,
            });
            if (!answer.ok) {
              stack.respond(buildResponse(incoming, 488, 'Not Acceptable Here'));
              return true;
            }
            content = answer.sdp;
            call.media.updateRemote(answer);
          }
          call.endpoint = remote;
          stack.respond(
            buildResponse(incoming, 200, 'OK', {
              headers: {
                contact: [{ uri: options.ownUri(), params: {} }],
                'content-type': 'application/sdp',
                allow: ALLOW,
              },
              content,
            }),
          );
          return true;
        }
        case 'OPTIONS':
          stack.respond(buildResponse(incoming, 200, 'OK', { headers: { allow: ALLOW } }));
          return true;
        default:
          stack.respond(buildResponse(incoming, 405, 'Method Not Allowed', { headers: { allow: ALLOW } }));
          return true;
      }
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
      stack.send(request(call, 'ACK'), call.endpoint);
      return true;
    },

    close() {
      for (const call of [...calls.values()]) {
        if (call.confirmed) stack.send(request(call, 'BYE'), call.endpoint);
        else cancel(call);
        end(call, call.closedOutcome);
      }
    },
  };
}

/**
 * The login voice menu's calls: hotdeskd answers the hot-desk codes itself
 * as a SIP user agent server (RFC 3261 §12–§15), one RTP port per call, and
 * drives the pure IVR machine (media/ivr.ts) with what the caller does.
 * Refusals a phone can hear (an idle phone dialling a blocked number) are
 * spoken as early media before the final response.
 *
 * Every call ends with its port and timers released, whichever side ends it,
 * and whatever arrives late (a retransmitted INVITE, a stray BYE) is answered
 * without touching a call that is gone.
 */
import { runPromptCommand } from './prompt-commands.js';
import type { Endpoint, SipRequest, SipResponse } from '../../sip/message.js';
import { buildResponse, headerText } from '../../sip/message.js';
import { buildSdpAnswer } from '../../media/sdp-answer.js';
import { buildDialogRequest, dialogAsUas } from '../../sip/dialog-request.js';
import { answerInDialog, DIALOG_ALLOW } from '../sip/answer-in-dialog.js';
import { retransmitUntilAck } from '../sip/ok-retransmit.js';
import { systemTimers, type DialogTimers } from '../sip/dialog-timers.js';
import type { ChallengeAnswerer } from '../sip/digest-retry.js';
import type { DtmfDigit } from '../../media/dtmf-digit.js';
import type { PromptName } from '../../media/prompt-names.js';
import { createIvr, stepIvr, type IvrCommand, type IvrEvent, type IvrState, type IvrStart } from '../../media/ivr.js';
import type { Language } from '../../core/model.js';
import type { SipStack } from '../../adapters/sip-stack.js';
import type { Logger } from '../../adapters/log.js';
import type { RtpPortPool } from '../../adapters/rtp-socket.js';
import type { PromptLibrary } from '../../adapters/prompt-files.js';
import { createMediaSession, type MediaSession } from './media-session.js';
import { createWarningCalls, type AnnouncementRequest, type WarningCallRequest } from './warning-calls.js';
import type { AnnouncementOutcome } from '../../media/announcement-call.js';
import type { WarningOutcome } from '../../media/warning-call.js';
import { sipTag, randomNumber } from '../../adapters/secrets.js';

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

interface Call {
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

const newTag = sipTag;

export function createIvrService(options: IvrServiceOptions): IvrService {
  const { stack, log, actions } = options;
  const now = options.now ?? Date.now;
  const timers = options.timers ?? { ...systemTimers, now };
  const maxCalls = options.maxCalls ?? 200;
  const calls = new Map<string, Call>();
  const key = (callId: string, tag: string | null | undefined) => `${callId}|${tag ?? ''}`;
  const warnings = createWarningCalls({
    stack,
    log,
    pool: options.pool,
    prompts: options.prompts,
    mediaAddress: options.mediaAddress,
    ownUri: options.ownUri,
    now,
    timers,
    ...(options.answerChallenge ? { answerChallenge: options.answerChallenge } : {}),
  });

  const respond = (
    call: Call,
    status: number,
    phrase: string,
    headers: Record<string, unknown> = {},
    content?: string,
    request = call.invite,
  ) => {
    stack.respond(
      buildResponse(request, status, phrase, {
        toTag: call.localTag,
        headers,
        ...(content !== undefined ? { content } : {}),
      }),
    );
  };

  const withSdp = (call: Call): Record<string, unknown> => ({
    contact: [{ uri: options.ownUri(), params: {} }],
    'content-type': 'application/sdp',
    allow: DIALOG_ALLOW,
    ...sessionTimer(call.invite),
  });

  const stopRetransmit = (call: Call) => {
    call.unacked?.();
    call.unacked = undefined;
  };

  /** Sends a 2xx and keeps sending it until the ACK comes (UDP), for at most 64·T1 (ok-retransmit.ts). */
  const sendOk = (call: Call, request: SipRequest) => {
    const response = buildResponse(request, 200, 'OK', {
      toTag: call.localTag,
      headers: withSdp(call),
      content: call.sdp,
    });
    stack.respond(response);
    stopRetransmit(call);
    if (call.remote.protocol !== 'UDP' || request.method !== 'INVITE') return;
    call.unacked = retransmitUntilAck(
      () => stack.respond(response),
      timers,
      () => {
        log.info({ callId: call.callId }, 'login call: no ACK for our 200, hanging up');
        end(call, 'no-ack', true);
      },
    );
  };

  const sendBye = (call: Call) => {
    const bye = buildDialogRequest(dialogAsUas(call.invite, call.localTag), 'BYE', ++call.localCseq);
    stack.send(bye, call.remote, (response) => {
      if (response.status >= 300)
        log.debug({ callId: call.callId, status: response.status }, 'login call: BYE answered with an error');
    });
  };

  /** Ends a call: stops everything it holds; `hangUp` sends BYE (confirmed) or the final response (early). */
  const end = (call: Call, why: string, hangUp: boolean): void => {
    if (call.state === 'ended') return;
    const was = call.state;
    call.state = 'ended';
    stopRetransmit(call);
    clearTimeout(call.timer);
    calls.delete(key(call.callId, call.localTag));
    if (hangUp) {
      if (was === 'confirmed') sendBye(call);
      else if (call.flow.kind === 'refuse') respond(call, call.flow.status, call.flow.phrase);
      else respond(call, 480, 'Temporarily Unavailable');
    }
    void call.media?.close();
    log.debug({ callId: call.callId, why }, 'login call ended');
    if (call.phone) actions.callEnded(call.phone);
  };

  const feed = (call: Call, event: IvrEvent): void => {
    if (call.state === 'ended' || !call.machine) return;
    const step = stepIvr(call.machine, event);
    call.machine = step.state;
    for (const command of step.commands) run(call, command);
  };

  const run = (call: Call, command: IvrCommand): void => {
    if (call.state === 'ended') return;
    const flow = call.flow;
    switch (command.kind) {
      case 'play':
      case 'stop-prompt':
      case 'arm-timer':
        return runPromptCommand(call, command, (event) => feed(call, event), now);
      case 'check-pin':
        if (flow.kind !== 'login' && flow.kind !== 'logout-everywhere') return;
        void actions.checkPin(flow.extension, flow.phone, command.pin).then(
          (verdict) => feed(call, { kind: 'pin-checked', ...verdict, nowMs: now() }),
          (error: Error) => {
            log.error({ err: error, callId: call.callId }, 'login call: PIN check failed');
            end(call, 'error', true);
          },
        );
        return;
      case 'apply-login':
        if (flow.kind !== 'login') return;
        void actions.login(flow.extension, flow.phone).then(
          (result) => feed(call, { kind: 'login-applied', ...result, nowMs: now() }),
          (error: Error) => {
            log.error({ err: error, callId: call.callId }, 'login call: login failed');
            end(call, 'error', true);
          },
        );
        return;
      case 'apply-logout':
        if (flow.kind !== 'logout') return;
        void actions.logout(flow.phone).then(
          (result) => feed(call, { kind: 'logout-applied', ...result, nowMs: now() }),
          (error: Error) => {
            log.error({ err: error, callId: call.callId }, 'login call: logout failed');
            end(call, 'error', true);
          },
        );
        return;
      case 'apply-logout-everywhere':
        if (flow.kind !== 'logout-everywhere') return;
        void actions.logoutEverywhere(flow.extension).then(
          (released) => feed(call, { kind: 'logout-everywhere-applied', released, nowMs: now() }),
          (error: Error) => {
            log.error({ err: error, callId: call.callId }, 'login call: logout everywhere failed');
            end(call, 'error', true);
          },
        );
        return;
      case 'hang-up':
        end(call, 'done', true);
        return;
      case 'done':
        log.info({ callId: call.callId, phone: call.phone, outcome: command.outcome }, 'login call finished');
        return;
    }
  };

  const startFor = (flow: IvrFlow): IvrStart => {
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
  };

  const begin = async (call: Call): Promise<void> => {
    const flow = call.flow;
    let socket;
    try {
      socket = await options.pool.open();
    } catch (error) {
      log.warn({ err: error as Error }, 'login call: no RTP port free');
      if (call.state === 'ended') return;
      calls.delete(key(call.callId, call.localTag));
      call.state = 'ended';
      if (flow.kind === 'refuse') return respond(call, flow.status, flow.phrase);
      return respond(call, 503, 'Service Unavailable', { 'retry-after': '5' });
    }
    if (call.state === 'ended') {
      await socket.close();
      return;
    }
    const answer = buildSdpAnswer(call.invite.content ?? '', {
      address: options.mediaAddress(),
      port: socket.port,
      sessionId: call.sessionId,
      sessionVersion: call.sessionVersion,
    });
    if (!answer.ok) {
      await socket.close();
      calls.delete(key(call.callId, call.localTag));
      call.state = 'ended';
      if (flow.kind === 'refuse') return respond(call, flow.status, flow.phrase);
      log.info({ callId: call.callId, problem: answer.problem }, 'login call: offer not acceptable');
      return respond(call, 488, 'Not Acceptable Here');
    }
    call.sdp = answer.sdp;
    const language =
      flow.kind === 'refuse'
        ? flow.language
        : actions.language(flow.kind === 'login' || flow.kind === 'logout-everywhere' ? flow.extension : undefined);
    call.media = createMediaSession({
      socket,
      answer,
      prompts: options.prompts,
      language,
      log,
    });
    call.media.onDigit((digit: DtmfDigit) => feed(call, { kind: 'digit', digit, nowMs: now() }));
    if (flow.kind === 'refuse') {
      call.state = 'early';
      respond(call, 183, 'Session Progress', withSdp(call), call.sdp);
    } else {
      call.state = 'confirmed';
      sendOk(call, call.invite);
    }
    const start = startFor(flow);
    const created = createIvr(start, now());
    call.machine = created.state;
    for (const command of created.commands) run(call, command);
  };

  return {
    get active() {
      return calls.size;
    },
    get portsInUse() {
      return options.pool.inUse;
    },

    answer(request, remote, flow) {
      const callId = request.headers['call-id'];
      const call: Call = {
        callId,
        localTag: newTag(),
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
      if (calls.size >= maxCalls) {
        log.warn({ active: calls.size }, 'login calls at their limit: 503');
        return respond(call, 503, 'Service Unavailable', { 'retry-after': '10' });
      }
      if (!request.content || !/^v=0/m.test(request.content)) {
        // An INVITE without an offer would need ours in the 200 and the answer in the ACK; phones always offer.
        if (flow.kind === 'refuse') return respond(call, flow.status, flow.phrase);
        return respond(call, 488, 'Not Acceptable Here', { warning: '399 hotdesk "an SDP offer is required"' });
      }
      // One PIN-taking call per phone at a time: parallel calls from one phone would multiply its tries.
      const takesPin = (candidate: IvrFlow) => candidate.kind === 'login' || candidate.kind === 'logout-everywhere';
      if (
        takesPin(flow) &&
        [...calls.values()].some(
          (other) => other.callId !== callId && other.phone === call.phone && takesPin(other.flow),
        )
      ) {
        log.info({ callId, phone: call.phone }, 'login call: the phone is in a login call already: 486');
        return respond(call, 486, 'Busy Here');
      }
      calls.set(key(callId, call.localTag), call);
      void begin(call).catch((error: Error) => {
        log.error({ err: error, callId }, 'login call failed to start');
        end(call, 'error', true);
      });
    },

    cancel(request) {
      const branch = String(request.headers.via[0]?.params['branch'] ?? '');
      const call = [...calls.values()].find(
        (candidate) => candidate.callId === request.headers['call-id'] && candidate.branch === branch,
      );
      if (!call) return false;
      stack.respond(buildResponse(request, 200, 'OK', { toTag: call.localTag }));
      if (call.state === 'starting' || call.state === 'early') {
        respond(call, 487, 'Request Terminated');
        if (call.machine) feed(call, { kind: 'hangup', nowMs: now() });
        end(call, 'cancelled', false);
      }
      return true;
    },

    inDialog(request, remote) {
      if (warnings.inDialog(request, remote)) return true;
      const call = calls.get(key(request.headers['call-id'], request.headers.to.params['tag']));
      if (!call) return false;
      answerInDialog(request, remote, call, {
        stack,
        mediaAddress: options.mediaAddress,
        sendOk(answered, from) {
          if (answered.method === 'INVITE') call.remote = from;
          sendOk(call, answered);
        },
        acked: () => stopRetransmit(call),
        hungUp() {
          feed(call, { kind: 'hangup', nowMs: now() });
          end(call, 'caller hung up', false);
        },
        digit: (digit) => call.media?.feedInfoDigit(digit),
      });
      return true;
    },

    inCall(phone) {
      for (const call of calls.values()) if (call.phone === phone) return true;
      return warnings.inCall(phone);
    },

    warn: (request) => warnings.call(request),
    announce: (request) => warnings.announce(request),
    strayResponse: (response) => warnings.strayResponse(response),

    async close() {
      for (const call of [...calls.values()]) end(call, 'shutdown', true);
      warnings.close();
      await options.pool.close();
    },
  };
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

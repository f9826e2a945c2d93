/**
 * A login call as its UAS end, top to bottom: the INVITE of a hot-desk code (limits, offer, one
 * PIN-taking call per phone), its CANCEL before the answer (487 to the INVITE, 200 to the CANCEL),
 * the requests inside the call (sip/answer-in-dialog.ts, shared with the warning call); once
 * answered, the pure IVR machine (media/ivr.ts) driven with what the caller does, and its commands
 * carried out (prompts, timers, the office's actions). The call's state, answers and end are
 * login-call.ts's.
 */
import type { Endpoint, SipRequest } from '../../sip/message.js';
import { buildResponse } from '../../sip/message.js';
import { answerInDialog } from '../sip/answer-in-dialog.js';
import { runPromptCommand } from './prompt-commands.js';
import { buildSdpAnswer } from '../../media/sdp-answer.js';
import type { DtmfDigit } from '../../media/dtmf-digit.js';
import { createIvr, stepIvr, type IvrCommand, type IvrEvent } from '../../media/ivr.js';
import { createMediaSession } from './media-session.js';
import {
  callKey,
  endCall,
  newCall,
  respondTo,
  sendOk,
  startFor,
  stopRetransmit,
  withSdp,
  type Call,
  type IvrFlow,
  type LoginCallContext,
} from './login-call.js';

const takesPin = (flow: IvrFlow) => flow.kind === 'login' || flow.kind === 'logout-everywhere';

/** Answers an INVITE for a hot-desk code (already authenticated and routed). */
export function answerCall(
  context: LoginCallContext,
  maxCalls: number,
  request: SipRequest,
  remote: Endpoint,
  flow: IvrFlow,
): void {
  const { calls, log } = context;
  const call = newCall(request, remote, flow);
  const refuse = (status: number, phrase: string, headers: Record<string, unknown> = {}) =>
    flow.kind === 'refuse'
      ? respondTo(context, call, flow.status, flow.phrase)
      : respondTo(context, call, status, phrase, headers);
  if (calls.size >= maxCalls) {
    log.warn({ active: calls.size }, 'login calls at their limit: 503');
    return respondTo(context, call, 503, 'Service Unavailable', { 'retry-after': '10' });
  }
  // An INVITE without an offer would need ours in the 200 and the answer in the ACK; phones always offer.
  if (!request.content || !/^v=0/m.test(request.content))
    return refuse(488, 'Not Acceptable Here', { warning: '399 hotdesk "an SDP offer is required"' });
  // One PIN-taking call per phone at a time: parallel calls from one phone would multiply its tries.
  const busy = [...calls.values()].some(
    (other) => other.callId !== call.callId && other.phone === call.phone && takesPin(other.flow),
  );
  if (takesPin(flow) && busy) {
    log.info({ callId: call.callId, phone: call.phone }, 'login call: the phone is in a login call already: 486');
    return respondTo(context, call, 486, 'Busy Here');
  }
  calls.set(callKey(call.callId, call.localTag), call);
  void beginCall(context, call).catch((error: Error) => {
    log.error({ err: error, callId: call.callId }, 'login call failed to start');
    endCall(context, call, 'error', true);
  });
}

/** RFC 3261 §9.2: CANCEL of an INVITE not answered yet: 200 to the CANCEL, 487 to the INVITE. */
export function cancelCall(context: LoginCallContext, request: SipRequest): boolean {
  const branch = String(request.headers.via[0]?.params['branch'] ?? '');
  const call = [...context.calls.values()].find(
    (candidate) => candidate.callId === request.headers['call-id'] && candidate.branch === branch,
  );
  if (!call) return false;
  context.stack.respond(buildResponse(request, 200, 'OK', { toTag: call.localTag }));
  if (call.state === 'starting' || call.state === 'early') {
    respondTo(context, call, 487, 'Request Terminated');
    if (call.machine) feedCall(context, call, { kind: 'hangup', nowMs: context.now() });
    endCall(context, call, 'cancelled', false);
  }
  return true;
}

/** A request inside a login call; false when it is none of ours. */
export function inLoginCall(context: LoginCallContext, request: SipRequest, remote: Endpoint): boolean {
  const call = context.calls.get(callKey(request.headers['call-id'], request.headers.to.params['tag']));
  if (!call) return false;
  answerInDialog(request, remote, call, {
    stack: context.stack,
    mediaAddress: context.mediaAddress,
    sendOk(answered, from) {
      if (answered.method === 'INVITE') call.remote = from;
      sendOk(context, call, answered);
    },
    acked: () => stopRetransmit(call),
    hungUp() {
      feedCall(context, call, { kind: 'hangup', nowMs: context.now() });
      endCall(context, call, 'caller hung up', false);
    },
    digit: (digit) => call.media?.feedInfoDigit(digit),
  });
  return true;
}

export function feedCall(context: LoginCallContext, call: Call, event: IvrEvent): void {
  if (call.state === 'ended' || !call.machine) return;
  const step = stepIvr(call.machine, event);
  call.machine = step.state;
  for (const command of step.commands) runCommand(context, call, command);
}

/** Runs one of the office's actions; its result goes back to the machine, a failure ends the call. */
function act<T>(
  context: LoginCallContext,
  call: Call,
  what: string,
  action: () => Promise<T>,
  event: (result: T) => IvrEvent,
): void {
  void action().then(
    (result) => feedCall(context, call, event(result)),
    (error: Error) => {
      context.log.error({ err: error, callId: call.callId }, `login call: ${what} failed`);
      endCall(context, call, 'error', true);
    },
  );
}

function runCommand(context: LoginCallContext, call: Call, command: IvrCommand): void {
  if (call.state === 'ended') return;
  const { actions, now } = context;
  const flow = call.flow;
  switch (command.kind) {
    case 'play':
    case 'stop-prompt':
    case 'arm-timer':
      return runPromptCommand(call, command, (event) => feedCall(context, call, event), now);
    case 'check-pin':
      if (flow.kind !== 'login' && flow.kind !== 'logout-everywhere') return;
      return act(
        context,
        call,
        'PIN check',
        () => actions.checkPin(flow.extension, flow.phone, command.pin),
        (verdict) => ({ kind: 'pin-checked', ...verdict, nowMs: now() }),
      );
    case 'apply-login':
      if (flow.kind !== 'login') return;
      return act(
        context,
        call,
        'login',
        () => actions.login(flow.extension, flow.phone),
        (result) => ({ kind: 'login-applied', ...result, nowMs: now() }),
      );
    case 'apply-logout':
      if (flow.kind !== 'logout') return;
      return act(
        context,
        call,
        'logout',
        () => actions.logout(flow.phone),
        (result) => ({ kind: 'logout-applied', ...result, nowMs: now() }),
      );
    case 'apply-logout-everywhere':
      if (flow.kind !== 'logout-everywhere') return;
      return act(
        context,
        call,
        'logout everywhere',
        () => actions.logoutEverywhere(flow.extension),
        (released) => ({ kind: 'logout-everywhere-applied', released, nowMs: now() }),
      );
    case 'hang-up':
      return endCall(context, call, 'done', true);
    case 'done':
      context.log.info({ callId: call.callId, phone: call.phone, outcome: command.outcome }, 'login call finished');
      return;
  }
}

/** A call that could not start: its final answer (the refusal's own status, or `status`). */
function refuseStart(context: LoginCallContext, call: Call, status: number, phrase: string, headers = {}): void {
  context.calls.delete(callKey(call.callId, call.localTag));
  call.state = 'ended';
  if (call.flow.kind === 'refuse') return respondTo(context, call, call.flow.status, call.flow.phrase);
  respondTo(context, call, status, phrase, headers);
}

/** Opens the call's RTP port, answers the offer (200, or 183 for a spoken refusal) and starts the machine. */
export async function beginCall(context: LoginCallContext, call: Call): Promise<void> {
  const { log, actions, now } = context;
  const flow = call.flow;
  let socket;
  try {
    socket = await context.pool.open();
  } catch (error) {
    log.warn({ err: error as Error }, 'login call: no RTP port free');
    if (call.state === 'ended') return;
    return refuseStart(context, call, 503, 'Service Unavailable', { 'retry-after': '5' });
  }
  if (call.state === 'ended') return socket.close();
  const answer = buildSdpAnswer(call.invite.content ?? '', {
    address: context.mediaAddress(),
    port: socket.port,
    sessionId: call.sessionId,
    sessionVersion: call.sessionVersion,
  });
  if (!answer.ok) {
    await socket.close();
    if (flow.kind !== 'refuse')
      log.info({ callId: call.callId, problem: answer.problem }, 'login call: offer not acceptable');
    return refuseStart(context, call, 488, 'Not Acceptable Here');
  }
  call.sdp = answer.sdp;
  const language =
    flow.kind === 'refuse'
      ? flow.language
      : actions.language(flow.kind === 'login' || flow.kind === 'logout-everywhere' ? flow.extension : undefined);
  call.media = createMediaSession({ socket, answer, prompts: context.prompts, language, log });
  call.media.onDigit((digit: DtmfDigit) => feedCall(context, call, { kind: 'digit', digit, nowMs: now() }));
  if (flow.kind === 'refuse') {
    call.state = 'early';
    respondTo(context, call, 183, 'Session Progress', withSdp(context, call), call.sdp);
  } else {
    call.state = 'confirmed';
    sendOk(context, call, call.invite);
  }
  const created = createIvr(startFor(flow, actions), now());
  call.machine = created.state;
  for (const command of created.commands) runCommand(context, call, command);
}

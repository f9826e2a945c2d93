/**
 * What a login call does once answered: drives the pure IVR machine
 * (media/ivr.ts) with what the caller does and carries out its commands
 * (prompts, timers, the office's actions). No SIP here: the call's answers
 * and its end are login-call.ts's.
 */
import { runPromptCommand } from './prompt-commands.js';
import { buildSdpAnswer } from '../../media/sdp-answer.js';
import type { DtmfDigit } from '../../media/dtmf-digit.js';
import { createIvr, stepIvr, type IvrCommand, type IvrEvent, type IvrStart } from '../../media/ivr.js';
import { createMediaSession } from './media-session.js';
import {
  callKey,
  endCall,
  respondTo,
  sendOk,
  withSdp,
  type Call,
  type IvrActions,
  type IvrFlow,
  type LoginCallContext,
} from './login-call.js';

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

/**
 * Placing a call of ours and carrying it: the INVITE with one digest retry
 * (sip/digest-retry.ts), the answer (ACK, the phone's SDP), the ring timeout
 * (CANCEL), the requests the phone sends in the call (sip/answer-in-dialog.ts,
 * shared with the login call) and the call's machine, fed with events
 * (answered, digit, hung up) and carried out (prompts, extend, hang up).
 */
import { runPromptCommand } from './prompt-commands.js';
import type { Endpoint, SipRequest, SipResponse } from '../../sip/message.js';
import { dialogAsUac } from '../../sip/dialog-request.js';
import { answerInDialog } from '../sip/answer-in-dialog.js';
import { sendWithDigestRetry } from '../sip/digest-retry.js';
import { buildSdpOffer, readSdpAnswer, type WarningCallEvent } from '../../media/warning-call.js';
import { randomNumber, sipTag } from '../../adapters/secrets.js';
import { createMediaSession } from './media-session.js';
import {
  buildInvite,
  cancelInvite,
  endOutgoing,
  sendInDialog,
  sendReofferOk,
  stopOkRetransmit,
  type CallCommand,
  type OutgoingCallContext,
  type OutgoingCallTarget,
  type WarningCall,
} from './outgoing-call.js';

export const WARNING_RING_TIMEOUT_MS = 30_000;

function feed(context: OutgoingCallContext, call: WarningCall, event: WarningCallEvent): void {
  if (call.ended) return;
  for (const command of call.step(event)) run(context, call, command);
}

function run(context: OutgoingCallContext, call: WarningCall, command: CallCommand): void {
  switch (command.kind) {
    case 'play':
    case 'stop-prompt':
    case 'arm-timer':
      return runPromptCommand(call, command, (event) => feed(context, call, event), context.now);
    case 'extend':
      call.onExtend?.();
      return;
    case 'hang-up':
      if (call.confirmed) sendInDialog(context, call, 'BYE');
      return;
    case 'done':
      return endOutgoing(context, call, command.outcome);
  }
}

function onAnswered(context: OutgoingCallContext, call: WarningCall, response: SipResponse): void {
  call.dialog = dialogAsUac(call.invite, response);
  // RFC 3261 §13.2.2.4: the UAC ACKs every 2xx itself.
  sendInDialog(context, call, 'ACK');
  call.confirmed = true;
  if (call.ended) return sendInDialog(context, call, 'BYE');
  clearTimeout(call.ringTimer);
  const answer = readSdpAnswer(response.content ?? '');
  if (!answer.ok) {
    context.log.info(
      { phone: call.request.phone, problem: answer.problem },
      'warning call: the phone answered without usable audio',
    );
    sendInDialog(context, call, 'BYE');
    return endOutgoing(context, call, 'not-answered');
  }
  call.media?.updateRemote(answer);
  feed(context, call, { kind: 'answered', nowMs: context.now() });
}

/** Sends the INVITE, answering the phone's challenge once with the account's credentials (digest-retry.ts). */
function send(context: OutgoingCallContext, call: WarningCall): void {
  sendWithDigestRetry(
    context.stack,
    call.invite,
    call.endpoint,
    (response) => {
      if (response.status < 200) return;
      if (response.status < 300) return onAnswered(context, call, response);
      if (!call.ended)
        context.log.info({ phone: call.request.phone, status: response.status }, 'warning call not answered');
      endOutgoing(context, call, 'not-answered');
    },
    {
      credentials: call.request.credentials,
      rebuild: () => buildInvite(context, call, ++call.cseq),
      onSent: (sent) => (call.invite = sent),
      wanted: () => !call.ended,
      ...(context.answerChallenge ? { answer: context.answerChallenge } : {}),
    },
  );
}

type Machine = Pick<WarningCall, 'subject' | 'step' | 'closedOutcome'> & { onExtend?: () => void };

function newCall(
  context: OutgoingCallContext,
  target: OutgoingCallTarget,
  machine: Machine,
  sdp: { offer: string; sessionId: number },
  finish: (outcome: string) => void,
): WarningCall {
  // A Call-ID of 128 random bits from the cryptographic generator (RFC 3261 §8.1.1.4).
  const fields = {
    request: target,
    ...machine,
    callId: `${sipTag()}${sipTag()}@hotdesk`,
    fromTag: sipTag(),
    sdp: sdp.offer,
  };
  const seq = randomNumber(10_000);
  return {
    ...fields,
    cseq: seq,
    invite: buildInvite(context, fields, seq),
    dialog: undefined,
    endpoint: target.target.source,
    media: undefined,
    sessionId: sdp.sessionId,
    sessionVersion: 1,
    unacked: undefined,
    ringTimer: undefined,
    timer: undefined,
    confirmed: false,
    ended: false,
    finish,
  };
}

/** Places a call of ours (a warning or an announcement) and resolves with how it ended. */
export async function placeCall<Outcome extends string>(
  context: OutgoingCallContext,
  target: OutgoingCallTarget,
  machine: Machine,
): Promise<Outcome> {
  const { log } = context;
  const socket = await context.pool.open();
  return new Promise<Outcome>((resolve) => {
    const sessionId = randomNumber(1e9);
    const offer = buildSdpOffer({ address: context.mediaAddress(), port: socket.port, sessionId, sessionVersion: 1 });
    const call = newCall(context, target, machine, { offer, sessionId }, resolve as (outcome: string) => void);
    // Until the answer says where, media goes nowhere (port 0 is never sent to).
    call.media = createMediaSession({
      socket,
      answer: {
        codec: 'PCMU',
        payloadType: 0,
        telephoneEvent: { payloadType: 101 },
        remote: { address: '0.0.0.0', port: 0 },
      },
      prompts: context.prompts,
      language: target.language,
      log,
    });
    call.media.onDigit((digit) => feed(context, call, { kind: 'digit', digit, nowMs: context.now() }));
    context.calls.set(call.callId, call);
    call.ringTimer = setTimeout(() => {
      if (call.confirmed || call.ended) return;
      log.info({ phone: target.phone }, 'warning call: no answer, cancelled');
      cancelInvite(context, call);
      endOutgoing(context, call, 'not-answered');
    }, target.ringTimeoutMs ?? WARNING_RING_TIMEOUT_MS);
    send(context, call);
    log.info({ phone: target.phone, vendor: target.vendor, subject: machine.subject }, 'warning call placed');
  });
}

/** A request the phone sends inside one of our calls; false when it is none of ours. */
export function inOutgoingCall(context: OutgoingCallContext, incoming: SipRequest, remote: Endpoint): boolean {
  const call = context.calls.get(incoming.headers['call-id']);
  if (!call || incoming.headers.to.params['tag'] !== call.fromTag) return false;
  answerInDialog(incoming, remote, call, {
    stack: context.stack,
    mediaAddress: context.mediaAddress,
    sendOk: (request, from) => sendReofferOk(context, call, request, from),
    acked: () => stopOkRetransmit(call),
    hungUp: () => feed(context, call, { kind: 'hangup' }),
    digit: (digit) => call.media?.feedInfoDigit(digit),
  });
  return true;
}

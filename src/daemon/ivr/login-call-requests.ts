/**
 * The SIP requests of a login call, as its UAS end: the INVITE of a hot-desk
 * code (limits, offer, one PIN-taking call per phone), its CANCEL before the
 * answer (487 to the INVITE, 200 to the CANCEL), and the requests inside the
 * call (sip/answer-in-dialog.ts, shared with the warning call).
 */
import type { Endpoint, SipRequest } from '../../sip/message.js';
import { buildResponse } from '../../sip/message.js';
import { answerInDialog } from '../sip/answer-in-dialog.js';
import { randomNumber, sipTag } from '../../adapters/secrets.js';
import {
  callKey,
  endCall,
  respondTo,
  sendOk,
  stopRetransmit,
  type Call,
  type IvrFlow,
  type LoginCallContext,
} from './login-call.js';
import { beginCall, feedCall } from './login-call-flow.js';

const takesPin = (flow: IvrFlow) => flow.kind === 'login' || flow.kind === 'logout-everywhere';

function newCall(request: SipRequest, remote: Endpoint, flow: IvrFlow): Call {
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

/**
 * The event-loop delay sampler behind admission.ts: a timer every `tickMs`
 * (unref'd) notes how late it runs; each new request asks {@link AdmissionGate.admit}.
 * Time is the monotonic clock (performance.now), whatever clock the caller fakes.
 */
import { performance } from 'node:perf_hooks';
import {
  admit,
  BACKLOG_TURN,
  DEFAULT_ADMISSION,
  initialAdmission,
  loopBusy,
  newWithoutCredentials,
  noteTick,
  saturated,
  type AdmissionLimits,
  type AdmissionVerdict,
} from '../sip/admission.js';
import type { SipRequest } from '../sip/message.js';

export interface AdmissionGate {
  admit(request: SipRequest, inFlight: number): AdmissionVerdict;
  /** True while datagrams should be dropped unread. */
  saturated(): boolean;
  /**
   * True for a datagram to drop unread: any while saturated, a new one without credentials while the
   * loop is busy and the socket backlogged (`inTurn`: datagrams read in this turn of the loop).
   */
  dropUnread(datagram: Buffer, inTurn: number): boolean;
  stop(): void;
}

export function createAdmissionGate(overrides: Partial<AdmissionLimits> = {}): AdmissionGate {
  const limits: AdmissionLimits = { ...DEFAULT_ADMISSION, ...overrides };
  let state = initialAdmission(performance.now());
  /** Datagrams and requests since the last tick: delay counts only while they are many. */
  let recent = 0;
  /** A turn of the loop read BACKLOG_TURN datagrams since the last tick, or before it. */
  let backlog = { now: false, before: false };
  let cpu = process.cpuUsage();
  let loop = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const loopNow = performance.eventLoopUtilization();
    const utilization = performance.eventLoopUtilization(loopNow, loop).utilization;
    loop = loopNow;
    // One reading a tick: the process's CPU time is a system call.
    const reading = process.cpuUsage();
    const usedMs = (reading.user - cpu.user + reading.system - cpu.system) / 1000;
    cpu = reading;
    state = noteTick(state, performance.now(), limits, usedMs, utilization);
    recent = 0;
    backlog = { now: false, before: backlog.now };
  }, limits.tickMs);
  timer.unref();
  return {
    admit(request, inFlight) {
      const headers = request.headers;
      const authenticated = headers.authorization !== undefined || headers['proxy-authorization'] !== undefined;
      return admit(state, performance.now(), { inFlight, authenticated, recent: ++recent }, limits);
    },
    saturated: () => saturated(state, performance.now(), ++recent, limits),
    dropUnread(datagram, inTurn) {
      if (saturated(state, performance.now(), ++recent, limits)) return true;
      if (inTurn >= BACKLOG_TURN) backlog.now = true;
      // The first bytes tell a new request from the rest (a request line and a few headers fit in 2 KiB).
      return (
        loopBusy(state, recent, backlog.now || backlog.before, limits) &&
        newWithoutCredentials(datagram.toString('latin1', 0, 2048))
      );
    },
    stop: () => clearInterval(timer),
  };
}

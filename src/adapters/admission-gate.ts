/**
 * The event-loop delay sampler behind admission.ts: a timer every `tickMs`
 * (unref'd) notes how late it runs; each new request asks {@link AdmissionGate.admit}.
 * Time is the monotonic clock (performance.now), whatever clock the caller fakes.
 */
import { performance } from 'node:perf_hooks';
import {
  admit,
  DEFAULT_ADMISSION,
  initialAdmission,
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
  stop(): void;
}

export function createAdmissionGate(overrides: Partial<AdmissionLimits> = {}): AdmissionGate {
  const limits: AdmissionLimits = { ...DEFAULT_ADMISSION, ...overrides };
  let state = initialAdmission(performance.now());
  /** Datagrams and requests since the last tick: delay counts only while they are many. */
  let recent = 0;
  let cpu = process.cpuUsage();
  const timer = setInterval(() => {
    // One reading a tick: the process's CPU time is a system call.
    const reading = process.cpuUsage();
    const usedMs = (reading.user - cpu.user + reading.system - cpu.system) / 1000;
    cpu = reading;
    state = noteTick(state, performance.now(), limits, usedMs);
    recent = 0;
  }, limits.tickMs);
  timer.unref();
  return {
    admit(request, inFlight) {
      const headers = request.headers;
      const authenticated = headers.authorization !== undefined || headers['proxy-authorization'] !== undefined;
      return admit(state, performance.now(), { inFlight, authenticated, recent: ++recent }, limits);
    },
    saturated: () => saturated(state, performance.now(), ++recent, limits),
    stop: () => clearInterval(timer),
  };
}

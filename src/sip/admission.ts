/**
 * Admission under overload (RFC 7339 / RFC 5390 in spirit): whether a new
 * request is served, refused early with 503 and Retry-After, or dropped
 * unread. It looks at the work in flight, never at how many answers are
 * remembered:
 * - the event loop's delay, from a timer ticking every `tickMs` ({@link noteTick}):
 *   how late it ran last time, and how late it is now if it has not run;
 * - the requests admitted and not answered yet (`inFlight`).
 *
 * Delay alone may be the machine's (another process on the core, a pause):
 * it counts only while this process is busy with requests, `minBusy` or more
 * of them arriving since the sampler last ran.
 *
 * A request carrying credentials finishes work already begun (the second half of
 * a 401 challenge), so it is admitted up to twice the delay a new one is; past
 * `dropDelayMs` the process is saturated and new requests are dropped before
 * parsing (a 503 would cost as much as the answer). Work may also wait where no
 * delay shows, in the socket's receive buffer: while the event loop is busy
 * `busyShare` of the time, new requests without credentials are dropped unread
 * ({@link loopBusy}, {@link newWithoutCredentials}). Retransmissions of requests
 * in progress never reach admission (answer-cache.ts answers them).
 *
 * A plain value and pure functions, `now` passed in.
 */

export interface AdmissionLimits {
  /** Event-loop delay, ms, past which new requests are refused 503. */
  readonly maxDelayMs: number;
  /** Past this delay, ms, datagrams are dropped before parsing. */
  readonly dropDelayMs: number;
  /** Requests admitted and not yet answered, past which new ones are refused 503. */
  readonly maxInFlight: number;
  /** How often the delay sampler ticks, ms. */
  readonly tickMs: number;
  /** Requests since the sampler's last tick below which delay is not ours (not counted). */
  readonly minBusy: number;
  /**
   * Share of the time the event loop was busy (smoothed over some ten ticks) at or past which new
   * requests without credentials are dropped unread ({@link newWithoutCredentials}).
   */
  readonly busyShare: number;
}

/**
 * 100 ms of delay is about a thousand queued REGISTERs, well inside SIP's first retransmission
 * (T1, 500 ms), past which queued work is wasted; 5,000 unanswered requests are far past any office's burst.
 * A loop busy 99 % of the time: at 95 % new registrations were dropped at the clean rate already
 * (npm run bench:overload at 1×: 88 % of it served, 98 % at 99 %); without the rule, at ten times
 * the clean rate the second halves of challenges were lost among the new requests waiting in the
 * socket buffer (74 % of the clean rate served; 137–179 % with it).
 */
export const DEFAULT_ADMISSION: AdmissionLimits = {
  maxDelayMs: 100,
  dropDelayMs: 500,
  maxInFlight: 5_000,
  tickMs: 10,
  minBusy: 32,
  busyShare: 0.99,
};

export interface AdmissionState {
  /** When the sampler last ran. */
  readonly lastTickMs: number;
  /** Its last lateness, decayed: how far behind the event loop runs. */
  readonly delayMs: number;
  /** The event loop's busy share (0–1), smoothed: each tick counts for a tenth. */
  readonly busy: number;
}

/**
 * Datagrams read in one turn of the event loop from which the socket counts as backlogged: the
 * loop reads up to 32 at a time, so a turn that reads this many found more waiting than it
 * handles between two looks. A client waiting for each answer before its next request (however
 * fast) never makes one.
 */
export const BACKLOG_TURN = 16;

export const initialAdmission = (nowMs: number): AdmissionState => ({ lastTickMs: nowMs, delayMs: 0, busy: 0 });

/**
 * The sampler ran at `nowMs`: its lateness becomes the delay (the larger of it and half the
 * previous). `cpuMs`, the CPU time the process used since the last tick, bounds it: a process
 * the machine did not run (other work on the cores) is late without being busy. `utilization`,
 * the share of the time since the last tick the event loop was not idle, joins the busy share.
 */
export function noteTick(
  state: AdmissionState,
  nowMs: number,
  limits: AdmissionLimits,
  cpuMs = Infinity,
  utilization = 0,
): AdmissionState {
  const late = Math.min(Math.max(0, nowMs - state.lastTickMs - limits.tickMs), cpuMs);
  return {
    lastTickMs: nowMs,
    delayMs: Math.max(late, state.delayMs / 2),
    busy: state.busy * 0.9 + Math.min(1, Math.max(0, utilization)) * 0.1,
  };
}

/**
 * True while the event loop is busy nearly all the time with requests arriving and the socket
 * `backlogged` (a turn of the loop read BACKLOG_TURN datagrams or more since the last tick): then
 * new work waits in the socket's receive buffer, where no delay shows, and a new request started
 * now mostly crowds out the second halves of challenges already answered. Such datagrams
 * ({@link newWithoutCredentials}) are dropped unread; their senders retransmit.
 */
export const loopBusy = (
  state: AdmissionState,
  recent: number,
  backlogged: boolean,
  limits: AdmissionLimits = DEFAULT_ADMISSION,
): boolean => backlogged && recent >= limits.minBusy && state.busy >= limits.busyShare;

const NEW_REQUEST = /^(?:REGISTER|INVITE|SUBSCRIBE|OPTIONS|MESSAGE|REFER|PUBLISH) /;
const CREDENTIALS = /\n(?:proxy-)?authorization[ \t]*:/i;

/**
 * A request that starts new work and carries no credentials (the first half of a challenge, a
 * probe), read from the start of the datagram without parsing it. Responses, ACK, CANCEL, BYE and
 * requests with Authorization or Proxy-Authorization are not.
 */
export function newWithoutCredentials(head: string): boolean {
  if (!NEW_REQUEST.test(head)) return false;
  const end = head.indexOf('\r\n\r\n');
  return !CREDENTIALS.test(end < 0 ? head : head.slice(0, end));
}

/** The event loop's delay as seen at `nowMs`: the last one, or how overdue the sampler is if more. */
export function currentDelay(state: AdmissionState, nowMs: number, limits: AdmissionLimits): number {
  return Math.max(state.delayMs, nowMs - state.lastTickMs - limits.tickMs);
}

/**
 * - `admit`: serve it;
 * - `shed`: answer 503 with Retry-After, statelessly;
 * - `drop`: saturated: not even read.
 */
export type AdmissionVerdict = 'admit' | 'shed' | 'drop';

export interface Arrival {
  /** Requests admitted and not yet answered. */
  readonly inFlight: number;
  /** It carries Authorization/Proxy-Authorization: it completes a challenge. */
  readonly authenticated: boolean;
  /** Requests that arrived since the sampler's last tick, this one included. */
  readonly recent: number;
}

export function admit(
  state: AdmissionState,
  nowMs: number,
  arrival: Arrival,
  limits: AdmissionLimits = DEFAULT_ADMISSION,
): AdmissionVerdict {
  // The delay measured at the last tick: an overdue sampler alone may be the machine's pause.
  const delay = arrival.recent >= limits.minBusy ? state.delayMs : 0;
  if (delay > limits.dropDelayMs) return 'drop';
  const allowedDelay = arrival.authenticated ? limits.maxDelayMs * 2 : limits.maxDelayMs;
  const allowedInFlight = arrival.authenticated ? limits.maxInFlight * 2 : limits.maxInFlight;
  if (delay > allowedDelay || arrival.inFlight >= allowedInFlight) return 'shed';
  return 'admit';
}

/** Whether datagrams should be dropped unread at `nowMs` (saturated), `recent` having arrived since the last tick. */
export const saturated = (
  state: AdmissionState,
  nowMs: number,
  recent: number,
  limits: AdmissionLimits = DEFAULT_ADMISSION,
): boolean => recent >= limits.minBusy && state.delayMs > limits.dropDelayMs && nowMs >= state.lastTickMs;

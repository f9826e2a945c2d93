/**
 * Policy logouts as decisions: given the phones, the policies, what each
 * phone is doing and `now`, which sessions end (and why), which phones are
 * called with a warning first, and which logouts wait for a call to end.
 * The daemon ticks this and carries the decisions out; the little it must
 * remember between ticks (warnings made, logouts postponed) is a value it
 * hands back in.
 *
 * Rules
 * - A session's logout is due at the earliest of: the last scheduled
 *   auto-logout instant after it began (`schedule.previousMs`; else the next
 *   one), its start + max-session, its last call (or its start) + idle-logout.
 *   While the phone is in a call it is not idle.
 * - Due and the phone in a call: deferred (decided again each tick, so the
 *   logout happens once the call ends). Due otherwise: logged out.
 * - A phone within the callback window of an emergency call it made
 *   (`emergencyHold`, core/emergency-calls.ts) is held like a phone in a
 *   call: a due logout is deferred until the window closes, and no warning
 *   call rings it meanwhile.
 * - `warningMinutes` before a logout is due the phone is called once with a
 *   warning (not while it is in a call: then at the next tick that finds it
 *   free, as long as the logout is still ahead). Pressing 1 there postpones
 *   that logout once, by `extendMinutes` (see {@link applyWarningAnswer});
 *   the postponed logout is not warned again.
 * - Pinned phones and users whose sessions may not be ended by others
 *   (`hotdeskTakeover: false`) are never touched.
 * - Memory belongs to a session (phone + its start): a new login starts
 *   afresh.
 */
import type { Extension, Phone } from './model.js';
import type { Policies } from './policies.js';

/** Why a session ended, as the audit trail records it. */
export const LOGOUT_REASONS = ['user', 'admin', 'schedule', 'max-session', 'idle', 'takeover'] as const;
export type LogoutReason = (typeof LOGOUT_REASONS)[number];

/** The reasons a policy ends a session; in this order when two fall due at once. */
export const POLICY_REASONS = ['schedule', 'max-session', 'idle'] as const;
export type PolicyReason = (typeof POLICY_REASONS)[number];

export interface PhoneActivity {
  /** In a call now (a proxied call of its user, or a call with hotdeskd's voice menu). */
  inCall: boolean;
  /** When its user's last call made or received was last seen (ms); absent: none since the daemon started. */
  lastCallMs?: number;
  /** Within the callback window of an emergency call made from it: its logout waits (#17). */
  emergencyHold?: boolean;
}

/** What is remembered of one session between ticks. */
export interface SessionMemory {
  /** The session's start (`PhoneSession.since`): memory of an older session is dropped. */
  since: string;
  /** The logout a warning call was made for (at most one per logout). */
  warned?: { reason: PolicyReason; dueMs: number };
  /** The logout "press 1" postponed: due at `fromMs`, now at `untilMs`. */
  postponed?: { reason: PolicyReason; fromMs: number; untilMs: number };
}

/** Per phone name. */
export type AutoLogoutMemory = Readonly<Record<string, SessionMemory>>;

export interface AutoLogoutInput {
  nowMs: number;
  phones: readonly Phone[];
  extensions: readonly Extension[];
  policies: Policies;
  /** Activity per phone name; a phone missing here is taken as not in a call and without calls. */
  activity: Readonly<Record<string, PhoneActivity>>;
  /**
   * Instants of the auto-logout schedule around now (ms): the last one that
   * has passed (while the daemon ran) and the next one. Absent: no schedule.
   */
  schedule: { previousMs?: number; nextMs?: number };
  memory: AutoLogoutMemory;
  /** The length of a policy minute, ms (default 60 000); the daemon's tests shorten it. */
  minuteMs?: number;
}

export type AutoLogoutDecision =
  /** Call the phone with the warning for the logout due at `dueMs`. */
  | { kind: 'warn'; phone: string; extension: string; reason: PolicyReason; dueMs: number }
  | { kind: 'logout'; phone: string; extension: string; reason: PolicyReason }
  /** Due, but the phone is in a call (or its emergency callback window is open): it is logged out when that ends. */
  | { kind: 'defer'; phone: string; extension: string; reason: PolicyReason; dueMs: number; emergencyHold?: true };

export interface AutoLogoutStep {
  decisions: AutoLogoutDecision[];
  memory: AutoLogoutMemory;
}

const DEFAULT_MINUTE_MS = 60_000;

/** Whether policies may end this session at all. */
export function isProtected(phone: Phone, extensions: readonly Extension[]): boolean {
  if (phone.pinned !== undefined) return true;
  const extension = extensions.find((candidate) => candidate.number === phone.session?.extension);
  return extension?.hotdeskTakeover === false;
}

/** When each policy would end the session (ms), before any postponement. */
function dueTimes(input: AutoLogoutInput, phone: Phone, sinceMs: number): [PolicyReason, number][] {
  const { policies, schedule } = input;
  const MINUTE_MS = input.minuteMs ?? DEFAULT_MINUTE_MS;
  const activity = input.activity[phone.name] ?? { inCall: false };
  const due: [PolicyReason, number][] = [];
  if (policies.autoLogoutAt !== null) {
    if (schedule.previousMs !== undefined && sinceMs < schedule.previousMs) due.push(['schedule', schedule.previousMs]);
    else if (schedule.nextMs !== undefined) due.push(['schedule', schedule.nextMs]);
  }
  if (policies.maxSessionMinutes !== null) due.push(['max-session', sinceMs + policies.maxSessionMinutes * MINUTE_MS]);
  if (policies.idleLogoutMinutes !== null && !activity.inCall) {
    due.push(['idle', Math.max(sinceMs, activity.lastCallMs ?? sinceMs) + policies.idleLogoutMinutes * MINUTE_MS]);
  }
  return due;
}

/** The logout that comes first, with a postponement applied; `postponed` says whether it was. */
function nextLogout(input: AutoLogoutInput, phone: Phone, sinceMs: number, memory: SessionMemory | undefined) {
  let first: { reason: PolicyReason; dueMs: number; postponed: boolean } | undefined;
  for (const [reason, planned] of dueTimes(input, phone, sinceMs)) {
    const postponed = memory?.postponed;
    const moved = postponed && postponed.reason === reason && planned <= postponed.fromMs;
    const dueMs = moved ? postponed.untilMs : planned;
    if (!first || dueMs < first.dueMs) first = { reason, dueMs, postponed: Boolean(moved) };
  }
  return first;
}

export function decideAutoLogout(input: AutoLogoutInput): AutoLogoutStep {
  const decisions: AutoLogoutDecision[] = [];
  const memory: Record<string, SessionMemory> = {};
  const warningMs = input.policies.warningMinutes * (input.minuteMs ?? DEFAULT_MINUTE_MS);
  for (const phone of input.phones) {
    const session = phone.session;
    if (!session || isProtected(phone, input.extensions)) continue;
    const sinceMs = Date.parse(session.since);
    if (Number.isNaN(sinceMs)) continue;
    const remembered = input.memory[phone.name]?.since === session.since ? input.memory[phone.name] : undefined;
    let kept: SessionMemory = remembered ?? { since: session.since };
    const logout = nextLogout(input, phone, sinceMs, remembered);
    const held = input.activity[phone.name]?.emergencyHold === true;
    const inCall = (input.activity[phone.name]?.inCall ?? false) || held;
    const who = { phone: phone.name, extension: session.extension };
    if (logout && input.nowMs >= logout.dueMs) {
      decisions.push(
        inCall
          ? {
              kind: 'defer',
              ...who,
              reason: logout.reason,
              dueMs: logout.dueMs,
              ...(held ? { emergencyHold: true as const } : {}),
            }
          : { kind: 'logout', ...who, reason: logout.reason },
      );
    } else if (logout && warningMs > 0 && input.nowMs >= logout.dueMs - warningMs && !logout.postponed && !inCall) {
      const warned = kept.warned;
      if (!warned || warned.reason !== logout.reason || warned.dueMs !== logout.dueMs) {
        decisions.push({ kind: 'warn', ...who, reason: logout.reason, dueMs: logout.dueMs });
        kept = { ...kept, warned: { reason: logout.reason, dueMs: logout.dueMs } };
      }
    }
    memory[phone.name] = kept;
  }
  return { decisions, memory };
}

/**
 * The user pressed 1 at the warning for the logout (`reason`, due at
 * `dueMs`): it is postponed by `extendMinutes`, once. A warning for a session
 * that has ended since, or a second press, changes nothing.
 */
export function applyWarningAnswer(
  memory: AutoLogoutMemory,
  answer: {
    phone: string;
    since: string;
    reason: PolicyReason;
    dueMs: number;
    extendMinutes: number;
    minuteMs?: number;
  },
): AutoLogoutMemory {
  const current = memory[answer.phone];
  if (current && current.since !== answer.since) return memory;
  if (current?.postponed?.reason === answer.reason && current.postponed.fromMs === answer.dueMs) return memory;
  const postponed = {
    reason: answer.reason,
    fromMs: answer.dueMs,
    untilMs: answer.dueMs + answer.extendMinutes * (answer.minuteMs ?? DEFAULT_MINUTE_MS),
  };
  return { ...memory, [answer.phone]: { ...(current ?? { since: answer.since }), postponed } };
}

/** The warning could not be made (the phone is not registered just now): it is tried again at the next tick. */
export function forgetWarning(memory: AutoLogoutMemory, phone: string): AutoLogoutMemory {
  const current = memory[phone];
  if (!current?.warned) return memory;
  const { warned: _warned, ...rest } = current;
  return { ...memory, [phone]: rest };
}

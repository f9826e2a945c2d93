/** One look at every session: the pure decisions (core/auto-logout.ts), then the logouts and warnings they ask for. */
import { decideAutoLogout, type PhoneActivity } from '../core/auto-logout.js';
import { readPolicies } from '../core/policies.js';
import { inCallbackWindow } from '../core/emergency-calls.js';
import type { PolicyContext } from './policy-context.js';
import { followSchedules } from './policy-schedules.js';
import { runPolicyLogout } from './policy-logout.js';
import { startWarningCall } from './policy-warning.js';

function activityOf(context: PolicyContext): Record<string, PhoneActivity> {
  const data = context.store.data;
  const activity: Record<string, PhoneActivity> = {};
  for (const phone of data.phones) {
    if (!phone.session) continue;
    const seen = context.options.activity?.(phone.name) ?? { inCall: false };
    // An emergency call's callback window holds the desk's policy logouts (core/emergency-calls.ts).
    activity[phone.name] = inCallbackWindow(data.emergency, phone.name, context.now())
      ? { ...seen, emergencyHold: true }
      : seen;
  }
  return activity;
}

export async function tickPolicies(context: PolicyContext): Promise<void> {
  followSchedules(context);
  const { log, busy, deferred } = context;
  const data = context.store.data;
  const step = decideAutoLogout({
    nowMs: context.now(),
    phones: data.phones.filter((phone) => !busy.has(phone.name)),
    extensions: data.extensions,
    policies: readPolicies(data.settings.policies),
    activity: activityOf(context),
    schedule: context.schedule,
    memory: Object.fromEntries(Object.entries(context.memory).filter(([phone]) => !busy.has(phone))),
    minuteMs: context.minuteMs,
  });
  // Phones skipped as busy keep what is remembered of them.
  context.memory = {
    ...Object.fromEntries(Object.entries(context.memory).filter(([phone]) => busy.has(phone))),
    ...step.memory,
  };
  const logouts: Promise<void>[] = [];
  for (const decision of step.decisions) {
    if (decision.kind === 'defer') {
      if (!deferred.has(decision.phone)) {
        const waitsFor = decision.emergencyHold ? 'the emergency callback window to close' : 'the call to end';
        log.info({ phone: decision.phone, reason: decision.reason }, `policy logout waits for ${waitsFor}`);
      }
      deferred.add(decision.phone);
      continue;
    }
    deferred.delete(decision.phone);
    if (decision.kind === 'warn') startWarningCall(context, decision);
    else logouts.push(runPolicyLogout(context, decision));
  }
  await Promise.all(logouts);
}

/** Places one warning call before a policy logout; answering 1 postpones the logout. */
import { applyWarningAnswer, forgetWarning, type AutoLogoutDecision } from '../core/auto-logout.js';
import { readPolicies } from '../core/policies.js';
import type { PolicyContext } from './policy-context.js';

export function startWarningCall(
  context: PolicyContext,
  decision: Extract<AutoLogoutDecision, { kind: 'warn' }>,
): void {
  const { store, log, options, now, minuteMs } = context;
  const since = store.data.phones.find((candidate) => candidate.name === decision.phone)?.session?.since;
  if (since === undefined) return;
  const onExtend = (): void => {
    context.memory = applyWarningAnswer(context.memory, {
      ...decision,
      since,
      extendMinutes: readPolicies(store.data.settings.policies).extendMinutes,
      minuteMs,
    });
    log.info(
      { phone: decision.phone, extension: decision.extension, reason: decision.reason },
      'logout postponed at the warning call',
    );
  };
  const call = options.warn?.(decision.phone, {
    onExtend,
    minutesLeft: Math.round((decision.dueMs - now()) / minuteMs),
    ...(options.ringTimeoutMs !== undefined ? { ringTimeoutMs: options.ringTimeoutMs } : {}),
    ...(options.keyWaitMs !== undefined ? { keyWaitMs: options.keyWaitMs } : {}),
  });
  if (!call) {
    // Tried again at the next tick while the logout is still ahead (a phone re-registering after a login).
    if (options.warn) context.memory = forgetWarning(context.memory, decision.phone);
    if (!context.unreachable.has(decision.phone))
      log.info({ phone: decision.phone, reason: decision.reason }, 'no warning call yet: the phone is not registered');
    context.unreachable.add(decision.phone);
    return;
  }
  context.unreachable.delete(decision.phone);
  context.warnings += 1;
  void call
    .then(
      (outcome) => log.info({ phone: decision.phone, outcome }, 'warning call finished'),
      (error: Error) => log.warn({ phone: decision.phone, err: error }, 'warning call failed'),
    )
    .finally(() => {
      context.warnings -= 1;
      // A logout that fell due during the warning call happens now, not at the next tick.
      if (!context.closed) void context.tick();
    });
}

/** Carries out one policy logout through the daemon's change path (actor `system`, the policy as the reason). */
import type { AutoLogoutDecision } from '../core/auto-logout.js';
import type { PolicyContext } from './policy-context.js';

export async function runPolicyLogout(
  context: PolicyContext,
  decision: Extract<AutoLogoutDecision, { kind: 'logout' }>,
): Promise<void> {
  const { store, log, busy } = context;
  busy.add(decision.phone);
  try {
    // The session decided on must still be the one there (a change may have come first).
    const phone = store.data.phones.find((candidate) => candidate.name === decision.phone);
    if (phone?.session?.extension !== decision.extension) return;
    const response = await context.options.submit({
      kind: 'logout',
      target: { phone: decision.phone },
      actor: 'system',
      reason: decision.reason,
    });
    if (response.ok)
      log.info(
        { phone: decision.phone, extension: decision.extension, reason: decision.reason },
        'logged out by policy',
      );
    else log.warn({ phone: decision.phone, response }, 'policy logout refused');
  } finally {
    busy.delete(decision.phone);
  }
}

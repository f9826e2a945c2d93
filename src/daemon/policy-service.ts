/**
 * Policy logouts and store backups on their schedules. A timer ticks the pure
 * decisions (core/auto-logout.ts) with what the SIP side knows about each
 * phone; this service carries them out: logouts through the daemon's one
 * change path (actor `system`, the policy as the reason, so the phone is
 * switched and told to re-provision like any logout), warning calls through
 * the voice menu. The auto-logout schedule's instants come from node-cron in
 * the office time zone (adapters/scheduler.ts); a node-cron task also ticks
 * at each of them, so the logout is on time whatever the tick interval.
 * Backups run as their own node-cron task. Changed policies or time zone are
 * picked up at the next tick.
 */
import { join } from 'node:path';
import { createPolicyContext, type PolicyServiceOptions } from './policy-context.js';
import { tickPolicies } from './policy-tick.js';
import { runPolicyBackup } from './policy-backup.js';

export type { PolicyServiceOptions } from './policy-context.js';

export interface PolicyService {
  /** Looks at every session now (also run by the timer and at each scheduled instant). */
  tick(): Promise<void>;
  /** Takes a store backup now; resolves with its file, or undefined when backups are off. */
  backup(): Promise<string | undefined>;
  /** Warning calls in progress. */
  readonly warnings: number;
  close(): void;
}

export function startPolicyService(options: PolicyServiceOptions): PolicyService {
  const { log } = options;
  const context = createPolicyContext(options, {
    tick: () => service.tick(),
    backup: () => service.backup(),
  });
  let ticking: Promise<void> | undefined;

  const timer = setInterval(() => void service.tick(), options.tickMs ?? 15_000);
  timer.unref();

  const service: PolicyService = {
    get warnings() {
      return context.warnings;
    },
    tick() {
      if (context.closed) return Promise.resolve();
      // One tick at a time; a tick asked for during one runs after it.
      const run = (ticking ?? Promise.resolve()).then(() => (context.closed ? undefined : tickPolicies(context)));
      ticking = run.catch((error: Error) => log.error({ err: error }, 'policy tick failed'));
      return ticking;
    },
    backup() {
      return runPolicyBackup(context);
    },
    close() {
      context.closed = true;
      clearInterval(timer);
      context.autoLogoutTask?.task.stop();
      context.backupTask?.task.stop();
    },
  };
  void service.tick();
  return service;
}

/** data/backups/ beside the store. */
export const backupDirOf = (dataDir: string): string => join(dataDir, 'backups');

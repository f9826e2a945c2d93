/**
 * Follows the policies' schedules: the auto-logout instants (previous and
 * next, in the office time zone) and the node-cron tasks for the auto-logout
 * and the backups, re-armed when their expression or zone changed.
 */
import { readPolicies } from '../core/policies.js';
import { nextCronInstant, startCronTask, type CronTask } from '../adapters/scheduler.js';
import type { ArmedTask, PolicyContext } from './policy-context.js';

/** Re-arms a node-cron task when its expression or zone changed; `undefined` key: none wanted. */
function rearm(armed: ArmedTask | undefined, key: string | undefined, start: () => CronTask): ArmedTask | undefined {
  if (armed?.key === key) return armed;
  armed?.task.stop();
  return key === undefined ? undefined : { key, task: start() };
}

export function followSchedules(context: PolicyContext): void {
  const { store, log, now } = context;
  const { settings } = store.data;
  const policies = readPolicies(settings.policies);
  const zone = settings.timeZone;
  const expression = policies.autoLogoutAt;
  const key = expression === null ? '' : `${expression}|${zone}`;
  if (context.schedule.key !== key) {
    // A new schedule starts from now: earlier instants of it do not count.
    const next = expression === null ? undefined : nextCronInstant(expression, zone, new Date(now()));
    context.schedule = { key, ...(next ? { nextMs: next.getTime() } : {}) };
    if (expression !== null && !next) log.warn({ expression, timeZone: zone }, 'the auto-logout schedule never fires');
  }
  while (expression !== null && context.schedule.nextMs !== undefined && now() >= context.schedule.nextMs) {
    const next = nextCronInstant(expression, zone, new Date(context.schedule.nextMs));
    context.schedule = { key, previousMs: context.schedule.nextMs, ...(next ? { nextMs: next.getTime() } : {}) };
  }
  context.autoLogoutTask = rearm(context.autoLogoutTask, expression === null ? undefined : key, () =>
    startCronTask({
      expression: expression!,
      timeZone: zone,
      name: 'auto-logout',
      log,
      run: () => {
        void context.tick();
        // Once more a second later, should the task have fired a hair before the instant.
        setTimeout(() => void context.tick(), 1000).unref();
      },
    }),
  );
  context.backupTask = rearm(
    context.backupTask,
    policies.backupKeep > 0 ? `${policies.backupAt}|${zone}` : undefined,
    () =>
      startCronTask({
        expression: policies.backupAt,
        timeZone: zone,
        name: 'backup',
        log,
        run: () => void context.backup(),
      }),
  );
}

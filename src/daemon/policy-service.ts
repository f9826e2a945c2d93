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
import {
  applyWarningAnswer,
  decideAutoLogout,
  forgetWarning,
  type AutoLogoutDecision,
  type AutoLogoutMemory,
  type PhoneActivity,
} from '../core/auto-logout.js';
import { readPolicies } from '../core/policies.js';
import type { Change } from '../store/changes.js';
import type { ControlResponse } from '../adapters/control-socket.js';
import type { Logger } from '../adapters/log.js';
import { nextCronInstant, startCronTask, type CronTask } from '../adapters/scheduler.js';
import { backupStore } from '../adapters/store-backup.js';
import type { WarningOutcome } from '../media/warning-call.js';
import type { StoreService } from './store-service.js';
import { inCallbackWindow } from '../core/emergency-calls.js';

export interface PolicyServiceOptions {
  store: StoreService;
  log: Logger;
  /** The daemon's one change path. */
  submit(change: Change): Promise<ControlResponse>;
  /** What the phone is doing; without SIP every phone is free and without calls. */
  activity?(phone: string): PhoneActivity;
  /** Calls the phone with the warning; `undefined` when it cannot be called. Without it no warning is made. */
  warn?(
    phone: string,
    warning: { onExtend(): void; ringTimeoutMs?: number; keyWaitMs?: number; minutesLeft?: number },
  ): Promise<WarningOutcome> | undefined;
  /** How long a warning call rings, and how long it waits for 1 after the prompt, ms (defaults: 30 s, 8 s). */
  ringTimeoutMs?: number;
  keyWaitMs?: number;
  /** The store file and where backups go. */
  storeFile: string;
  backupDir: string;
  /** How often policies are looked at, ms (default 15 s). */
  tickMs?: number;
  /** The length of one policy minute, ms (default 60 000); tests shorten it to run a 1-minute session in a second. */
  minuteMs?: number;
  now?: () => number;
}

export interface PolicyService {
  /** Looks at every session now (also run by the timer and at each scheduled instant). */
  tick(): Promise<void>;
  /** Takes a store backup now; resolves with its file, or undefined when backups are off. */
  backup(): Promise<string | undefined>;
  /** Warning calls in progress. */
  readonly warnings: number;
  close(): void;
}

interface Armed {
  key: string;
  task: CronTask;
}

export function startPolicyService(options: PolicyServiceOptions): PolicyService {
  const { store, log } = options;
  const now = options.now ?? Date.now;
  const minuteMs = options.minuteMs ?? 60_000;
  let memory: AutoLogoutMemory = {};
  let schedule: { key: string; previousMs?: number; nextMs?: number } = { key: '' };
  let autoLogoutTask: Armed | undefined;
  let backupTask: Armed | undefined;
  /** Phones with a warning call or a logout under way (not decided again meanwhile). */
  const busy = new Set<string>();
  const deferred = new Set<string>();
  const unreachable = new Set<string>();
  let warnings = 0;
  let closed = false;
  let ticking: Promise<void> | undefined;

  /** Re-arms a node-cron task when its expression or zone changed; `undefined` key: none wanted. */
  const rearm = (armed: Armed | undefined, key: string | undefined, start: () => CronTask): Armed | undefined => {
    if (armed?.key === key) return armed;
    armed?.task.stop();
    return key === undefined ? undefined : { key, task: start() };
  };

  const followSchedules = (): void => {
    const { settings } = store.data;
    const policies = readPolicies(settings.policies);
    const zone = settings.timeZone;
    const expression = policies.autoLogoutAt;
    const key = expression === null ? '' : `${expression}|${zone}`;
    if (schedule.key !== key) {
      // A new schedule starts from now: earlier instants of it do not count.
      const next = expression === null ? undefined : nextCronInstant(expression, zone, new Date(now()));
      schedule = { key, ...(next ? { nextMs: next.getTime() } : {}) };
      if (expression !== null && !next)
        log.warn({ expression, timeZone: zone }, 'the auto-logout schedule never fires');
    }
    while (expression !== null && schedule.nextMs !== undefined && now() >= schedule.nextMs) {
      const next = nextCronInstant(expression, zone, new Date(schedule.nextMs));
      schedule = { key, previousMs: schedule.nextMs, ...(next ? { nextMs: next.getTime() } : {}) };
    }
    autoLogoutTask = rearm(autoLogoutTask, expression === null ? undefined : key, () =>
      startCronTask({
        expression: expression!,
        timeZone: zone,
        name: 'auto-logout',
        log,
        run: () => {
          void service.tick();
          // Once more a second later, should the task have fired a hair before the instant.
          setTimeout(() => void service.tick(), 1000).unref();
        },
      }),
    );
    backupTask = rearm(backupTask, policies.backupKeep > 0 ? `${policies.backupAt}|${zone}` : undefined, () =>
      startCronTask({
        expression: policies.backupAt,
        timeZone: zone,
        name: 'backup',
        log,
        run: () => void service.backup(),
      }),
    );
  };

  const logout = async (decision: Extract<AutoLogoutDecision, { kind: 'logout' }>): Promise<void> => {
    busy.add(decision.phone);
    try {
      // The session decided on must still be the one there (a change may have come first).
      const phone = store.data.phones.find((candidate) => candidate.name === decision.phone);
      if (phone?.session?.extension !== decision.extension) return;
      const response = await options.submit({
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
  };

  const warn = (decision: Extract<AutoLogoutDecision, { kind: 'warn' }>): void => {
    const since = store.data.phones.find((candidate) => candidate.name === decision.phone)?.session?.since;
    if (since === undefined) return;
    const onExtend = (): void => {
      memory = applyWarningAnswer(memory, {
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
      if (options.warn) memory = forgetWarning(memory, decision.phone);
      if (!unreachable.has(decision.phone))
        log.info(
          { phone: decision.phone, reason: decision.reason },
          'no warning call yet: the phone is not registered',
        );
      unreachable.add(decision.phone);
      return;
    }
    unreachable.delete(decision.phone);
    warnings += 1;
    void call
      .then(
        (outcome) => log.info({ phone: decision.phone, outcome }, 'warning call finished'),
        (error: Error) => log.warn({ phone: decision.phone, err: error }, 'warning call failed'),
      )
      .finally(() => {
        warnings -= 1;
        // A logout that fell due during the warning call happens now, not at the next tick.
        if (!closed) void service.tick();
      });
  };

  const tickOnce = async (): Promise<void> => {
    followSchedules();
    const data = store.data;
    const activity: Record<string, PhoneActivity> = {};
    for (const phone of data.phones) {
      if (!phone.session) continue;
      const seen = options.activity?.(phone.name) ?? { inCall: false };
      // An emergency call's callback window holds the desk's policy logouts (core/emergency-calls.ts).
      activity[phone.name] = inCallbackWindow(data.emergency, phone.name, now())
        ? { ...seen, emergencyHold: true }
        : seen;
    }
    const step = decideAutoLogout({
      nowMs: now(),
      phones: data.phones.filter((phone) => !busy.has(phone.name)),
      extensions: data.extensions,
      policies: readPolicies(data.settings.policies),
      activity,
      schedule,
      memory: Object.fromEntries(Object.entries(memory).filter(([phone]) => !busy.has(phone))),
      minuteMs,
    });
    // Phones skipped as busy keep what is remembered of them.
    memory = { ...Object.fromEntries(Object.entries(memory).filter(([phone]) => busy.has(phone))), ...step.memory };
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
      if (decision.kind === 'warn') warn(decision);
      else logouts.push(logout(decision));
    }
    await Promise.all(logouts);
  };

  const timer = setInterval(() => void service.tick(), options.tickMs ?? 15_000);
  timer.unref();

  const service: PolicyService = {
    get warnings() {
      return warnings;
    },
    tick() {
      if (closed) return Promise.resolve();
      // One tick at a time; a tick asked for during one runs after it.
      const run = (ticking ?? Promise.resolve()).then(() => (closed ? undefined : tickOnce()));
      ticking = run.catch((error: Error) => log.error({ err: error }, 'policy tick failed'));
      return ticking;
    },
    async backup() {
      const policies = readPolicies(store.data.settings.policies);
      if (policies.backupKeep === 0) return undefined;
      await store.flush();
      try {
        const result = await backupStore({
          storeFile: options.storeFile,
          backupDir: options.backupDir,
          now: new Date(now()),
          keep: policies.backupKeep,
        });
        log.info({ file: result.file, removed: result.removed.length }, 'store backed up');
        return result.file;
      } catch (error) {
        log.error({ err: error as Error, dir: options.backupDir }, 'store backup failed');
        return undefined;
      }
    },
    close() {
      closed = true;
      clearInterval(timer);
      autoLogoutTask?.task.stop();
      backupTask?.task.stop();
    },
  };
  void service.tick();
  return service;
}

/** data/backups/ beside the store. */
export const backupDirOf = (dataDir: string): string => join(dataDir, 'backups');

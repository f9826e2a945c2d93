/**
 * What the policy service's parts share (policy-service.ts builds it once):
 * the options, the clock, and the state kept between ticks.
 */
import type { AutoLogoutMemory, PhoneActivity } from '../core/auto-logout.js';
import type { Change } from '../store/changes.js';
import type { ControlResponse } from '../adapters/control-socket.js';
import type { Logger } from '../adapters/log.js';
import type { CronTask } from '../adapters/scheduler.js';
import type { WarningOutcome } from '../media/warning-call.js';
import type { StoreService } from './store-service.js';

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

/** A running node-cron task and the expression|zone it was started for. */
export interface ArmedTask {
  key: string;
  task: CronTask;
}

export interface PolicyContext {
  options: PolicyServiceOptions;
  store: StoreService;
  log: Logger;
  now: () => number;
  minuteMs: number;
  memory: AutoLogoutMemory;
  schedule: { key: string; previousMs?: number; nextMs?: number };
  autoLogoutTask: ArmedTask | undefined;
  backupTask: ArmedTask | undefined;
  /** Phones with a warning call or a logout under way (not decided again meanwhile). */
  busy: Set<string>;
  deferred: Set<string>;
  unreachable: Set<string>;
  warnings: number;
  closed: boolean;
  /** The service's tick (one at a time) and backup. */
  tick(): Promise<void>;
  backup(): Promise<string | undefined>;
}

export function createPolicyContext(
  options: PolicyServiceOptions,
  service: { tick(): Promise<void>; backup(): Promise<string | undefined> },
): PolicyContext {
  return {
    options,
    store: options.store,
    log: options.log,
    now: options.now ?? Date.now,
    minuteMs: options.minuteMs ?? 60_000,
    memory: {},
    schedule: { key: '' },
    autoLogoutTask: undefined,
    backupTask: undefined,
    busy: new Set<string>(),
    deferred: new Set<string>(),
    unreachable: new Set<string>(),
    warnings: 0,
    closed: false,
    tick: () => service.tick(),
    backup: () => service.backup(),
  };
}

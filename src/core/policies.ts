/**
 * Office policies, kept in the store as `settings.policies` (an open object
 * so later policies need no new store version). Reading goes through
 * `readPolicies`, which falls back to each policy's default when a value is
 * missing or not one this version knows.
 *
 * | command name | stored key          | value                               | default       |
 * | ------------ | ------------------- | ----------------------------------- | ------------- |
 * | multi-login  | `multiLogin`        | exclusive, deny, allow              | exclusive     |
 * | auto-logout  | `autoLogoutAt`      | cron expression (office time zone)  | off (null)    |
 * | max-session  | `maxSessionMinutes` | minutes                             | off (null)    |
 * | idle-logout  | `idleLogoutMinutes` | minutes without a call              | off (null)    |
 * | warning      | `warningMinutes`    | minutes before a policy logout; 0 off | 5           |
 * | extend       | `extendMinutes`     | minutes one "press 1" postpones     | 60            |
 * | backups      | `backupKeep`        | store backups kept; 0 off           | 14            |
 * | backup-at    | `backupAt`          | cron expression (office time zone)  | 30 2 * * *    |
 */
import type { MultiLoginPolicy } from './sessions.js';
import { checkCronExpression } from './cron-syntax.js';
import { formatDuration, parseDuration } from './duration.js';

/** Every multi-login policy; the first is the default. */
export const MULTI_LOGIN_POLICIES = ['exclusive', 'deny', 'allow'] as const satisfies readonly MultiLoginPolicy[];

// The list names every policy the session rules know.
const everyPolicy: [MultiLoginPolicy] extends [(typeof MULTI_LOGIN_POLICIES)[number]] ? true : false = true;
void everyPolicy;

export const DEFAULT_MULTI_LOGIN: MultiLoginPolicy = 'exclusive';

/** The policies in force, each with its default filled in. */
export interface Policies {
  /** Stored under the key `multiLogin`; set with `hotdesk policy multi-login`. */
  multiLogin: MultiLoginPolicy;
  /** Cron expression in the office time zone at which every session ends; `null`: off. */
  autoLogoutAt: string | null;
  /** Longest session, minutes; `null`: no limit. */
  maxSessionMinutes: number | null;
  /** Minutes without a call made or received after which a session ends; `null`: off. */
  idleLogoutMinutes: number | null;
  /** Minutes before a policy logout that the phone is called with a warning; 0: no warning. */
  warningMinutes: number;
  /** Minutes one "press 1" at the warning postpones the logout by. */
  extendMinutes: number;
  /** When the nightly store backup runs (cron, office time zone). */
  backupAt: string;
  /** Backups kept in data/backups/; 0: no backups. */
  backupKeep: number;
}

export const POLICY_DEFAULTS: Readonly<Policies> = {
  multiLogin: DEFAULT_MULTI_LOGIN,
  autoLogoutAt: null,
  maxSessionMinutes: null,
  idleLogoutMinutes: null,
  warningMinutes: 5,
  extendMinutes: 60,
  backupAt: '30 2 * * *',
  backupKeep: 14,
};

/** Policies as the CLI names them (`hotdesk policy NAME VALUE`) and as changes carry them. */
export const POLICY_NAMES = [
  'multi-login',
  'auto-logout',
  'max-session',
  'idle-logout',
  'warning',
  'extend',
  'backups',
  'backup-at',
] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

/** The stored key of each policy. */
export const POLICY_KEYS: Readonly<Record<PolicyName, keyof Policies>> = {
  'multi-login': 'multiLogin',
  'auto-logout': 'autoLogoutAt',
  'max-session': 'maxSessionMinutes',
  'idle-logout': 'idleLogoutMinutes',
  warning: 'warningMinutes',
  extend: 'extendMinutes',
  backups: 'backupKeep',
  'backup-at': 'backupAt',
};

/** Bounds of the minute-valued policies. */
const MAX_DURATION_MINUTES = 30 * 24 * 60;
const MAX_BACKUPS = 1000;

export function parseMultiLoginPolicy(value: unknown): MultiLoginPolicy | undefined {
  return MULTI_LOGIN_POLICIES.find((policy) => policy === value);
}

/** A policy's value as stored, or `undefined` when it is not valid for that policy (with what was expected). */
export type PolicyValueCheck = { ok: true; value: string | number | null } | { ok: false; expected: string };

const minutesIn = (value: unknown, min: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= MAX_DURATION_MINUTES;

/** Checks a typed value (as a change carries it) for one policy; `null` means off where a policy can be off. */
export function checkPolicyValue(name: PolicyName, value: unknown): PolicyValueCheck {
  const refuse = (expected: string): PolicyValueCheck => ({ ok: false, expected });
  switch (name) {
    case 'multi-login':
      return parseMultiLoginPolicy(value)
        ? { ok: true, value: value as string }
        : refuse(MULTI_LOGIN_POLICIES.join(', '));
    case 'auto-logout':
    case 'backup-at': {
      if (value === null && name === 'auto-logout') return { ok: true, value: null };
      const problem = typeof value === 'string' ? checkCronExpression(value) : 'not text';
      const expected = `a cron expression such as "0 20 * * 1-5"${name === 'auto-logout' ? ' or off' : ''}`;
      return problem
        ? refuse(`${expected}: ${problem}`)
        : { ok: true, value: (value as string).trim().split(/\s+/).join(' ') };
    }
    case 'max-session':
    case 'idle-logout':
      if (value === null) return { ok: true, value: null };
      return minutesIn(value, 1)
        ? { ok: true, value }
        : refuse('a duration from 1m to 30d, such as 90m, 10h or 1d, or off');
    case 'warning':
      if (value === null) return { ok: true, value: 0 };
      return minutesIn(value, 0) ? { ok: true, value } : refuse('a duration up to 30d, such as 5m, or off');
    case 'extend':
      return minutesIn(value, 1) ? { ok: true, value } : refuse('a duration from 1m to 30d, such as 30m or 1h');
    case 'backups':
      if (value === null) return { ok: true, value: 0 };
      return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_BACKUPS
        ? { ok: true, value }
        : refuse(`a number of backups to keep, 1 to ${MAX_BACKUPS}, or off`);
  }
}

/**
 * What a person typed for a policy (`10h`, `off`, `"0 20 * * 1-5"`, `14`) as
 * the typed value a change carries, then checked as {@link checkPolicyValue} does.
 */
export function parsePolicyText(name: PolicyName, text: string): PolicyValueCheck {
  const trimmed = text.trim();
  const off = trimmed.toLowerCase() === 'off';
  switch (name) {
    case 'multi-login':
    case 'auto-logout':
    case 'backup-at':
      return checkPolicyValue(name, off && name === 'auto-logout' ? null : trimmed);
    case 'max-session':
    case 'idle-logout':
    case 'warning':
    case 'extend':
      return checkPolicyValue(name, off ? null : (parseDuration(trimmed) ?? trimmed));
    case 'backups':
      return checkPolicyValue(name, off ? null : /^\d{1,6}$/.test(trimmed) ? Number(trimmed) : trimmed);
  }
}

/** A stored value as the CLI spells it: `10h`, `off`, `0 20 * * 1-5`, `14`. */
export function formatPolicy(name: PolicyName, policies: Policies): string {
  const value = policies[POLICY_KEYS[name]];
  if (value === null || ((name === 'warning' || name === 'backups') && value === 0)) return 'off';
  if (typeof value === 'number' && name !== 'backups') return formatDuration(value);
  return String(value);
}

export function readPolicies(stored: Readonly<Record<string, unknown>>): Policies {
  const read = <K extends keyof Policies>(name: PolicyName, key: K): Policies[K] => {
    if (!(key in stored)) return POLICY_DEFAULTS[key];
    const checked = checkPolicyValue(name, stored[key]);
    return (checked.ok ? checked.value : POLICY_DEFAULTS[key]) as Policies[K];
  };
  return {
    multiLogin: parseMultiLoginPolicy(stored['multiLogin']) ?? DEFAULT_MULTI_LOGIN,
    autoLogoutAt: read('auto-logout', 'autoLogoutAt'),
    maxSessionMinutes: read('max-session', 'maxSessionMinutes'),
    idleLogoutMinutes: read('idle-logout', 'idleLogoutMinutes'),
    warningMinutes: read('warning', 'warningMinutes'),
    extendMinutes: read('extend', 'extendMinutes'),
    backupAt: read('backup-at', 'backupAt') ?? POLICY_DEFAULTS.backupAt,
    backupKeep: read('backups', 'backupKeep'),
  };
}

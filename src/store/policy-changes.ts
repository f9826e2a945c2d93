/**
 * Setting office policies (`settings.policies`, read through
 * core/policies.ts). Policies change what later actions do, never the phones'
 * configuration, so no phone is re-provisioned.
 */
import type { AuditEntry } from '../core/model.js';
import { checkPolicyValue, formatPolicy, POLICY_KEYS, readPolicies } from '../core/policies.js';
import { fail, ok, refuse, type Outcome } from '../core/reasons.js';
import type { Applied, Change, ChangeContext } from './change.js';
import type { StoreData } from './schema.js';

export type PolicyChange = Extract<Change, { kind: 'set-policy' }>;

/** Extensions logged in on more than one phone, with those phones. */
function loggedInTwice(data: StoreData): [string, string[]][] {
  const phonesOf = new Map<string, string[]>();
  for (const phone of data.phones) {
    if (phone.session)
      phonesOf.set(phone.session.extension, [...(phonesOf.get(phone.session.extension) ?? []), phone.name]);
  }
  return [...phonesOf].filter(([, phones]) => phones.length > 1);
}

/** Warnings about what a new value does not change at once. */
function warningsFor(data: StoreData, change: PolicyChange, value: unknown): string[] {
  switch (change.name) {
    case 'multi-login':
      // Sessions already open stay as they are; the policy decides at the next login.
      return value === 'allow'
        ? []
        : loggedInTwice(data).map(
            ([extension, phones]) =>
              `${extension} stays logged in on ${phones.join(', ')} until it logs in again or is logged out`,
          );
    case 'auto-logout':
    case 'max-session':
    case 'idle-logout': {
      const spared = data.phones.filter((phone) => phone.session && phone.pinned !== undefined).length;
      return value !== null && spared > 0
        ? [`${spared} pinned phone(s) stay logged in: policies leave pinned phones alone`]
        : [];
    }
    case 'backup-at':
    case 'backups':
    case 'extend':
    case 'warning':
      return [];
  }
}

export function applyPolicyChange(data: StoreData, change: PolicyChange, context: ChangeContext): Outcome<Applied> {
  const checked = checkPolicyValue(change.name, change.value);
  if (!checked.ok) {
    return fail(
      refuse('invalid-setting', {
        name: change.name,
        value: String(change.value ?? 'off'),
        expected: checked.expected,
      }),
    );
  }
  const key = POLICY_KEYS[change.name];
  const current = readPolicies(data.settings.policies);
  const before = formatPolicy(change.name, current);
  const after = formatPolicy(change.name, { ...current, [key]: checked.value });
  if (key in data.settings.policies && data.settings.policies[key] === checked.value) {
    return ok({
      data,
      result: { kind: 'done', message: `${change.name} policy is ${after} (unchanged)`, warnings: [] },
    });
  }
  const warnings = warningsFor(data, change, checked.value);
  const settings = { ...data.settings, policies: { ...data.settings.policies, [key]: checked.value } };
  const entry: AuditEntry = {
    at: context.now,
    kind: 'settings-changed',
    actor: 'admin',
    detail: `${change.name} policy ${before} to ${after}`,
  };
  return ok({
    data: { ...data, settings, audit: [...data.audit, entry] },
    result: { kind: 'done', message: `${change.name} policy is ${after}`, warnings },
  });
}

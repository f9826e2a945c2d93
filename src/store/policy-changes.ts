/**
 * Setting office policies (`settings.policies`, read through
 * core/policies.ts). Policies change what later actions do, never the phones'
 * configuration, so no phone is re-provisioned.
 */
import type { AuditEntry } from '../core/model.js';
import { MULTI_LOGIN_POLICIES, parseMultiLoginPolicy, readPolicies } from '../core/policies.js';
import { fail, ok, refuse, type Outcome } from '../core/reasons.js';
import type { Applied, Change, ChangeContext } from './changes.js';
import type { StoreData } from './schema.js';

export type PolicyChange = Extract<Change, { kind: 'set-policy' }>;

/** Extensions logged in on more than one phone, with those phones. */
function loggedInTwice(data: StoreData): [string, string[]][] {
  const phonesOf = new Map<string, string[]>();
  for (const phone of data.phones) {
    if (phone.session) phonesOf.set(phone.session.extension, [...(phonesOf.get(phone.session.extension) ?? []), phone.name]);
  }
  return [...phonesOf].filter(([, phones]) => phones.length > 1);
}

export function applyPolicyChange(data: StoreData, change: PolicyChange, context: ChangeContext): Outcome<Applied> {
  const value = parseMultiLoginPolicy(change.value);
  if (!value) {
    return fail(refuse('invalid-setting', { name: change.name, value: String(change.value), expected: MULTI_LOGIN_POLICIES.join(', ') }));
  }
  const before = readPolicies(data.settings.policies).multiLogin;
  if (data.settings.policies['multiLogin'] === value) {
    return ok({ data, result: { kind: 'done', message: `multi-login policy is ${value} (unchanged)`, warnings: [] } });
  }
  // Sessions already open stay as they are; the policy decides at the next login.
  const warnings =
    value === 'allow'
      ? []
      : loggedInTwice(data).map(
          ([extension, phones]) => `${extension} stays logged in on ${phones.join(', ')} until it logs in again or is logged out`,
        );
  const settings = { ...data.settings, policies: { ...data.settings.policies, multiLogin: value } };
  const entry: AuditEntry = { at: context.now, kind: 'settings-changed', actor: 'admin', detail: `multi-login policy ${before} to ${value}` };
  return ok({
    data: { ...data, settings, audit: [...data.audit, entry] },
    result: { kind: 'done', message: `multi-login policy is ${value}`, warnings },
  });
}

/**
 * Office policies, kept in the store as `settings.policies` (an open object
 * so later policies need no new store version). Reading goes through
 * `readPolicies`, which falls back to each policy's default when a value is
 * missing or not one this version knows.
 */
import type { MultiLoginPolicy } from './sessions.js';

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
}

export function parseMultiLoginPolicy(value: unknown): MultiLoginPolicy | undefined {
  return MULTI_LOGIN_POLICIES.find((policy) => policy === value);
}

export function readPolicies(stored: Readonly<Record<string, unknown>>): Policies {
  return { multiLogin: parseMultiLoginPolicy(stored['multiLogin']) ?? DEFAULT_MULTI_LOGIN };
}

import type { Command } from 'commander';
import type { MultiLoginPolicy } from '../../core/sessions.js';
import {
  formatPolicy,
  MULTI_LOGIN_POLICIES,
  parsePolicyText,
  POLICY_KEYS,
  POLICY_NAMES,
  readPolicies,
  type Policies,
  type PolicyName,
} from '../../core/policies.js';
import type { Change } from '../../store/changes.js';
import { CliExit, type CliContext } from '../context.js';
import { EXIT_REFUSED, reasonMessage } from '../reason-messages.js';

const MULTI_LOGIN_MEANING: Record<MultiLoginPolicy, string> = {
  exclusive: 'logging in on another phone logs the user out of the old one',
  deny: 'logging in on a second phone is refused',
  allow: 'a user may be logged in on several phones at once',
};

/** What each policy does with its value, in words. */
function meaning(name: PolicyName, policies: Policies): string {
  const shown = formatPolicy(name, policies);
  const off = shown === 'off';
  switch (name) {
    case 'multi-login':
      return MULTI_LOGIN_MEANING[policies.multiLogin];
    case 'auto-logout':
      return off ? 'no scheduled logout' : `everyone is logged out at "${shown}" (office time zone)`;
    case 'max-session':
      return off ? 'sessions last until logged out' : `a session ends after ${shown}`;
    case 'idle-logout':
      return off ? 'no logout for idleness' : `a session ends after ${shown} without a call made or received`;
    case 'warning':
      return off
        ? 'no warning call before a policy logout'
        : `the phone is called ${shown} before a policy logout; 1 stays logged in`;
    case 'extend':
      return `pressing 1 at the warning postpones the logout by ${shown}, once`;
    case 'backups':
      return off ? 'no store backups' : `the last ${shown} store backups are kept in data/backups/`;
    case 'backup-at':
      return `the store is backed up at "${shown}" (office time zone)`;
  }
}

/** One line per policy: the name as the command spells it, the value, what it means. */
function policyLines(policies: Policies): string[][] {
  return POLICY_NAMES.map((name) => [name, formatPolicy(name, policies), meaning(name, policies)]);
}

const DESCRIPTIONS: Record<PolicyName, { description: string; argument: string }> = {
  'multi-login': {
    description:
      `what logging in on a second phone does: ${MULTI_LOGIN_POLICIES.join(', ')} (default ` +
      `${MULTI_LOGIN_POLICIES[0]})`,
    argument: MULTI_LOGIN_POLICIES.join(', '),
  },
  'auto-logout': {
    description: 'log everyone out on a schedule, a cron expression in the office time zone (default off)',
    argument: 'a cron expression such as "0 20 * * 1-5", or off',
  },
  'max-session': {
    description: 'end sessions after this long (default off)',
    argument: 'a duration such as 10h, 90m, 1d, or off',
  },
  'idle-logout': {
    description: 'end sessions after this long without a call made or received (default off)',
    argument: 'a duration such as 2h, or off',
  },
  warning: {
    description: 'call the phone this long before a policy logout (default 5m)',
    argument: 'a duration such as 5m, or off',
  },
  extend: {
    description: 'how long pressing 1 at the warning postpones the logout, once (default 1h)',
    argument: 'a duration such as 30m or 1h',
  },
  backups: {
    description: 'how many nightly store backups data/backups/ keeps (default 14)',
    argument: 'a number, or off',
  },
  'backup-at': {
    description: 'when the store backup runs, a cron expression in the office time zone (default "30 2 * * *")',
    argument: 'a cron expression',
  },
};

export function registerPolicy(program: Command, context: () => CliContext): void {
  // The policy commands share the group's --json (given before or after the subcommand).
  const policy = program
    .command('policy')
    .description('office policies: show them all, or show or set one')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const ctx = context();
      const policies = readPolicies((await ctx.read()).settings.policies);
      if (options.json) return ctx.out.json(policies);
      ctx.out.table(['POLICY', 'VALUE', 'MEANING'], policyLines(policies));
    });

  for (const name of POLICY_NAMES) {
    const key = POLICY_KEYS[name];
    policy
      .command(name)
      .description(DESCRIPTIONS[name].description)
      .argument('[value]', DESCRIPTIONS[name].argument)
      .configureHelp({ showGlobalOptions: true })
      .action(async (given: string | undefined) => {
        const ctx = context();
        const json = Boolean(policy.opts<{ json?: boolean }>().json);
        if (given === undefined) {
          const policies = readPolicies((await ctx.read()).settings.policies);
          if (json) return ctx.out.json({ [key]: policies[key] });
          return ctx.out.line(`${name} policy is ${formatPolicy(name, policies)}: ${meaning(name, policies)}`);
        }
        const parsed = parsePolicyText(name, given);
        if (!parsed.ok) {
          throw new CliExit(
            EXIT_REFUSED,
            reasonMessage({ kind: 'invalid-setting', name, value: given, expected: parsed.expected }),
          );
        }
        const result = await ctx.change({ kind: 'set-policy', name, value: parsed.value } as Change);
        const policies = { ...readPolicies({}), [key]: parsed.value } as Policies;
        if (json) return ctx.out.json({ [key]: policies[key] });
        if (result.kind === 'done') ctx.out.line(`${result.message}: ${meaning(name, policies)}`);
      });
  }
}

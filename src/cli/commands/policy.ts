import type { Command } from 'commander';
import type { MultiLoginPolicy } from '../../core/sessions.js';
import { MULTI_LOGIN_POLICIES, parseMultiLoginPolicy, readPolicies, type Policies } from '../../core/policies.js';
import { CliExit, type CliContext } from '../context.js';
import { EXIT_REFUSED, reasonMessage } from '../reason-messages.js';

const MULTI_LOGIN_MEANING: Record<MultiLoginPolicy, string> = {
  exclusive: 'logging in on another phone logs the user out of the old one',
  deny: 'logging in on a second phone is refused',
  allow: 'a user may be logged in on several phones at once',
};

/** One line per policy: the name as the command spells it, the value, what it means. */
function policyLines(policies: Policies): string[][] {
  return [['multi-login', policies.multiLogin, MULTI_LOGIN_MEANING[policies.multiLogin]]];
}

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

  policy
    .command('multi-login')
    .description(`what logging in on a second phone does: ${MULTI_LOGIN_POLICIES.join(', ')} (default ${MULTI_LOGIN_POLICIES[0]})`)
    .argument('[value]', MULTI_LOGIN_POLICIES.join(', '))
    .configureHelp({ showGlobalOptions: true })
    .action(async (given: string | undefined) => {
      const ctx = context();
      const json = Boolean(policy.opts<{ json?: boolean }>().json);
      if (given === undefined) {
        const { multiLogin } = readPolicies((await ctx.read()).settings.policies);
        if (json) return ctx.out.json({ multiLogin });
        return ctx.out.line(`multi-login policy is ${multiLogin}: ${MULTI_LOGIN_MEANING[multiLogin]}`);
      }
      const value = parseMultiLoginPolicy(given);
      if (!value) {
        throw new CliExit(
          EXIT_REFUSED,
          reasonMessage({ kind: 'invalid-setting', name: 'multi-login', value: given, expected: MULTI_LOGIN_POLICIES.join(', ') }),
        );
      }
      const result = await ctx.change({ kind: 'set-policy', name: 'multi-login', value });
      if (json) return ctx.out.json({ multiLogin: value });
      if (result.kind === 'done') ctx.out.line(`${result.message}: ${MULTI_LOGIN_MEANING[value]}`);
    });
}

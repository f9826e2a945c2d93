import type { Command } from 'commander';
import type { LogoutTarget } from '../../core/sessions.js';
import type { ChangeResult } from '../../store/changes.js';
import { CliExit, type CliContext } from '../context.js';
import { EXIT_REFUSED, EXIT_USAGE, reasonMessage } from '../reason-messages.js';
import { checkExtensionNumber } from '../../core/extension-rules.js';
import { findPhone } from '../../store/queries.js';

function printSessions(ctx: CliContext, result: ChangeResult, json: boolean | undefined, what: string): void {
  if (result.kind !== 'sessions') return;
  if (json) return ctx.out.json({ released: result.released, reprovision: result.reprovision });
  ctx.out.line(what);
  for (const { phone, extension } of result.released) ctx.out.line(`  ${extension} logged out of ${phone}`);
}

export function registerSessions(program: Command, context: () => CliContext): void {
  program
    .command('login')
    .description('log an extension in on a hot-desk phone (as if the user had dialled the login code)')
    .argument('<ext>', 'extension')
    .requiredOption('--phone <name|mac>', 'the hot-desk phone')
    .option('--json', 'print JSON')
    .action(async (extension: string, options: { phone: string; json?: boolean }) => {
      const ctx = context();
      const result = await ctx.change({ kind: 'login', extension, phone: options.phone, actor: 'admin' });
      const phone = findPhone(await ctx.read(), options.phone)?.name ?? options.phone;
      printSessions(ctx, result, options.json, `${extension} logged in on ${phone}`);
    });

  program
    .command('logout')
    .description('log an extension out of its phones, or log out one phone, or every phone')
    .argument('[ext]', 'extension to log out everywhere')
    .option('--phone <name|mac>', 'log out this phone')
    .option('--all', 'log out every hot-desk phone')
    .option('--json', 'print JSON')
    .action(async (extension: string | undefined, options: { phone?: string; all?: boolean; json?: boolean }) => {
      const ctx = context();
      const given = [extension !== undefined, options.phone !== undefined, Boolean(options.all)].filter(Boolean).length;
      if (given !== 1) throw new CliExit(EXIT_USAGE, 'logout takes exactly one of: EXT, --phone NAME, --all');
      if (extension !== undefined && checkExtensionNumber(extension)) {
        throw new CliExit(EXIT_REFUSED, reasonMessage({ kind: 'invalid-extension', value: extension }));
      }
      const target: LogoutTarget = options.all
        ? { all: true }
        : options.phone !== undefined
          ? { phone: options.phone }
          : { extension: extension! };
      const result = await ctx.change({ kind: 'logout', target, actor: 'admin' });
      const count = result.kind === 'sessions' ? result.released.length : 0;
      printSessions(ctx, result, options.json, `${count} phone(s) logged out`);
    });
}

import type { Command } from 'commander';
import { conflictsWithHotdesk } from '../../core/dial-codes.js';
import type { CliContext } from '../context.js';

export function registerDialCodes(program: Command, context: () => CliContext): void {
  const codes = program
    .command('dial-codes')
    .description('list the dial codes (login prefix, logout and any others)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const ctx = context();
      const { dialCodes } = (await ctx.read()).settings;
      if (options.json) return ctx.out.json(dialCodes);
      ctx.out.table(
        ['NAME', 'CODE', 'NOTE'],
        Object.entries(dialCodes).map(([name, code]) => [
          name,
          code,
          name === 'login'
            ? `dial ${code}EXT* to log in`
            : conflictsWithHotdesk(name, code)
              ? 'CONFLICT: blocks hot-desk login'
              : '',
        ]),
      );
    });

  codes
    .command('set')
    .description('add or change a dial code')
    .argument('<name>', 'name, e.g. pickup')
    .argument('<code>', 'code, e.g. *8')
    .option('--force', 'store a code starting with *7 although it makes hot-desk login fail')
    .action(async (name: string, code: string, options: { force?: boolean }) => {
      const ctx = context();
      await ctx.report({ kind: 'set-dial-code', name, code, force: Boolean(options.force) });
    });

  codes
    .command('remove')
    .description('remove a dial code (the hot-desk codes can only be changed)')
    .argument('<name>', 'name of the code')
    .action(async (name: string) => {
      const ctx = context();
      await ctx.report({ kind: 'remove-dial-code', name });
    });
}

import type { Command } from 'commander';
import { lockState } from '../../store/queries.js';
import type { CliContext } from '../context.js';
import { lockCount, printLockTable } from '../lock-table.js';

export function registerUnlock(program: Command, context: () => CliContext): void {
  program
    .command('unlock')
    .description(
      'release a lock after wrong PINs: of an extension, of a phone, or (both given) of that phone for that ' +
        'extension (with neither: list the locks)',
    )
    .argument('[ext]', 'extension to unlock')
    .option('--phone <name|mac>', 'unlock this phone (with ext: only for that extension)')
    .option('--json', 'print JSON')
    .action(async (extension: string | undefined, options: { phone?: string; json?: boolean }) => {
      const ctx = context();
      if (extension === undefined && options.phone === undefined) {
        const state = lockState(await ctx.read(), new Date().toISOString());
        if (options.json) return ctx.out.json(state);
        if (lockCount(state) === 0) return ctx.out.line('nothing is locked');
        return printLockTable(ctx.out, state);
      }
      const targets = {
        ...(extension !== undefined ? { extension } : {}),
        ...(options.phone !== undefined ? { phone: options.phone } : {}),
      };
      const result = await ctx.change({ kind: 'unlock', ...targets, actor: 'admin' });
      if (result.kind !== 'done') return;
      if (options.json) return ctx.out.json({ ...targets, message: result.message });
      ctx.out.line(result.message);
    });
}

import type { Command } from 'commander';
import { CliExit, type CliContext } from '../context.js';
import { EXIT_REFUSED } from '../reason-messages.js';
import { describeSipBlock, fetchSipBlocks, printSipBlocks } from '../sip-blocks.js';

export function registerUnblock(program: Command, context: () => CliContext): void {
  program
    .command('unblock')
    .description('lift a SIP authentication block on an address or an account (with none: list the blocks)')
    .argument('[target]', 'source address or account (extension or HDxxxx) to unblock')
    .option('--json', 'print JSON')
    .action(async (target: string | undefined, options: { json?: boolean }) => {
      const ctx = context();
      const blocks = await fetchSipBlocks(
        ctx.paths,
        target === undefined ? { kind: 'blocks' } : { kind: 'unblock', target },
      );
      if (blocks === undefined) {
        throw new CliExit(
          EXIT_REFUSED,
          'hotdeskd is not running: SIP blocks exist only in a running hotdeskd (and end when it stops)',
        );
      }
      if (options.json) return ctx.out.json(blocks);
      if (target === undefined) {
        if (blocks.length === 0) return ctx.out.line('nothing is blocked');
        return printSipBlocks(ctx.out, blocks);
      }
      if (blocks.length === 0) throw new CliExit(EXIT_REFUSED, `${target} is not blocked`);
      for (const block of blocks) ctx.out.line(`lifted: ${describeSipBlock(block)}`);
    });
}

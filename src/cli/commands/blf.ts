import type { Command } from 'commander';
import { findModel } from '../../core/catalogue.js';
import { checkBlfFits } from '../../core/blf-fit.js';
import type { Key, KeyLayout } from '../../core/key-layout.js';
import { findExtension, keyLayoutFor } from '../../store/queries.js';
import { CliExit, type CliContext } from '../context.js';
import { EXIT_REFUSED, reasonMessage } from '../reason-messages.js';

export function describeKey(key: Key): string {
  return key.kind === 'logout' ? `Logout (speed dial ${key.code})` : `BLF ${key.target} ${key.label}`;
}

export function layoutAsJson(layout: KeyLayout, model: string, keyCount: number): Record<string, unknown> {
  return {
    model,
    keyCount,
    keys: layout.keys.map((key, i) => ({ slot: i + 1, ...key })),
    unused: layout.unused,
    overflow: layout.overflow.map((key) => ({ target: key.target, label: key.label })),
  };
}

export function registerBlf(program: Command, context: () => CliContext): void {
  const blf = program
    .command('blf')
    .description("a user's busy-lamp (BLF) keys, which follow them to any hot-desk phone");

  blf
    .command('set')
    .description('set the ordered BLF list of an extension; "-" takes no key (empty positions are dropped)')
    .argument('<ext>', 'extension that owns the list')
    .argument('[targets...]', 'extensions to watch, in key order ("-" is dropped on the phone)')
    .action(async (extension: string, targets: string[]) => {
      const ctx = context();
      const tooMany = checkBlfFits(targets.filter((target) => target !== '-').length, ctx.catalogue);
      if (tooMany) throw new CliExit(EXIT_REFUSED, `BLF list of ${extension} refused: ${tooMany}`);
      await ctx.report({
        kind: 'set-blf',
        extension,
        targets: targets.map((target) => (target === '-' ? null : target)),
      });
    });

  blf
    .command('show')
    .description(
      'show the key layout an extension gets on a phone model: Logout first, empties dropped, overflow listed',
    )
    .argument('<ext>', 'extension')
    .option('--model <id>', 'phone model (default: the model of the phone the user is logged in on)')
    .option('--json', 'print JSON')
    .action(async (number: string, options: { model?: string; json?: boolean }) => {
      const ctx = context();
      const data = await ctx.read();
      const extension = findExtension(data, number);
      if (!extension) throw new CliExit(EXIT_REFUSED, reasonMessage({ kind: 'unknown-extension', extension: number }));
      const modelId = options.model ?? data.phones.find((phone) => phone.session?.extension === number)?.model;
      const model = modelId ? findModel(ctx.catalogue, modelId) : undefined;
      if (!modelId) {
        // No model named and the user is not logged in: show the list as stored.
        const list = extension.blf.map((target, i) => ({ position: i + 1, target }));
        if (options.json) return ctx.out.json({ extension: number, blf: list });
        ctx.out.line(`BLF list of ${number} (${extension.name}); add --model ID to see the layout on a phone`);
        for (const entry of list) ctx.out.line(`  ${String(entry.position).padStart(2)}  ${entry.target ?? '(empty)'}`);
        return;
      }
      if (!model)
        throw new CliExit(EXIT_REFUSED, reasonMessage({ kind: 'unknown-model', value: modelId, suggestions: [] }));
      const layout = keyLayoutFor(data, extension, model.keys);
      if (options.json) return ctx.out.json({ extension: number, ...layoutAsJson(layout, model.id, model.keys) });
      ctx.out.line(`Keys of ${number} (${extension.name}) on ${model.id} (${model.keys} keys):`);
      layout.keys.forEach((key, i) => ctx.out.line(`  ${String(i + 1).padStart(2)}  ${describeKey(key)}`));
      if (layout.unused > 0) ctx.out.line(`  ${layout.unused} more key(s) unused`);
      if (layout.overflow.length > 0) {
        ctx.out.warn(
          `${layout.overflow.length} BLF key(s) do not fit ${model.id}: ` +
            `${layout.overflow.map((key) => key.target).join(', ')}`,
        );
      }
    });
}

import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function registerModels(program: Command, context: () => CliContext): void {
  program
    .command('models')
    .description('list the phone models eligible for hot desking, with their programmable key counts')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => {
      const { catalogue, out } = context();
      if (options.json) return out.json(catalogue);
      out.table(
        ['ID', 'VENDOR', 'MODEL', 'KEYS'],
        catalogue.map((model) => [model.id, model.vendor, model.name, String(model.keys)]),
      );
    });
}

import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function registerEmergency(program: Command, context: () => CliContext): void {
  const emergency = program
    .command('emergency')
    .description('emergency numbers: always routed to the trunk, even from idle hot-desk phones');

  emergency
    .command('list')
    .description('list the emergency numbers')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const ctx = context();
      const numbers = (await ctx.read()).settings.emergencyNumbers;
      if (options.json) return ctx.out.json(numbers);
      for (const number of numbers) ctx.out.line(number);
    });

  for (const [verb, kind, text] of [
    ['add', 'add-emergency', 'add an emergency number'],
    ['remove', 'remove-emergency', 'remove an emergency number'],
  ] as const) {
    emergency
      .command(verb)
      .description(text)
      .argument('<number>', 'the number, e.g. 112')
      .action(async (number: string) => {
        const ctx = context();
        await ctx.report({ kind, number });
      });
  }
}

import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { callbackMinutesOf } from '../../core/emergency-calls.js';

export function registerEmergency(program: Command, context: () => CliContext): void {
  const emergency = program
    .command('emergency')
    .description(
      'emergency numbers: always routed to the trunk, even from idle hot-desk phones; and who on site is told ' +
        'when one is dialled',
    );

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

  const notify = emergency
    .command('notify')
    .description('extensions called when an emergency number is dialled: they hear which desk is calling');

  notify
    .command('list')
    .description('list the extensions told of emergency calls, and the callback window')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const ctx = context();
      const state = (await ctx.read()).emergency;
      const extensions = state?.notify ?? [];
      if (options.json) return ctx.out.json({ notify: extensions, callbackMinutes: callbackMinutesOf(state) });
      if (extensions.length === 0)
        ctx.out.line('no extension is told of emergency calls (hotdesk emergency notify add EXT)');
      for (const extension of extensions) ctx.out.line(extension);
    });

  for (const [verb, kind, text] of [
    ['add', 'add-emergency-notify', 'call this extension whenever an emergency number is dialled'],
    ['remove', 'remove-emergency-notify', 'stop calling this extension on emergency calls'],
  ] as const) {
    notify
      .command(verb)
      .description(text)
      .argument('<extension>', 'the extension, e.g. 100 (the front desk)')
      .action(async (extension: string) => {
        const ctx = context();
        await ctx.report({ kind, extension });
      });
  }
}

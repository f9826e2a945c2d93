import { resolveSecret } from '../secret-option.js';
import { Option, type Command } from 'commander';
import type { CliContext } from '../context.js';
import { EMERGENCY_LOCATION_MODES, type EmergencyLocationMode } from '../../core/model.js';

export function registerTrunk(program: Command, context: () => CliContext): void {
  const trunk = program
    .command('trunk')
    .description('the SIP trunk: where emergency and outside calls go, and where incoming calls come from');

  trunk
    .command('show')
    .description('show the trunk (never its password)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const ctx = context();
      const current = (await ctx.read()).settings.trunk;
      const shown = current
        ? {
            uri: current.uri,
            username: current.username ?? null,
            password: current.password ? 'set' : null,
            from: current.from ?? [],
            mainNumber: current.mainNumber ?? null,
            emergencyLocation: current.emergencyLocation ?? 'none',
          }
        : null;
      if (options.json) return ctx.out.json(shown);
      if (!shown)
        return ctx.out.line(
          'no trunk: emergency and outside numbers cannot be reached (hotdesk trunk set sip:HOST[:PORT])',
        );
      const account = shown.username ? ` as ${shown.username} (password ${shown.password ?? 'not set'})` : '';
      const from = shown.from.length > 0 ? `, also from ${shown.from.join(', ')}` : '';
      ctx.out.line(`${shown.uri}${account}${from}`);
      if (shown.mainNumber !== null || shown.emergencyLocation !== 'none') {
        ctx.out.line(`main number: ${shown.mainNumber ?? 'none'}; emergency location: ${shown.emergencyLocation}`);
      }
    });

  trunk
    .command('set')
    .description('set the trunk')
    .argument('<uri>', 'sip:HOST[:PORT], optionally ;transport=tcp')
    .option('--username <name>', 'user name for digest authentication towards the trunk')
    .option(
      '--password <secret>',
      'password for digest authentication towards the trunk; - reads it from stdin or a prompt (recommended)',
    )
    .option('--from <addresses>', 'other IP addresses the trunk sends calls from, separated by commas')
    .option(
      '--main-number <number>',
      "the office's main number, E.164 (+15551234567): who an emergency call is from when nothing better is known",
    )
    .addOption(
      new Option(
        '--emergency-location <mode>',
        'pidf-lo: emergency calls carry the desk location (RFC 6442 Geolocation and a PIDF-LO body)',
      )
        .choices(EMERGENCY_LOCATION_MODES)
        .default('none'),
    )
    .action(
      async (
        uri: string,
        options: {
          username?: string;
          password?: string;
          from?: string;
          mainNumber?: string;
          emergencyLocation: EmergencyLocationMode;
        },
      ) => {
        const ctx = context();
        const password = await resolveSecret(ctx.io, options.password, 'trunk password');
        await ctx.report({
          kind: 'set-trunk',
          uri,
          ...(options.username !== undefined ? { username: options.username } : {}),
          ...(password !== undefined ? { password } : {}),
          ...(options.from !== undefined
            ? {
                from: options.from
                  .split(',')
                  .map((address) => address.trim())
                  .filter((address) => address !== ''),
              }
            : {}),
          ...(options.mainNumber !== undefined ? { mainNumber: options.mainNumber } : {}),
          emergencyLocation: options.emergencyLocation,
        });
      },
    );

  trunk
    .command('remove')
    .description('remove the trunk')
    .action(async () => {
      const ctx = context();
      await ctx.report({ kind: 'remove-trunk' });
    });
}

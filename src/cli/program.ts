/** The `hotdesk` command tree (commander). Building it runs nothing. */
import { Command } from 'commander';
import type { Catalogue } from '../core/catalogue.js';
import { resolveDataDir } from '../adapters/paths.js';
import { CliExit, createContext, type CliContext } from './context.js';
import { EXIT_USAGE } from './reason-messages.js';
import type { Io } from './output.js';
import { registerModels } from './commands/models.js';
import { registerPhones } from './commands/phones.js';
import { registerExtension } from './commands/extension.js';
import { registerBlf } from './commands/blf.js';
import { registerDialCodes } from './commands/dial-codes.js';
import { registerEmergency } from './commands/emergency.js';
import { registerStatus } from './commands/status.js';
import { registerSessions } from './commands/sessions.js';
import { registerAudit } from './commands/audit.js';
import { registerSettings } from './commands/settings.js';
import { registerTrunk } from './commands/trunk.js';
import { registerProvisioning } from './commands/provisioning.js';
import { registerUnlock } from './commands/unlock.js';
import { registerUnblock } from './commands/unblock.js';
import { registerPolicy } from './commands/policy.js';
import { registerDoctor } from './commands/doctor.js';

export function buildProgram(io: Io, version: string, loadCatalogue: () => Catalogue): Command {
  const program = new Command('hotdesk');
  let context: CliContext | undefined;
  const getContext = (): CliContext => {
    context ??= createContext(io, resolveDataDir(program.opts<{ data?: string }>().data, io.env), loadCatalogue());
    return context;
  };
  program
    .description('administer hotdesk, the hot-desking server: phones, extensions, keys, sessions')
    .version(version)
    .option('--data <dir>', 'data directory (default: the embedded data/; env HOTDESK_DATA)')
    .showHelpAfterError('(hotdesk --help lists the commands)')
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
    })
    .exitOverride();
  for (const register of [
    registerStatus,
    registerModels,
    registerPhones,
    registerExtension,
    registerBlf,
    registerSessions,
    registerUnlock,
    registerUnblock,
    registerDialCodes,
    registerEmergency,
    registerAudit,
    registerSettings,
    registerPolicy,
    registerTrunk,
    registerProvisioning,
    registerDoctor,
  ]) {
    register(program, getContext);
  }
  for (const command of program.commands) command.exitOverride();
  program.allowExcessArguments(true).action(async () => {
    if (program.args.length > 0) {
      throw new CliExit(EXIT_USAGE, `unknown command "${program.args[0]}" (hotdesk --help lists the commands)`);
    }
    const ctx = getContext();
    if (ctx.io.stdin.isTTY && ctx.io.stdout.isTTY) {
      const [{ runDashboard }, { buildDashboardProps }] = await Promise.all([
        import('../tui/run.js'),
        import('./tui-props.js'),
      ]);
      return runDashboard(buildDashboardProps(ctx), ctx.io);
    }
    program.outputHelp();
  });
  return program;
}

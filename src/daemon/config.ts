/**
 * hotdeskd's configuration: defaults ← environment (HOTDESK_*) ← flags,
 * validated once. Errors name the setting, the value and what was expected.
 */
import { Command, CommanderError } from 'commander';

export interface DaemonConfig {
  /** Data directory; `undefined` means the embedded default (resolved by the caller). */
  data: string | undefined;
  logLevel: string;
}

export class ConfigError extends Error {
  constructor(setting: string, value: string, expected: string) {
    super(`${setting}: "${value}" is not valid (expected ${expected})`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function daemonProgram(version: string): Command {
  return new Command('hotdeskd')
    .description('hot-desking server: SIP registrar and proxy, login IVR, phone provisioning')
    .version(version)
    .option('--data <dir>', 'data directory (store, lock, control socket); env HOTDESK_DATA')
    .option('--log-level <level>', `log level: ${LOG_LEVELS.join(', ')}; env HOTDESK_LOG_LEVEL`)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
}

export function parseDaemonConfig(argv: string[], env: NodeJS.ProcessEnv, version: string): DaemonConfig {
  const program = daemonProgram(version);
  program.parse(argv, { from: 'user' });
  const flags = program.opts<{ data?: string; logLevel?: string }>();
  const logLevel = flags.logLevel ?? env['HOTDESK_LOG_LEVEL'] ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('--log-level', logLevel, LOG_LEVELS.join(', '));
  return { data: flags.data ?? env['HOTDESK_DATA'], logLevel };
}

export { CommanderError };

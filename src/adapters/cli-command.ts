/**
 * How to type the admin CLI on this machine, for the daemon's banner: `hotdesk`
 * only when that name on PATH is this installation's; after `npm start` in a
 * checkout it is not on PATH, and the path to bin/hotdesk is given instead.
 */
import { realpathSync } from 'node:fs';
import { delimiter, isAbsolute, join, relative } from 'node:path';
import { PACKAGE_ROOT, resolveDataDir } from './paths.js';

export interface CliCommandOptions {
  /** PATH as the admin's shell has it (default: hotdeskd's own). */
  path?: string | undefined;
  /** Where the admin types (default: hotdeskd's working directory). */
  cwd?: string;
  /** hotdeskd's data directory: `--data DIR` is added when it is not the embedded default. */
  dataDir?: string;
  /** The bin/hotdesk of this installation (tests). */
  bin?: string;
}

const real = (file: string): string | undefined => {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
};

const quote = (text: string): string => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);

export function cliCommand(options: CliCommandOptions = {}): string {
  const bin = options.bin ?? join(PACKAGE_ROOT, 'bin', 'hotdesk');
  const cwd = options.cwd ?? process.cwd();
  const own = real(bin);
  const onPath = (options.path ?? process.env['PATH'] ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '' && isAbsolute(dir))
    .some((dir) => own !== undefined && real(join(dir, 'hotdesk')) === own);
  let command = 'hotdesk';
  if (!onPath) {
    // From the package root (npm start runs there): bin/hotdesk; from anywhere else: the whole path.
    command = quote(relative(cwd, bin) === join('bin', 'hotdesk') ? join('bin', 'hotdesk') : bin);
  }
  const data = options.dataDir;
  if (data !== undefined && data !== resolveDataDir(undefined, {})) command += ` --data ${quote(data)}`;
  return command;
}

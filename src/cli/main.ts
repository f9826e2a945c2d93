/** Entry point for bin/hotdesk. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { loadCatalogue } from '../adapters/catalogue-files.js';
import { PACKAGE_ROOT } from '../adapters/paths.js';
import { StoreFileError } from '../adapters/json-store.js';
import { ControlError } from '../adapters/control-socket.js';
import { buildProgram } from './program.js';
import { CliExit } from './context.js';
import { EXIT_OK, EXIT_REFUSED, EXIT_USAGE } from './reason-messages.js';
import { createOutput, type Io } from './output.js';

function version(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

function processIo(): Io {
  // `hotdesk audit | head`: the reader went away; that is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/** Runs one `hotdesk` invocation and resolves to its exit code. */
export async function run(argv: string[], io: Io = processIo()): Promise<number> {
  const program = buildProgram(io, version(), () => loadCatalogue());
  const out = createOutput(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0)
        return EXIT_OK;
      return EXIT_USAGE;
    }
    if (error instanceof CliExit) {
      if (error.message) out.error(error.message);
      return error.code;
    }
    if (error instanceof ControlError) {
      out.error(error.message);
      return EXIT_REFUSED;
    }
    if (error instanceof StoreFileError) {
      out.error(`cannot use the store ${error.file}: ${error.problem}`);
      return EXIT_REFUSED;
    }
    out.error(`unexpected error: ${(error as Error).message}`);
    return EXIT_REFUSED;
  }
}

/**
 * `--password -` and `--pin -`: the value comes from standard input (a line each, in
 * the order the options are read) or a no-echo prompt on a terminal, so it never
 * stands on a command line, which every local user can read in /proc.
 */
import { createSecretInput, SecretInputError, type SecretInput } from '../adapters/secret-input.js';
import { CliExit } from './context.js';
import type { Io } from './output.js';
import { EXIT_USAGE } from './reason-messages.js';

const inputs = new WeakMap<object, SecretInput>();

/**
 * `value`, or when it is `-`, the next secret from stdin or the terminal; `what` names it in the prompt and in
 * errors.
 */
export async function resolveSecret(io: Io, value: string, what: string): Promise<string>;
export async function resolveSecret(io: Io, value: string | undefined, what: string): Promise<string | undefined>;
export async function resolveSecret(io: Io, value: string | undefined, what: string): Promise<string | undefined> {
  if (value !== '-') return value;
  let input = inputs.get(io.stdin);
  if (!input) {
    input = createSecretInput(io.stdin, io.stderr);
    inputs.set(io.stdin, input);
  }
  try {
    return await input.read(what);
  } catch (error) {
    if (error instanceof SecretInputError) throw new CliExit(EXIT_USAGE, error.message);
    throw error;
  }
}

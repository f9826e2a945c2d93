/**
 * Secrets given as `-` on the command line (`--password -`, `--pin -`) come from here,
 * never from argv (which every local user can read in /proc/PID/cmdline): one line of
 * standard input per secret, in the order asked, or, on a terminal, a prompt on
 * standard error that does not echo what is typed.
 */

export interface SecretInput {
  /**
   * The next secret: the next line of a piped stdin (trailing CR/LF stripped), or typed at a no-echo prompt naming
   * `what`.
   */
  read(what: string): Promise<string>;
}

type Stdin = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };

/** A secret input missing or abandoned; its message never holds the secret. */
export class SecretInputError extends Error {}

const MAX_LINE = 4096;

export function createSecretInput(stdin: Stdin, stderr: NodeJS.WritableStream): SecretInput {
  let buffer = '';
  let ended = false;
  let waiting: (() => void) | undefined;
  let listening = false;
  const listen = (): void => {
    if (listening) return;
    listening = true;
    stdin.setEncoding('utf8');
    stdin.on('data', (chunk: string) => {
      buffer += chunk;
      waiting?.();
    });
    stdin.on('end', () => {
      ended = true;
      waiting?.();
    });
    stdin.on('error', () => {
      ended = true;
      waiting?.();
    });
  };

  async function fromPipe(what: string): Promise<string> {
    listen();
    stdin.resume();
    while (!buffer.includes('\n') && !ended && buffer.length <= MAX_LINE)
      await new Promise<void>((resolve) => (waiting = resolve));
    waiting = undefined;
    const end = buffer.indexOf('\n');
    const line = end < 0 ? buffer : buffer.slice(0, end);
    buffer = end < 0 ? '' : buffer.slice(end + 1);
    if (!buffer.includes('\n')) stdin.pause();
    if (line.length > MAX_LINE)
      throw new SecretInputError(`the ${what} on standard input is longer than ${MAX_LINE} characters`);
    if (end < 0 && line === '')
      throw new SecretInputError(`no ${what} on standard input (give it on a line of its own)`);
    return line.replace(/\r$/, '');
  }

  function fromTerminal(what: string): Promise<string> {
    return new Promise((resolve, reject) => {
      let typed = '';
      // Echo off before the prompt shows: keys typed (or pasted) as soon as it appears are never echoed.
      stdin.setRawMode!(true);
      stdin.setEncoding('utf8');
      stderr.write(`${what}: `);
      const finish = (error?: Error): void => {
        stdin.off('data', onData);
        stdin.setRawMode!(false);
        stdin.pause();
        stderr.write('\n');
        if (error) reject(error);
        else resolve(typed);
      };
      const onData = (chunk: string): void => {
        for (const char of chunk) {
          if (char === '\r' || char === '\n') return finish();
          if (char === '\u0003' || char === '\u0004') return finish(new SecretInputError(`no ${what} given`));
          if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
          else if (char >= ' ') typed += char;
          if (typed.length > MAX_LINE)
            return finish(new SecretInputError(`the ${what} is longer than ${MAX_LINE} characters`));
        }
      };
      stdin.on('data', onData);
      stdin.resume();
    });
  }

  return {
    read: (what) => (stdin.isTTY && typeof stdin.setRawMode === 'function' ? fromTerminal(what) : fromPipe(what)),
  };
}

/** Writing to the terminal: colour only on a TTY, JSON when asked, errors on stderr. */
import { Chalk, type ChalkInstance } from 'chalk';

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export interface Output {
  colour: ChalkInstance;
  line(text?: string): void;
  json(value: unknown): void;
  warn(text: string): void;
  error(text: string): void;
  table(headers: string[], rows: string[][]): void;
}

export function createOutput(io: Io): Output {
  const colour = new Chalk({ level: io.stdout.isTTY && !io.env['NO_COLOR'] ? 1 : 0 });
  const errColour = new Chalk({ level: io.stderr.isTTY && !io.env['NO_COLOR'] ? 1 : 0 });
  return {
    colour,
    line: (text = '') => void io.stdout.write(`${text}\n`),
    json: (value) => void io.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    warn: (text) => void io.stderr.write(`${errColour.yellow('warning:')} ${text}\n`),
    error: (text) => void io.stderr.write(`${errColour.red('hotdesk:')} ${text}\n`),
    table(headers, rows) {
      const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)));
      const format = (cells: string[]): string =>
        cells
          .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
          .join('  ')
          .trimEnd();
      io.stdout.write(`${colour.bold(format(headers))}\n`);
      for (const row of rows) io.stdout.write(`${format(row)}\n`);
    },
  };
}

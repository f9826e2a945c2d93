/** The terminal's size in characters, updated when it is resized. */
import { useEffect, useState } from 'react';
import { useStdout } from 'ink';

export interface TerminalSize {
  columns: number;
  rows: number;
}

/** Assumed when the output stream does not say (a pipe, a test stream). */
export const DEFAULT_TERMINAL: TerminalSize = { columns: 80, rows: 24 };

const sizeOf = (stdout: NodeJS.WriteStream): TerminalSize => ({
  columns: stdout.columns > 0 ? stdout.columns : DEFAULT_TERMINAL.columns,
  rows: stdout.rows > 0 ? stdout.rows : DEFAULT_TERMINAL.rows,
});

export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => sizeOf(stdout));
  useEffect(() => {
    const resized = () => setSize(sizeOf(stdout));
    resized();
    stdout.on('resize', resized);
    return () => {
      stdout.off('resize', resized);
    };
  }, [stdout]);
  return size;
}

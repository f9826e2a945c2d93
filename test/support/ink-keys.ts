/** Driving Ink screens rendered by ink-testing-library: key codes, waiting for re-renders, plain frames. */

export const KEY = {
  up: '\u001B[A',
  down: '\u001B[B',
  enter: '\r',
  escape: '\u001B',
  backspace: '\u007F',
  ctrlC: '\u0003',
} as const;

export const delay = (ms = 30): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Typing {
  stdin: { write(data: string): void };
}

/** Writes each key as its own chunk (as a terminal would) and lets Ink re-render after each. */
export async function press(app: Typing, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    app.stdin.write(key);
    await delay();
  }
}

/** Types text one character at a time. */
export async function type(app: Typing, text: string): Promise<void> {
  await press(app, ...text.split(''));
}

const ANSI = /\u001B\[[0-9;]*[A-Za-z]/g;

/** The last frame without colour codes. */
export const plain = (frame: string | undefined): string => (frame ?? '').replace(ANSI, '');

/** Waits until `check` holds (or fails after `ms`), for screens that load asynchronously. */
export async function until(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the screen');
    await delay(10);
  }
}

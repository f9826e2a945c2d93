/**
 * Logging: structured JSON lines (pino) on stderr, or a human format when
 * stderr is a terminal. Never pass PINs, SIP passwords or rendered configs.
 */
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export interface LogOptions {
  level?: string;
  /** Force the human format (default: when stderr is a TTY). */
  human?: boolean;
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LogOptions = {}): Logger {
  const level = options.level ?? 'info';
  const destination = options.destination ?? process.stderr;
  const human = options.human ?? Boolean((destination as { isTTY?: boolean }).isTTY);
  const base = {
    level,
    base: { name: 'hotdeskd' },
    redact: ['password', 'pin', 'sipPassword', 'idlePassword', '*.password'],
  };
  if (human)
    return pino(base, pretty({ destination, sync: true, ignore: 'pid,hostname,name', translateTime: 'SYS:HH:MM:ss' }));
  return pino(base, destination);
}

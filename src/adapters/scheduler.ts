/**
 * Schedules in the office time zone, on node-cron: tasks that run at the
 * instants of a cron expression (`startCronTask`), and the next instant of
 * an expression after a given time (`nextCronInstant`), which the pure
 * policy code needs ahead of time (a warning goes out minutes before a
 * scheduled logout). Both let node-cron decide what matches, so they agree,
 * across daylight-saving changes too: a wall-clock time that does not exist
 * on the day the clocks go forward is skipped that day, one that happens
 * twice when they go back counts once (the first).
 */
import cron, { type Logger as CronLogger, type ScheduledTask } from 'node-cron';
import type { Logger } from './log.js';

const MINUTE_MS = 60_000;
/** How far ahead to look for the next instant (a schedule such as "0 0 29 2 *" waits for a leap year). */
const SEARCH_DAYS = 8 * 366;

/** Whether the IANA time zone is known here. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** A problem with the expression as node-cron reads it, or `undefined`. */
export function cronProblem(expression: string): string | undefined {
  const checked = cron.validateDetailed(expression);
  return checked.valid
    ? undefined
    : checked.errors.map((error) => `${error.field}: ${error.message}`).join('; ') || 'not valid';
}

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

function wallTimeOf(ms: number, format: Intl.DateTimeFormat): WallTime {
  const parts = Object.fromEntries(format.formatToParts(new Date(ms)).map((part) => [part.type, part.value]));
  return {
    year: Number(parts['year']),
    month: Number(parts['month']),
    day: Number(parts['day']),
    hour: Number(parts['hour']) % 24,
    minute: Number(parts['minute']),
  };
}

/** The zone's offset from UTC at `ms`, in ms. */
function offsetAt(ms: number, format: Intl.DateTimeFormat): number {
  const wall = wallTimeOf(ms, format);
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute) - Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

/** The UTC instants (0, 1 or 2) at which the zone's clocks show this wall time. */
function instantsOf(wall: WallTime, format: Intl.DateTimeFormat): number[] {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const candidates = new Set<number>();
  // The offset a few hours either side covers both sides of a change.
  for (const probe of [asUtc - 14 * 3_600_000, asUtc, asUtc + 14 * 3_600_000])
    candidates.add(asUtc - offsetAt(probe, format));
  return [...candidates]
    .filter((ms) => {
      const shown = wallTimeOf(ms, format);
      return (
        shown.year === wall.year &&
        shown.month === wall.month &&
        shown.day === wall.day &&
        shown.hour === wall.hour &&
        shown.minute === wall.minute
      );
    })
    .sort((a, b) => a - b);
}

/**
 * The first instant strictly after `after` at which the five-field cron
 * expression fires in the time zone, or `undefined` (an expression that never
 * fires within eight years, or one node-cron refuses).
 */
export function nextCronInstant(expression: string, timeZone: string, after: Date): Date | undefined {
  if (cronProblem(expression) || !isTimeZone(timeZone)) return undefined;
  const fields = cron.parse(expression);
  const task = cron.createTask(expression, () => undefined, { timezone: timeZone });
  try {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    const hours = [...fields.hour].sort((a, b) => a - b);
    const minutes = [...fields.minute].sort((a, b) => a - b);
    const start = wallTimeOf(after.getTime(), format);
    for (let offset = 0; offset < SEARCH_DAYS; offset++) {
      const date = new Date(Date.UTC(start.year, start.month - 1, start.day + offset));
      const day = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
      if (!fields.month.includes(day.month)) continue;
      for (const hour of hours) {
        for (const minute of minutes) {
          // A wall time that happens twice (clocks going back) fires once, the first time.
          const ms = instantsOf({ ...day, hour, minute }, format)[0];
          if (ms !== undefined && ms > after.getTime() && task.match(new Date(ms))) return new Date(ms);
        }
      }
    }
    return undefined;
  } finally {
    void task.destroy();
  }
}

export interface CronTask {
  stop(): void;
}

/**
 * Runs `run` at every instant of the expression in the time zone until
 * stopped. A task that cannot be made (an expression or zone node-cron
 * refuses) is logged and does nothing.
 */
export function startCronTask(options: {
  expression: string;
  timeZone: string;
  name: string;
  log: Pick<Logger, 'warn' | 'error'>;
  run(firedAt: Date): void | Promise<void>;
}): CronTask {
  const { log } = options;
  let task: ScheduledTask;
  try {
    task = cron.schedule(
      options.expression,
      async (context) => {
        try {
          await options.run(context.date);
        } catch (error) {
          log.error({ err: error as Error, task: options.name }, 'scheduled task failed');
        }
      },
      {
        timezone: options.timeZone,
        name: options.name,
        noOverlap: true,
        unref: true,
        logger: silentCronLogger(log, options.name),
      },
    );
  } catch (error) {
    log.warn(
      { err: error as Error, task: options.name, expression: options.expression, timeZone: options.timeZone },
      'schedule not started',
    );
    return { stop() {} };
  }
  return {
    stop() {
      void task.destroy();
    },
  };
}

/** node-cron's own messages go to our log (warnings and errors only). */
function silentCronLogger(log: Pick<Logger, 'warn' | 'error'>, name: string): CronLogger {
  return {
    info: () => undefined,
    debug: () => undefined,
    warn: (message: string) => log.warn({ task: name }, `node-cron: ${message}`),
    error: (message: string | Error) => log.error({ task: name }, `node-cron: ${String(message)}`),
  };
}

/**
 * Next instants of office schedules in a time zone (node-cron decides what matches), DST included; and a real task
 * firing.
 */
import t from 'tap';
import { cronProblem, isTimeZone, nextCronInstant, startCronTask } from '../../src/adapters/scheduler.js';
import { checkCronExpression } from '../../src/core/cron-syntax.js';
import { createLogger } from '../../src/adapters/log.js';

t.test('the next instant after a time, in the office time zone', async (t) => {
  // Europe/Berlin goes to summer time on 2027-03-28 (02:00 → 03:00) and back on 2027-10-31 (03:00 → 02:00).
  const cases: [string, string, string, string | undefined][] = [
    // Wednesday, winter time: UTC+1
    ['0 20 * * 1-5', 'Europe/Berlin', '2027-03-24T12:00:00Z', '2027-03-24T19:00:00.000Z'],
    ['0 20 * * 1-5', 'Europe/Berlin', '2027-03-24T19:00:00Z', '2027-03-25T19:00:00.000Z'], // strictly after
    // Friday evening → Monday, summer time: UTC+2
    ['0 20 * * 1-5', 'Europe/Berlin', '2027-03-26T19:30:00Z', '2027-03-29T18:00:00.000Z'],
    ['0 20 * * *', 'Europe/Berlin', '2027-03-27T20:00:00Z', '2027-03-28T18:00:00.000Z'], // the day of the change itself
    // 02:30 does not exist on 28 March
    ['30 2 * * *', 'Europe/Berlin', '2027-03-27T02:00:00Z', '2027-03-29T00:30:00.000Z'],
    // 02:30 happens twice on 31 October: the first
    ['30 2 * * *', 'Europe/Berlin', '2027-10-30T12:00:00Z', '2027-10-31T00:30:00.000Z'],
    ['30 2 * * *', 'Europe/Berlin', '2027-10-31T00:30:00Z', '2027-11-01T01:30:00.000Z'], // …and only once
    // Friday 20:00 EST is Saturday 01:00 UTC
    ['0 20 * * 1-5', 'America/New_York', '2027-03-12T12:00:00Z', '2027-03-13T01:00:00.000Z'],
    ['0 20 * * 1-5', 'America/New_York', '2027-03-13T12:00:00Z', '2027-03-16T00:00:00.000Z'], // Monday 20:00 EDT
    ['*/15 * * * *', 'UTC', '2027-01-01T00:07:00Z', '2027-01-01T00:15:00.000Z'],
    ['0 0 29 2 *', 'UTC', '2027-03-01T00:00:00Z', '2028-02-29T00:00:00.000Z'],
    ['0 0 30 2 *', 'UTC', '2027-01-01T00:00:00Z', undefined],
    ['0 20 * * 1-5', 'Mars/Olympus', '2027-01-01T00:00:00Z', undefined],
  ];
  for (const [expression, zone, after, expected] of cases) {
    t.equal(
      nextCronInstant(expression, zone, new Date(after))?.toISOString(),
      expected,
      `${expression} in ${zone} after ${after}`,
    );
  }
});

t.test('what the store accepts, node-cron runs', async (t) => {
  const accepted = [
    '0 20 * * 1-5',
    '*/15 8-18 * * mon-fri',
    '0 0 1 jan,jul *',
    '5-59/10 * * * *',
    '0 7 * * 0',
    '0 7 * * 7',
    '0,30 9 1-15 * *',
  ];
  for (const expression of accepted) {
    t.equal(checkCronExpression(expression), undefined, `${expression}: the pure check accepts it`);
    t.equal(cronProblem(expression), undefined, `${expression}: node-cron accepts it`);
  }
  const refused = ['', '* * * *', '60 * * * *', '0 24 * * *', '0 20 * * 8', '0 0 0 * *', 'a b c d e', '0 20 * * 5-1'];
  for (const expression of refused)
    t.not(checkCronExpression(expression), undefined, `"${expression}" is refused when saved`);
  t.ok(isTimeZone('Europe/Berlin'));
  t.notOk(isTimeZone('Mars/Olympus'));
});

t.test('a task fires at its instants and stops', async (t) => {
  const log = createLogger({ level: 'silent' });
  const fired: Date[] = [];
  // Every second: node-cron takes a sixth (seconds) field, which only tests use.
  const task = startCronTask({
    expression: '* * * * * *',
    timeZone: 'Europe/Berlin',
    name: 'test',
    log,
    run: (at) => void fired.push(at),
  });
  await new Promise((resolve) => setTimeout(resolve, 2300));
  task.stop();
  const count = fired.length;
  t.ok(count >= 1 && count <= 3, `fired ${count} time(s) in 2.3 s`);
  await new Promise((resolve) => setTimeout(resolve, 1200));
  t.equal(fired.length, count, 'nothing after stop');
  const broken = startCronTask({ expression: 'not cron', timeZone: 'UTC', name: 'broken', log, run: () => undefined });
  t.doesNotThrow(() => broken.stop(), 'a task node-cron refuses does nothing');
});

/**
 * The five-field cron expressions office schedules are written in (minute,
 * hour, day of month, month, day of week), checked as text so a schedule is
 * refused when it is saved, not when it should fire. Each field is `*` or a
 * comma list of values and ranges, each optionally with a step (`*\/15`,
 * `1-5`, `mon-fri`, `0 20 * * 1-5`). node-cron (which runs the schedules, in
 * the office time zone) accepts every expression this accepts.
 */

interface Field {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  },
  // 0 and 7 are both Sunday.
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

function valueOf(text: string, field: Field): number | undefined {
  if (/^\d{1,2}$/.test(text)) {
    const value = Number(text);
    return value >= field.min && value <= field.max ? value : undefined;
  }
  const index = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (index < 0) return undefined;
  return field.name === 'month' ? index + 1 : index;
}

function checkField(text: string, field: Field): string | undefined {
  const names = field.names ? `, ${field.names[0]}-${field.names[field.names.length - 1]}` : '';
  const bad = `${field.name} "${text}" is not valid (${field.min}-${field.max}${names}, *, lists, ranges, /steps)`;
  for (const item of text.split(',')) {
    const [range, step, extra] = item.split('/');
    if (extra !== undefined || range === undefined || range === '') return bad;
    if (step !== undefined && (!/^\d{1,2}$/.test(step) || Number(step) === 0)) return bad;
    if (range === '*') continue;
    const [from, to, more] = range.split('-');
    if (more !== undefined) return bad;
    const start = valueOf(from ?? '', field);
    if (start === undefined) return bad;
    if (to !== undefined) {
      const end = valueOf(to, field);
      if (end === undefined || end < start) return bad;
    } else if (step !== undefined) {
      return bad; // `5/10` reads differently in different cron dialects: write `5-59/10`.
    }
  }
  return undefined;
}

/** A problem with the expression, in words, or `undefined` when it is a valid five-field schedule. */
export function checkCronExpression(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 || fields[0] === '') {
    return (
      `expected five fields (minute hour day-of-month month day-of-week), got ` +
      `${fields[0] === '' ? 0 : fields.length}`
    );
  }
  for (const [index, text] of fields.entries()) {
    const problem = checkField(text, FIELDS[index]!);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * Policy durations as people write them: `90m`, `10h`, `1d`, `1h30m`, `2d4h`.
 * Whole minutes are the unit: the policies they feed run on minutes.
 */

const UNIT_MINUTES: Readonly<Record<string, number>> = { m: 1, h: 60, d: 24 * 60 };

/** Minutes, or `undefined` when the text is not a duration (a bare number has no unit and is refused). */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (!/^(\d{1,6}[dhm])+$/.test(trimmed)) return undefined;
  let minutes = 0;
  let lastUnit = Infinity;
  for (const match of trimmed.matchAll(/(\d+)([dhm])/g)) {
    const unit = UNIT_MINUTES[match[2]!]!;
    // Each unit once, largest first (`1h30m`, never `30m1h` or `1h1h`).
    if (unit >= lastUnit) return undefined;
    lastUnit = unit;
    minutes += Number(match[1]) * unit;
  }
  return minutes;
}

/** `600` → `10h`, `90` → `1h30m`, `1440` → `1d`, `0` → `0m`. */
export function formatDuration(minutes: number): string {
  if (minutes <= 0) return '0m';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  return `${days ? `${days}d` : ''}${hours ? `${hours}h` : ''}${rest ? `${rest}m` : ''}`;
}

/**
 * How many events happened within the last `windowS` seconds, counted per whole
 * second in a ring: adding and reading cost O(1) (amortised over the seconds that
 * passed). The SIP stack counts its server transactions so, each kept about 32 s.
 * No I/O; `now` (ms) passed in.
 */
export interface RecentCount {
  /** Counts one event at `nowMs`. */
  add(nowMs: number): void;
  /** Events within the window ending at `nowMs` (whole seconds: an upper bound). */
  count(nowMs: number): number;
}

export function createRecentCount(windowS: number, startMs: number): RecentCount {
  const perSecond = new Array<number>(windowS).fill(0);
  let ringSecond = Math.floor(startMs / 1000);
  let total = 0;
  const advance = (nowMs: number): void => {
    const second = Math.floor(nowMs / 1000);
    const steps = Math.min(second - ringSecond, windowS);
    for (let i = 1; i <= steps; i++) {
      const slot = (ringSecond + i) % windowS;
      total -= perSecond[slot]!;
      perSecond[slot] = 0;
    }
    if (second > ringSecond) ringSecond = second;
  };
  return {
    add(nowMs) {
      advance(nowMs);
      total++;
      perSecond[ringSecond % windowS]!++;
    },
    count(nowMs) {
      advance(nowMs);
      return total;
    },
  };
}

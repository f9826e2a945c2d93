/**
 * A manual clock for the dialog layer's timer seam (src/daemon/sip/dialog-timers.ts):
 * timers fire only when the test moves the clock on with `advance`.
 */
import type { DialogTimers } from '../../src/daemon/sip/dialog-timers.js';

export interface ManualTimers extends DialogTimers {
  /** Moves the clock on, firing every timer that falls due, in order. */
  advance(ms: number): void;
  /** Timers armed and not yet fired or cancelled. */
  readonly pending: number;
}

export function createManualTimers(start = 0): ManualTimers {
  let clock = start;
  let nextId = 0;
  const timers = new Map<number, { at: number; fire: () => void }>();
  return {
    now: () => clock,
    setTimer(ms, fire) {
      const id = nextId++;
      timers.set(id, { at: clock + ms, fire });
      return () => void timers.delete(id);
    },
    advance(ms) {
      const until = clock + ms;
      for (;;) {
        const due = [...timers]
          .filter(([, timer]) => timer.at <= until)
          .sort((a, b) => a[1].at - b[1].at || a[0] - b[0]);
        const first = due[0];
        if (!first) break;
        timers.delete(first[0]);
        clock = first[1].at;
        first[1].fire();
      }
      clock = until;
    },
    get pending() {
      return timers.size;
    },
  };
}

/**
 * The clock and timers of the dialog layer, passed in so tests run it on a
 * fake clock: `setTimer` returns the function that cancels the timer.
 */
export interface DialogTimers {
  now(): number;
  setTimer(ms: number, fire: () => void): () => void;
}

export const systemTimers: DialogTimers = {
  now: () => Date.now(),
  setTimer(ms, fire) {
    const timer = setTimeout(fire, ms);
    return () => clearTimeout(timer);
  },
};

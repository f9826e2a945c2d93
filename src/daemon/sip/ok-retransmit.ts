/**
 * RFC 3261 §13.3.1.4: the UAS sends its 2xx to an INVITE again until the ACK
 * comes, first after T1, the wait doubling up to T2; after 64·T1 with no ACK
 * it gives up (and the dialog's owner ends the call with a BYE).
 */
import type { DialogTimers } from './dialog-timers.js';

/** RFC 3261 §17.1.1.1 timer values. */
export const T1 = 500;
export const T2 = 4000;
export const ACK_WAIT_MS = 64 * T1;

/** Starts sending `send` again and again; the function returned stops it (the ACK came, or the call ended). */
export function retransmitUntilAck(send: () => void, timers: DialogTimers, giveUp: () => void): () => void {
  let interval = T1;
  let cancelNext = timers.setTimer(interval, function again() {
    send();
    interval = Math.min(interval * 2, T2);
    cancelNext = timers.setTimer(interval, again);
  });
  const cancelDeadline = timers.setTimer(ACK_WAIT_MS, () => {
    cancelNext();
    giveUp();
  });
  return () => {
    cancelNext();
    cancelDeadline();
  };
}

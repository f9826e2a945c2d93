/** The table of extensions and phones locked after wrong PINs (`hotdesk status`, `hotdesk unlock`). */
import type { LockState } from '../store/queries.js';
import type { Output } from './output.js';
import { lockEnd } from './reason-messages.js';

export function lockCount(state: LockState): number {
  return state.extensions.length + state.phones.length;
}

export function printLockTable(out: Output, state: LockState): void {
  out.table(
    ['LOCKED', 'UNTIL', 'LOCKS', 'RELEASE WITH'],
    [
      ...state.extensions.map(({ extension, until, level }) => [
        `extension ${extension}`,
        lockEnd(until),
        String(level),
        `hotdesk unlock ${extension}`,
      ]),
      ...state.phones.map(({ phone, until, level }) => [`phone ${phone}`, lockEnd(until), String(level), `hotdesk unlock --phone ${phone}`]),
    ],
  );
}

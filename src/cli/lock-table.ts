/**
 * The table of locks after wrong PINs (`hotdesk status`, `hotdesk unlock`),
 * each named for what it holds: an extension for every phone, a phone for
 * every extension, or a phone for one extension (their pair).
 */
import type { LockState } from '../store/queries.js';
import type { Output } from './output.js';
import { lockEnd } from './reason-messages.js';

export function lockCount(state: LockState): number {
  return state.extensions.length + state.phones.length + state.pairs.length;
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
      ...state.phones.map(({ phone, until, level }) => [
        `phone ${phone}`,
        lockEnd(until),
        String(level),
        `hotdesk unlock --phone ${phone}`,
      ]),
      ...state.pairs.map(({ phone, extension, until, level }) => [
        `phone ${phone} for extension ${extension}`,
        lockEnd(until),
        String(level),
        `hotdesk unlock ${extension} --phone ${phone}`,
      ]),
    ],
  );
}

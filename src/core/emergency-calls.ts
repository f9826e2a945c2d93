/**
 * Emergency calls after they are made: who on site is told (`notify`), the
 * alert shown for an hour, and the callback window during which the
 * emergency service's call back reaches the desk the call came from. The
 * store keeps the calls still in their alert or callback window
 * (`emergency.active`); the audit trail keeps every call for good.
 *
 *     dialled ──recorded──▶ alert + callback window ──ALERT_MINUTES──▶ (no alert)
 *                                    └──callbackMinutes──▶ routed as usual again
 *
 * Pure: `now` is passed in.
 */
import { describeDesk, DESK_FIELDS, type DeskLocation } from './civic-location.js';
import type { Phone } from './model.js';

/** One emergency call as recorded when it was dialled. */
export interface EmergencyCall {
  at: string;
  /** The emergency number dialled. */
  number: string;
  /** The authenticated account that dialled (an extension, or a phone's own `HDxxxx` when idle). */
  account: string;
  /** The hot-desk phone it came from, when it was one. */
  phone?: string;
  /** The logged-in user's extension (or the extension that dialled). */
  extension?: string;
  /** That user's display name. */
  user?: string;
  /** The desk's callback number (ELIN) at the time of the call. */
  callback?: string;
  /** `building A, floor 2, room 214`, as the desk was described at the time of the call. */
  location?: string;
}

/** The store's `emergency` block; every field optional (older stores have none). */
export interface EmergencyState {
  /** Extensions called when an emergency number is dialled. */
  notify?: string[];
  /**
   * Minutes after an emergency call during which callbacks reach its desk (default {@link
   * DEFAULT_CALLBACK_MINUTES}).
   */
  callbackMinutes?: number;
  /** Calls still within their alert or callback window, oldest first. */
  active?: EmergencyCall[];
}

export const DEFAULT_CALLBACK_MINUTES = 60;
/** How long `status` and the dashboard show an emergency call. */
export const ALERT_MINUTES = 60;
/** The longest callback window the setting takes (a day). */
export const MAX_CALLBACK_MINUTES = 1440;

const MINUTE_MS = 60_000;

export function callbackMinutesOf(state: EmergencyState | undefined): number {
  return state?.callbackMinutes ?? DEFAULT_CALLBACK_MINUTES;
}

/** What is wrong with a callback window in minutes, or `undefined`. */
export function checkCallbackMinutes(value: number): string | undefined {
  return Number.isInteger(value) && value >= 0 && value <= MAX_CALLBACK_MINUTES
    ? undefined
    : `whole minutes from 0 (off) to ${MAX_CALLBACK_MINUTES}`;
}

const ageMs = (call: EmergencyCall, nowMs: number): number => nowMs - Date.parse(call.at);

/** The calls to show as an ALERT at `now`: made within the last {@link ALERT_MINUTES}, oldest first. */
export function emergencyAlerts(state: EmergencyState | undefined, now: string): EmergencyCall[] {
  const nowMs = Date.parse(now);
  // A call stamped after `now` (a clock set back) still shows: an alert errs on the side of telling.
  return (state?.active ?? []).filter((call) => ageMs(call, nowMs) < ALERT_MINUTES * MINUTE_MS);
}

/** The calls whose callback window is open at `nowMs`. */
export function openCallbackWindows(state: EmergencyState | undefined, nowMs: number): EmergencyCall[] {
  const windowMs = callbackMinutesOf(state) * MINUTE_MS;
  return (state?.active ?? []).filter((call) => call.phone !== undefined && ageMs(call, nowMs) < windowMs);
}

/** Whether `phone` made an emergency call whose callback window is open: its policy logouts wait. */
export function inCallbackWindow(state: EmergencyState | undefined, phone: string, nowMs: number): boolean {
  return openCallbackWindows(state, nowMs).some((call) => call.phone === phone);
}

const digitsOf = (number: string): string => number.replace(/\D/g, '');

/**
 * Whether a number the trunk calls is the desk's callback number: the same
 * digits, or one of the two the end of the other with at least 7 digits
 * (trunks deliver `+15551234567`, `15551234567`, `5551234567` or
 * `0015551234567` for the same number).
 */
export function sameCallbackNumber(dialled: string, callback: string): boolean {
  const a = digitsOf(dialled);
  const b = digitsOf(callback);
  if (a === '' || b === '') return false;
  if (a === b) return true;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return short.length >= 7 && long.endsWith(short);
}

/**
 * The desk phones a call from the trunk to `dialled` must ring at `nowMs`:
 * those whose emergency call's callback window is open and whose callback
 * number (ELIN) or user's extension was dialled. Newest call first, each
 * phone once.
 */
export function callbackDesks(state: EmergencyState | undefined, dialled: string, nowMs: number): string[] {
  const desks: string[] = [];
  for (const call of openCallbackWindows(state, nowMs).reverse()) {
    const matches =
      (call.callback !== undefined && sameCallbackNumber(dialled, call.callback)) ||
      (call.extension !== undefined && call.extension === dialled);
    if (matches && call.phone !== undefined && !desks.includes(call.phone)) desks.push(call.phone);
  }
  return desks;
}

/** The block with `call` added and the calls past both windows (at `call.at`) dropped. */
export function recordEmergencyCall(state: EmergencyState | undefined, call: EmergencyCall): EmergencyState {
  const keepMs = Math.max(ALERT_MINUTES, callbackMinutesOf(state)) * MINUTE_MS;
  const nowMs = Date.parse(call.at);
  const kept = (state?.active ?? []).filter((earlier) => ageMs(earlier, nowMs) < keepMs);
  return { ...state, active: [...kept, call] };
}

/** A phone's desk location (building, floor, room) and callback number (ELIN), as stored. */
export function phoneEmergencyFields(phone: Pick<Phone, 'location' | 'emergencyCallback'> | undefined): {
  desk: DeskLocation;
  callback?: string;
} {
  const desk: DeskLocation = {};
  for (const field of DESK_FIELDS) {
    const value = phone?.location?.[field];
    if (value !== undefined && value !== '') desk[field] = value;
  }
  const callback = phone?.emergencyCallback;
  return { desk, ...(callback ? { callback } : {}) };
}

/** The desk in words: `building A, floor 2, room 214` (`''` when the phone has no location). */
export function deskLocationText(phone: Pick<Phone, 'location'> | undefined): string {
  return describeDesk(phoneEmergencyFields(phone).desk);
}

/**
 * `emergency call from desk HD0003, building A, floor 2, room 214, by Ada Lovelace, extension 101, to 112`:
 * the words the notification speaks (the name aside), status shows and the audit keeps.
 */
export function describeEmergencyCall(call: EmergencyCall): string {
  const from = call.phone !== undefined ? `desk ${call.phone}` : `extension ${call.account}`;
  const parts = [`emergency call from ${from}`];
  if (call.location) parts.push(call.location);
  if (call.phone !== undefined && call.extension !== undefined)
    parts.push(call.user ? `by ${call.user}, extension ${call.extension}` : `by extension ${call.extension}`);
  else if (call.phone === undefined && call.user) parts.push(`by ${call.user}`);
  parts.push(`to ${call.number}`);
  return parts.join(', ');
}

/**
 * The one fixed line monitoring greps for: `EMERGENCY call from HD0003 ext 101 to 112`
 * (`ext -` from an idle phone). Names and places stay out of it; the audit has them.
 */
export function emergencyLogLine(call: EmergencyCall): string {
  return `EMERGENCY call from ${call.phone ?? call.account} ext ${call.extension ?? '-'} to ${call.number}`;
}

/**
 * Collecting a PIN from DTMF keys in the login IVR: digits build the PIN, `#`
 * ends it, `*` starts over, and a pause of {@link PIN_INTER_DIGIT_TIMEOUT_MS}
 * gives up. Whether the PIN is right is not decided here (core PIN policy).
 *
 * Time is passed in; the state carries the deadline so the caller can arm a
 * timer for it and then call {@link checkPinEntryTimeout}. The state holds
 * the digits typed so far: never log it.
 */
import type { DtmfDigit } from './dtmf-digit.js';

/** Longest PIN a user may type (the core PIN policy allows at most 12 digits). */
export const PIN_MAX_LENGTH = 12;
/** Pause after the last key (or after the start) that ends the entry. */
export const PIN_INTER_DIGIT_TIMEOUT_MS = 5000;

export interface PinEntryOptions {
  maxLength?: number;
  interDigitTimeoutMs?: number;
}

/**
 * The collector:
 *
 * ```
 *                 0–9 (≤ maxLength digits), A–D, '#' with no digits yet
 *                 ┌──────┐   (deadline re-armed)
 *   createPinEntry ▼      │
 *   ───────────► collecting ──'*'──► collecting, digits cleared   → restarted
 *                    │
 *                    ├── '#' after ≥ 1 digit ──────────────────► done → complete { pin }
 *                    ├── digit number maxLength + 1 ───────────► done → too-long
 *                    └── now ≥ deadlineMs (key or check) ──────► done → timeout
 *   done ── anything ──► done → finished
 * ```
 */
export type PinEntryState =
  | {
      readonly kind: 'collecting';
      /** Digits so far (0–9 only). */
      readonly digits: string;
      /** When the entry times out unless a key comes first. */
      readonly deadlineMs: number;
      readonly maxLength: number;
      readonly interDigitTimeoutMs: number;
    }
  | { readonly kind: 'done' };

/**
 * What a key or a timeout check led to:
 * - `collecting`: keep going (a digit was added, or the key was ignored);
 * - `restarted`: `*` cleared the digits (replay the prompt);
 * - `complete`: `#` ended the PIN, check it;
 * - `too-long`: more than maxLength digits; treat it as a wrong PIN (it
 *   counts as a failed attempt like any other, so no lockout is bypassed);
 * - `timeout`: no key for the inter-digit timeout;
 * - `finished`: the entry was already over, nothing changed.
 */
export type PinEntryOutcome =
  | { kind: 'collecting' }
  | { kind: 'restarted' }
  | { kind: 'complete'; pin: string }
  | { kind: 'too-long' }
  | { kind: 'timeout' }
  | { kind: 'finished' };

export interface PinEntryResult {
  state: PinEntryState;
  outcome: PinEntryOutcome;
}

/** A new, empty entry; the inter-digit timeout runs from `nowMs` (call it when the prompt has been played). */
export function createPinEntry(nowMs: number, options: PinEntryOptions = {}): PinEntryState {
  const interDigitTimeoutMs = options.interDigitTimeoutMs ?? PIN_INTER_DIGIT_TIMEOUT_MS;
  return {
    kind: 'collecting',
    digits: '',
    deadlineMs: nowMs + interDigitTimeoutMs,
    maxLength: options.maxLength ?? PIN_MAX_LENGTH,
    interDigitTimeoutMs,
  };
}

const DONE: PinEntryState = { kind: 'done' };

/** Ends the entry with a timeout once `nowMs` reaches the deadline; otherwise nothing changes. */
export function checkPinEntryTimeout(state: PinEntryState, nowMs: number): PinEntryResult {
  if (state.kind === 'done') return { state, outcome: { kind: 'finished' } };
  if (nowMs >= state.deadlineMs) return { state: DONE, outcome: { kind: 'timeout' } };
  return { state, outcome: { kind: 'collecting' } };
}

/**
 * Takes one key pressed at `nowMs`. A key at or after the deadline is too late:
 * the entry times out and the key is dropped, whether or not the timer fired
 * first. `A`–`D`, and `#` before any digit, are ignored but re-arm the deadline.
 */
export function applyPinDigit(state: PinEntryState, digit: DtmfDigit, nowMs: number): PinEntryResult {
  const timedOut = checkPinEntryTimeout(state, nowMs);
  if (timedOut.state.kind === 'done') return timedOut;
  const current = timedOut.state;
  const deadlineMs = nowMs + current.interDigitTimeoutMs;
  if (digit === '*') return { state: { ...current, digits: '', deadlineMs }, outcome: { kind: 'restarted' } };
  if (digit === '#') {
    if (current.digits === '') return { state: { ...current, deadlineMs }, outcome: { kind: 'collecting' } };
    return { state: DONE, outcome: { kind: 'complete', pin: current.digits } };
  }
  if (!/^[0-9]$/.test(digit)) return { state: { ...current, deadlineMs }, outcome: { kind: 'collecting' } };
  if (current.digits.length >= current.maxLength) return { state: DONE, outcome: { kind: 'too-long' } };
  return { state: { ...current, digits: current.digits + digit, deadlineMs }, outcome: { kind: 'collecting' } };
}

/**
 * The login voice menu of one call, as a pure state machine: what the caller
 * does (keys, hanging up), what the media did (a prompt finished), what the
 * daemon found (PIN verdict, login or logout saved) and the clock (timer) go
 * in as events; what should happen next comes out as commands, carried out by
 * the daemon in order. Time is passed in with every event.
 *
 * ```
 *   createIvr ─┬─ login ───────────┬─► entering ◄──────────────── wrong PIN, tries left ──┐
 *              ├─ logout-everywhere┘  (enter-pin)                 (wrong-pin, enter-pin)  │
 *              │                        │ '#', too long, or a pause after some digits     │
 *              │                        ▼                                                 │
 *              │                     checking ── check-pin ────── wrong PIN ──────────────┘
 *              │                        │ right PIN                └─ last try wrong, or locked ─►
 *              │                        │                                              closing (too-many-attempts)
 *              │                        ├─ login ─► applying-login ── apply-login ─┬─ saved ───► closing (logged-in-as
 *              │                        │                                          │        + the extension's digits)
 *              │                        │                                          └─ refused ─► closing (its prompt)
 *              │                        └─ logout-everywhere ─► applying-logout-everywhere ── apply-logout-everywhere
 *              │                                                 └─ saved ─► closing (phones-logged-out
 *              │                                                                      + the count's digits)
 *              ├─ logout ─► applying-logout ── apply-logout ─┬─ saved ───► closing (logged-out)
 *              │                                             └─ refused ─► closing (the refusal's prompt)
 *              └─ refused ─────────────────────────────────────────────► closing (its prompt)
 *
 *   closing ── prompt finished ──► done, hang-up ──► ended
 *   any but ended ── caller hangs up ──► done ──► ended
 *   any but ended ── call limit ──► done, hang-up ──► ended
 *   ended ── anything ──► ended, no commands
 * ```
 *
 * In `entering`:
 * - the prompt can be interrupted: the first key during enter-pin or
 *   wrong-pin stops it (`stop-prompt`) and counts;
 * - the inter-digit timeout ({@link PIN_INTER_DIGIT_TIMEOUT_MS}) runs from
 *   the end of the prompt or from the latest key (pin-entry.ts);
 * - `*` starts over and plays enter-pin again; `#` ends the PIN;
 * - a pause with no key at all replays enter-pin once per call, the next one
 *   hangs up; a pause after some digits submits them as the PIN (the caller
 *   forgot `#`) — it counts as a try like any other;
 * - a PIN longer than the PIN policy allows is submitted too, so that the
 *   check records the failed try (no lockout is bypassed).
 *
 * Keys outside `entering` are ignored: nothing typed after the PIN was
 * submitted counts, and the closing prompts cannot be interrupted.
 *
 * Timers: there is one per call. Each `arm-timer` replaces the one armed
 * before; its deadline is the nearer of the inter-digit deadline and the call
 * limit. A `timer` event that comes early, late or twice is harmless.
 *
 * Prompts: `prompt-finished` is sent only for a prompt that played to its end;
 * a prompt stopped by `stop-prompt` sends nothing. The machine always stops a
 * prompt before it plays another.
 *
 * The PIN: the digits typed are kept in the state (never log the state) and
 * leave the machine only in the `check-pin` command.
 *
 * Logout everywhere asks for the PIN of the extension dialled exactly as a
 * login does (same tries, same checks); only what a right PIN leads to differs.
 * The count said is the number of phones released, zero included.
 *
 * Outcomes (`done`, for the log and the audit):
 * - `logged-in`, `logged-out`, `logged-out-everywhere`: the change was saved and confirmed;
 * - `refused`: a refusal was spoken (from the start, or the login was refused);
 * - `too-many-attempts`: the last allowed PIN was wrong; `locked`: the
 *   extension or phone is locked out (said by the PIN check);
 * - `timeout`: nothing usable was typed before the pauses ran out or the call
 *   limit came; `wrong-pin`: the same, after at least one wrong PIN;
 * - `caller-hung-up`: the caller hung up before the end.
 * Once the closing prompt plays, the outcome is settled: hanging up during it
 * or reaching the call limit does not change it. A check, login or logout the
 * daemon is already carrying out when the call ends goes ahead; its answer,
 * arriving after `done`, changes nothing here.
 */
import type { DtmfDigit } from './dtmf-digit.js';
import {
  applyPinDigit,
  checkPinEntryTimeout,
  createPinEntry,
  PIN_INTER_DIGIT_TIMEOUT_MS,
  PIN_MAX_LENGTH,
  type PinEntryState,
} from './pin-entry.js';
import { spokenDigits, type PromptName } from './prompt-names.js';

/** PIN tries in one call. */
export const IVR_MAX_ATTEMPTS = 3;
/** The longest a login call lasts, whatever happens in it. */
export const IVR_CALL_LIMIT_MS = 60_000;

export interface IvrOptions {
  maxAttempts?: number;
  callLimitMs?: number;
  interDigitTimeoutMs?: number;
  maxPinLength?: number;
}

/** What the call is for, decided by the daemon when it answers. */
export type IvrStart =
  | { flow: 'login'; extension: string }
  | { flow: 'logout' }
  /** Log `extension` out of every hot-desk phone once its PIN is right. */
  | { flow: 'logout-everywhere'; extension: string }
  /** Say why not, then hang up. */
  | { flow: 'refused'; prompt: PromptName };

export type IvrEvent =
  | { kind: 'digit'; digit: DtmfDigit; nowMs: number }
  /** The prompt last played reached its end (not sent for a stopped prompt). */
  | { kind: 'prompt-finished'; nowMs: number }
  /** The armed timer fired. */
  | { kind: 'timer'; nowMs: number }
  | { kind: 'pin-checked'; ok: true; nowMs: number }
  /** `locked`: the extension or the phone is locked out now (this try included). */
  | { kind: 'pin-checked'; ok: false; locked?: boolean; nowMs: number }
  | { kind: 'login-applied'; ok: true; nowMs: number }
  /** The login was refused; `prompt` says why to the caller. */
  | { kind: 'login-applied'; ok: false; prompt: PromptName; nowMs: number }
  | { kind: 'logout-applied'; ok?: true; nowMs: number }
  /** The logout was refused (a pinned phone); `prompt` says why. */
  | { kind: 'logout-applied'; ok: false; prompt: PromptName; nowMs: number }
  /** The extension was logged out everywhere: `released` phones (0 or more). */
  | { kind: 'logout-everywhere-applied'; released: number; nowMs: number }
  /** The caller ended the call (BYE, CANCEL). */
  | { kind: 'hangup'; nowMs: number };

export type IvrOutcome =
  | 'logged-in'
  | 'wrong-pin'
  | 'too-many-attempts'
  | 'locked'
  | 'timeout'
  | 'caller-hung-up'
  | 'logged-out'
  | 'logged-out-everywhere'
  | 'refused';

export type IvrCommand =
  /** Play these prompts one after the other; answer with `prompt-finished` when they have played. */
  | { kind: 'play'; prompts: PromptName[] }
  /** Stop the prompt playing now (no `prompt-finished` for it). */
  | { kind: 'stop-prompt' }
  /** Send a `timer` event at `deadlineMs`, replacing any timer armed before. */
  | { kind: 'arm-timer'; deadlineMs: number }
  /**
   * Check this PIN for the extension; answer with `pin-checked`. The only command that carries the PIN: never
   * log it.
   */
  | { kind: 'check-pin'; extension: string; pin: string }
  /** Log the extension in on the calling phone; answer with `login-applied`. */
  | { kind: 'apply-login'; extension: string }
  /** Log the calling phone out; answer with `logout-applied`. */
  | { kind: 'apply-logout' }
  /** Log the extension out of every hot-desk phone; answer with `logout-everywhere-applied`. */
  | { kind: 'apply-logout-everywhere'; extension: string }
  /** End the call from our side (BYE). */
  | { kind: 'hang-up' }
  /** The call's result, once, before any `hang-up`; nothing follows but that `hang-up`. */
  | { kind: 'done'; outcome: IvrOutcome; failedAttempts: number };

interface IvrSettings {
  readonly maxAttempts: number;
  readonly interDigitTimeoutMs: number;
  readonly maxPinLength: number;
}

/** What every phase of a live call carries. */
interface IvrCall {
  /** The extension whose PIN is asked for (logging in, or out everywhere); '' for the other flows. */
  readonly extension: string;
  /** What a right PIN leads to. */
  readonly onPin: 'login' | 'logout-everywhere';
  readonly callDeadlineMs: number;
  /** The deadline of the timer armed last, if any. */
  readonly timerMs: number | undefined;
  /** A prompt was started and has neither finished nor been stopped. */
  readonly playing: boolean;
  readonly failedAttempts: number;
  /** Enter-pin was already replayed after a silent pause (once per call). */
  readonly replayed: boolean;
  readonly settings: IvrSettings;
}

/**
 * The phases in the diagram of the module comment. In `entering`, `entry` is
 * undefined while the prompt plays and no key came yet (the inter-digit
 * timeout does not run during a prompt); it holds the digits typed so far.
 */
export type IvrState =
  | (IvrCall & { readonly phase: 'entering'; readonly entry: PinEntryState | undefined })
  | (IvrCall & { readonly phase: 'checking' })
  | (IvrCall & { readonly phase: 'applying-login' })
  | (IvrCall & { readonly phase: 'applying-logout' })
  | (IvrCall & { readonly phase: 'applying-logout-everywhere' })
  | (IvrCall & { readonly phase: 'closing'; readonly outcome: IvrOutcome })
  | { readonly phase: 'ended'; readonly outcome: IvrOutcome; readonly failedAttempts: number };

export interface IvrStep {
  state: IvrState;
  commands: IvrCommand[];
}

type LiveState = Exclude<IvrState, { phase: 'ended' }>;

/** The timer a live state needs: the inter-digit deadline while a PIN is being typed, and always the call limit. */
function deadlineOf(state: LiveState): number {
  if (state.phase === 'entering' && state.entry?.kind === 'collecting')
    return Math.min(state.entry.deadlineMs, state.callDeadlineMs);
  return state.callDeadlineMs;
}

/** Completes a step that leaves the call live: arms the timer when its deadline moved. */
function live(state: LiveState, commands: IvrCommand[]): IvrStep {
  const deadlineMs = deadlineOf(state);
  if (deadlineMs === state.timerMs) return { state, commands };
  return { state: { ...state, timerMs: deadlineMs }, commands: [...commands, { kind: 'arm-timer', deadlineMs }] };
}

/** The fields every live phase shares, without the phase's own (so no PIN digits are carried along). */
function callOf(state: LiveState): IvrCall {
  const { extension, onPin, callDeadlineMs, timerMs, playing, failedAttempts, replayed, settings } = state;
  return { extension, onPin, callDeadlineMs, timerMs, playing, failedAttempts, replayed, settings };
}

/** Stops the prompt if one plays; returns the commands so far. */
function stopping(state: LiveState): IvrCommand[] {
  return state.playing ? [{ kind: 'stop-prompt' }] : [];
}

/** Ends the call: `done`, then `hang-up` unless the caller already hung up. */
function end(state: LiveState, outcome: IvrOutcome, commands: IvrCommand[], hangUp: boolean): IvrStep {
  const failedAttempts = state.failedAttempts;
  const done: IvrCommand = { kind: 'done', outcome, failedAttempts };
  return {
    state: { phase: 'ended', outcome, failedAttempts },
    commands: [...commands, done, ...(hangUp ? [{ kind: 'hang-up' } as const] : [])],
  };
}

/** Plays the closing prompts (or, with none, ends at once). */
function close(
  state: LiveState,
  prompts: PromptName[],
  outcome: IvrOutcome,
  commands: IvrCommand[],
  failedAttempts = state.failedAttempts,
): IvrStep {
  const next: LiveState = { ...callOf(state), phase: 'closing', outcome, failedAttempts, playing: prompts.length > 0 };
  if (prompts.length === 0) return end(next, outcome, commands, true);
  return live(next, [...commands, { kind: 'play', prompts }]);
}

/** Asks for the PIN (again): the prompt plays, and the entry starts with its end or the first key. */
function askForPin(
  state: LiveState,
  prompts: PromptName[],
  commands: IvrCommand[],
  changes: Partial<IvrCall> = {},
): IvrStep {
  return live({ ...callOf(state), ...changes, phase: 'entering', entry: undefined, playing: true }, [
    ...commands,
    { kind: 'play', prompts },
  ]);
}

/** The PIN is typed: check it. */
function submit(state: LiveState, pin: string, commands: IvrCommand[]): IvrStep {
  return live({ ...callOf(state), phase: 'checking', playing: false }, [
    ...commands,
    { kind: 'check-pin', extension: state.extension, pin },
  ]);
}

/** How a call that ran out of time ends, by what was tried. */
const timedOut = (state: LiveState): IvrOutcome =>
  state.phase === 'closing' ? state.outcome : state.failedAttempts > 0 ? 'wrong-pin' : 'timeout';

/** The inter-digit pause ran out, with `digits` typed since the prompt (see the module comment). */
function pause(state: LiveState, digits: string, commands: IvrCommand[]): IvrStep {
  if (digits !== '') return submit(state, digits, commands);
  if (!state.replayed) return askForPin(state, ['enter-pin'], commands, { replayed: true });
  return end(state, timedOut(state), commands, true);
}

const digitsOf = (entry: PinEntryState | undefined): string => (entry?.kind === 'collecting' ? entry.digits : '');

const newEntry = (settings: IvrSettings, nowMs: number): PinEntryState =>
  createPinEntry(nowMs, { interDigitTimeoutMs: settings.interDigitTimeoutMs, maxLength: settings.maxPinLength });

function onDigit(state: LiveState & { phase: 'entering' }, digit: DtmfDigit, nowMs: number): IvrStep {
  const commands = stopping(state);
  const current: LiveState & { phase: 'entering' } = { ...state, playing: false };
  const entry = state.entry ?? newEntry(state.settings, nowMs);
  const before = digitsOf(entry);
  const result = applyPinDigit(entry, digit, nowMs);
  switch (result.outcome.kind) {
    case 'collecting':
      return live({ ...current, entry: result.state }, commands);
    case 'restarted':
      return askForPin(current, ['enter-pin'], commands);
    case 'complete':
      return submit(current, result.outcome.pin, commands);
    case 'too-long':
      return submit(current, before + digit, commands);
    case 'timeout':
      return pause(current, before, commands);
    case 'finished':
      return live(current, commands);
  }
}

function onPinChecked(state: LiveState, event: Extract<IvrEvent, { kind: 'pin-checked' }>): IvrStep {
  if (event.ok) {
    return state.onPin === 'login'
      ? live({ ...callOf(state), phase: 'applying-login' }, [{ kind: 'apply-login', extension: state.extension }])
      : live({ ...callOf(state), phase: 'applying-logout-everywhere' }, [
          { kind: 'apply-logout-everywhere', extension: state.extension },
        ]);
  }
  const failedAttempts = state.failedAttempts + 1;
  if (event.locked) return close(state, ['too-many-attempts'], 'locked', [], failedAttempts);
  if (failedAttempts >= state.settings.maxAttempts)
    return close(state, ['too-many-attempts'], 'too-many-attempts', [], failedAttempts);
  return askForPin(state, ['wrong-pin', 'enter-pin'], [], { failedAttempts });
}

/** Answers the call: the first state and the first commands. */
export function createIvr(start: IvrStart, nowMs: number, options: IvrOptions = {}): IvrStep {
  const call: IvrCall = {
    extension: start.flow === 'login' || start.flow === 'logout-everywhere' ? start.extension : '',
    onPin: start.flow === 'logout-everywhere' ? 'logout-everywhere' : 'login',
    callDeadlineMs: nowMs + (options.callLimitMs ?? IVR_CALL_LIMIT_MS),
    timerMs: undefined,
    playing: false,
    failedAttempts: 0,
    replayed: false,
    settings: {
      maxAttempts: options.maxAttempts ?? IVR_MAX_ATTEMPTS,
      interDigitTimeoutMs: options.interDigitTimeoutMs ?? PIN_INTER_DIGIT_TIMEOUT_MS,
      maxPinLength: options.maxPinLength ?? PIN_MAX_LENGTH,
    },
  };
  switch (start.flow) {
    case 'login':
    case 'logout-everywhere':
      return askForPin({ ...call, phase: 'entering', entry: undefined }, ['enter-pin'], []);
    case 'logout':
      return live({ ...call, phase: 'applying-logout' }, [{ kind: 'apply-logout' }]);
    case 'refused':
      return close({ ...call, phase: 'closing', outcome: 'refused' }, [start.prompt], 'refused', []);
  }
}

/** Takes one event; see the module comment for what each does in each phase. */
export function stepIvr(state: IvrState, event: IvrEvent): IvrStep {
  if (state.phase === 'ended') return { state, commands: [] };
  switch (event.kind) {
    case 'hangup':
      return end(state, state.phase === 'closing' ? state.outcome : 'caller-hung-up', stopping(state), false);

    case 'timer': {
      if (event.nowMs >= state.callDeadlineMs) return end(state, timedOut(state), stopping(state), true);
      if (state.phase === 'entering' && state.entry) {
        const checked = checkPinEntryTimeout(state.entry, event.nowMs);
        if (checked.outcome.kind === 'timeout') return pause(state, digitsOf(state.entry), []);
      }
      // Early or repeated: arm again for what is still ahead.
      return live({ ...state, timerMs: undefined }, []);
    }

    case 'digit':
      return state.phase === 'entering' ? onDigit(state, event.digit, event.nowMs) : { state, commands: [] };

    case 'prompt-finished': {
      if (!state.playing) return { state, commands: [] };
      const finished = { ...state, playing: false };
      if (finished.phase === 'closing') return end(finished, finished.outcome, [], true);
      if (finished.phase === 'entering' && !finished.entry)
        return live({ ...finished, entry: newEntry(state.settings, event.nowMs) }, []);
      return live(finished, []);
    }

    case 'pin-checked':
      return state.phase === 'checking' ? onPinChecked(state, event) : { state, commands: [] };

    case 'login-applied':
      if (state.phase !== 'applying-login') return { state, commands: [] };
      if (event.ok) return close(state, ['logged-in-as', ...spokenDigits(state.extension)], 'logged-in', []);
      return close(state, [event.prompt], 'refused', []);

    case 'logout-applied':
      if (state.phase !== 'applying-logout') return { state, commands: [] };
      if (event.ok === false) return close(state, [event.prompt], 'refused', []);
      return close(state, ['logged-out'], 'logged-out', []);

    case 'logout-everywhere-applied':
      if (state.phase !== 'applying-logout-everywhere') return { state, commands: [] };
      return close(
        state,
        ['phones-logged-out', ...spokenDigits(String(Math.max(0, Math.trunc(event.released))))],
        'logged-out-everywhere',
        [],
      );
  }
}

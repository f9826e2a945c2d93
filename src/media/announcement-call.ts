/**
 * A call that only speaks (the emergency notification): hotdeskd calls a
 * phone, and once it answers plays the announcement `times` times, then
 * hangs up. Keys are ignored. The SIP side is the warning call's
 * (daemon/ivr/warning-calls.ts); this is its little state machine.
 *
 * ```
 * ringing ──answered──▶ playing ──prompt-finished (times left)──▶ playing
 *    │                     └──prompt-finished (last)──▶ done (heard)
 *    └──not-answered──▶ done (not-answered)     (hang-up while playing: done (hung-up))
 * ```
 */
import type { PromptName } from './prompt-names.js';
import type { WarningCallEvent } from './warning-call.js';

export type AnnouncementOutcome = 'heard' | 'hung-up' | 'not-answered';

export type AnnouncementState =
  | { phase: 'ringing' }
  /** `left`: how many more times the announcement is played after this one. */
  | { phase: 'playing'; left: number }
  | { phase: 'done'; outcome: AnnouncementOutcome };

export type AnnouncementCommand =
  { kind: 'play'; prompts: Spoken[] } | { kind: 'hang-up' } | { kind: 'done'; outcome: AnnouncementOutcome };

/** A piece of an announcement: a prompt, or audio made for this call (16-bit PCM at 8 kHz, e.g. a name). */
export type Spoken = PromptName | Int16Array;

export interface AnnouncementOptions {
  prompts: Spoken[];
  /** How many times it is said (at least once). */
  times: number;
}

export function createAnnouncementCall(): AnnouncementState {
  return { phase: 'ringing' };
}

export function stepAnnouncementCall(
  state: AnnouncementState,
  event: WarningCallEvent,
  options: AnnouncementOptions,
): { state: AnnouncementState; commands: AnnouncementCommand[] } {
  const finish = (outcome: AnnouncementOutcome, hangUp: boolean) => ({
    state: { phase: 'done', outcome } as const,
    commands: [...(hangUp ? [{ kind: 'hang-up' } as const] : []), { kind: 'done', outcome } as const],
  });
  switch (state.phase) {
    case 'done':
      return { state, commands: [] };
    case 'ringing':
      if (event.kind === 'answered')
        return {
          state: { phase: 'playing', left: Math.max(1, options.times) - 1 },
          commands: [{ kind: 'play', prompts: options.prompts }],
        };
      if (event.kind === 'not-answered' || event.kind === 'hangup') return finish('not-answered', false);
      return { state, commands: [] };
    case 'playing':
      if (event.kind === 'hangup') return finish('hung-up', false);
      if (event.kind !== 'prompt-finished') return { state, commands: [] };
      if (state.left > 0)
        return {
          state: { phase: 'playing', left: state.left - 1 },
          commands: [{ kind: 'play', prompts: options.prompts }],
        };
      return finish('heard', true);
  }
}

/**
 * The commands the login voice menu and the warning call share (play a
 * prompt, stop it, arm the one timer of a call), carried out the same way for
 * both: a prompt that plays to its end and a timer that fires come back to the
 * call's machine as events.
 */
import type { PromptName } from '../../media/prompt-names.js';
import type { MediaSession } from './media-session.js';

export type PromptCommand =
  | { kind: 'play'; prompts: (PromptName | Int16Array)[] }
  | { kind: 'stop-prompt' }
  | { kind: 'arm-timer'; deadlineMs: number };
export type PromptEvent = { kind: 'prompt-finished'; nowMs: number } | { kind: 'timer'; nowMs: number };

/** A call's media and its timer. */
export interface PromptTarget {
  media: MediaSession | undefined;
  timer: NodeJS.Timeout | undefined;
}

export function runPromptCommand(
  target: PromptTarget,
  command: PromptCommand,
  feed: (event: PromptEvent) => void,
  now: () => number,
): void {
  switch (command.kind) {
    case 'play':
      void target.media?.play(command.prompts).then((result) => {
        if (result === 'finished') feed({ kind: 'prompt-finished', nowMs: now() });
      });
      return;
    case 'stop-prompt':
      target.media?.stopPrompt();
      return;
    case 'arm-timer':
      clearTimeout(target.timer);
      target.timer = setTimeout(() => feed({ kind: 'timer', nowMs: now() }), Math.max(0, command.deadlineMs - now()));
      return;
  }
}

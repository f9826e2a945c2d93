/**
 * The spoken prompts of the login IVR, by name. The audio for each name lives
 * in data/prompts/<language>/<name>.wav; this list is the contract between
 * the IVR (which decides what to say) and the prompt files (what it sounds like).
 */
export const PROMPT_NAMES = [
  'enter-pin',
  'logged-in-as',
  'wrong-pin',
  'too-many-attempts',
  'hotdesk-not-allowed',
  'logged-out',
  'log-in-first',
  'logout-warning',
  'logout-warning-soon',
  /** Logout everywhere: said before the number of phones released, digit by digit. */
  'phones-logged-out',
  /** A login or logout refused on a phone pinned to its user. */
  'phone-pinned',
  'digit-0',
  'digit-1',
  'digit-2',
  'digit-3',
  'digit-4',
  'digit-5',
  'digit-6',
  'digit-7',
  'digit-8',
  'digit-9',
  /**
   * The emergency notification (#17), said in pieces: "emergency call" "from desk" H D 0 0 0 3
   * "building" A "floor" 2 "room" 2 1 4 "by extension" 1 0 1 (media/emergency-announcement.ts).
   */
  'emergency-call',
  'emergency-from-desk',
  'emergency-building',
  'emergency-floor',
  'emergency-room',
  'emergency-by-extension',
  /** Letters, for names and places spelled out (`letter-a` says "A"). */
  'letter-a',
  'letter-b',
  'letter-c',
  'letter-d',
  'letter-e',
  'letter-f',
  'letter-g',
  'letter-h',
  'letter-i',
  'letter-j',
  'letter-k',
  'letter-l',
  'letter-m',
  'letter-n',
  'letter-o',
  'letter-p',
  'letter-q',
  'letter-r',
  'letter-s',
  'letter-t',
  'letter-u',
  'letter-v',
  'letter-w',
  'letter-x',
  'letter-y',
  'letter-z',
] as const;

export type PromptName = (typeof PROMPT_NAMES)[number];

/** `"100"` → the prompts that say "one zero zero", digit by digit (as phones speak extensions). */
export function spokenDigits(digits: string): PromptName[] {
  return [...digits].filter((char) => char >= '0' && char <= '9').map((char) => `digit-${char}` as PromptName);
}

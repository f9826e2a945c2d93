/**
 * The programmable-key layout a user gets on a phone model: Logout first, then
 * the BLF list with empty positions dropped; what does not fit is reported.
 */

export type Key = { kind: 'logout'; code: string; label: string } | { kind: 'blf'; target: string; label: string };

export interface KeyLayout {
  /** Keys in slot order; slot 1 is `keys[0]`. */
  keys: Key[];
  /** How many slots remain and must be written as unused. */
  unused: number;
  /** BLF keys that did not fit the model, in list order. */
  overflow: Extract<Key, { kind: 'blf' }>[];
}

export interface KeyLayoutInput {
  /** Ordered BLF targets, `null` for an empty position; `[]` for an idle phone. */
  blf: readonly (string | null)[];
  keyCount: number;
  logoutCode: string;
  /** Display name of an extension, for key labels; falls back to the number. */
  nameOf: (extension: string) => string | undefined;
}

export function buildKeyLayout(input: KeyLayoutInput): KeyLayout {
  const logout: Key = { kind: 'logout', code: input.logoutCode, label: 'Logout' };
  const blfKeys = input.blf
    .filter((target): target is string => target !== null && target !== '')
    .map((target): Extract<Key, { kind: 'blf' }> => ({
      kind: 'blf',
      target,
      label: input.nameOf(target) ?? target,
    }));
  const slots = Math.max(0, input.keyCount);
  const all: Key[] = [logout, ...blfKeys];
  const keys = all.slice(0, slots);
  const overflow = blfKeys.slice(Math.max(0, slots - 1));
  return { keys, unused: slots - keys.length, overflow };
}

/** Syntax rules for extension numbers, display names, SIP passwords and languages. */
import { LANGUAGES, type Language } from './model.js';

export function checkExtensionNumber(value: string): string | undefined {
  if (!/^\d{2,8}$/.test(value)) return 'extensions are 2 to 8 digits';
  return undefined;
}

export function checkDisplayName(value: string): string | undefined {
  const name = value.trim();
  if (name.length === 0) return 'a name may not be empty';
  if (name.length > 40) return 'a name has at most 40 characters';
  if (/["<>\\\u0000-\u001f\u007f]/.test(name))
    return 'a name may not contain quotes, angle brackets, backslashes or control characters';
  return undefined;
}

export function checkSipPassword(value: string): string | undefined {
  if (value.length < 8) return 'a SIP password needs at least 8 characters';
  if (value.length > 64) return 'a SIP password has at most 64 characters';
  if (!/^[\x21-\x7e]+$/.test(value)) return 'a SIP password uses printable ASCII without spaces';
  return undefined;
}

export function parseLanguage(value: string): Language | undefined {
  return (LANGUAGES as readonly string[]).includes(value) ? (value as Language) : undefined;
}

export function checkEmergencyNumber(value: string): string | undefined {
  if (!/^\d{2,6}$/.test(value)) return 'emergency numbers are 2 to 6 digits';
  return undefined;
}

/**
 * A verdict on a new extension number among the office's others: a leading zero only where the
 * office allows it, and never a number equal to another but for leading zeros (`0101` beside `101`).
 */
export function checkExtensionAmong(
  value: string,
  others: readonly string[],
  allowLeadingZero: boolean,
): string | undefined {
  if (!allowLeadingZero && value.startsWith('0')) {
    return 'extensions do not start with 0 here (hotdesk settings set leading-zero yes allows it)';
  }
  const bare = value.replace(/^0+/, '');
  const twin = others.find((other) => other !== value && other.replace(/^0+/, '') === bare);
  if (twin !== undefined) return `${value} and ${twin} differ only by leading zeros`;
  return undefined;
}

/** Hot-desk PIN rules: what makes a PIN too easy to guess. */

const MIN_LENGTH = 4;
const MAX_LENGTH = 12;

function isRun(pin: string, step: 1 | -1): boolean {
  for (let i = 1; i < pin.length; i++) {
    const previous = Number(pin[i - 1]);
    const current = Number(pin[i]);
    if ((previous + step + 10) % 10 !== current) return false;
  }
  return true;
}

/**
 * A verdict on a PIN for an extension: `undefined` when acceptable, otherwise
 * what is wrong with it (without repeating the PIN).
 */
export function checkPin(pin: string, extension: string): string | undefined {
  if (!/^\d+$/.test(pin)) return 'a PIN is made of digits only';
  if (pin.length < MIN_LENGTH) return `a PIN needs at least ${MIN_LENGTH} digits`;
  if (pin.length > MAX_LENGTH) return `a PIN has at most ${MAX_LENGTH} digits`;
  if (/^(\d)\1*$/.test(pin)) return 'a PIN may not repeat one digit';
  if (isRun(pin, 1)) return 'a PIN may not be an ascending run of digits';
  if (isRun(pin, -1)) return 'a PIN may not be a descending run of digits';
  if (pin === extension) return 'a PIN may not equal the extension number';
  return undefined;
}

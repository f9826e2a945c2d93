/**
 * Kari's Law (47 U.S.C. §623) asks a multi-line telephone system to let users dial the emergency
 * number directly, without a prefix, and to tell someone on site when they do. These checks read
 * the office's dial plan for what would stand in the way: no emergency number, a number stored only
 * with an outside-line prefix (`9911`), an extension that takes the number's digits first, and no
 * one to notify. (Dial codes start with * or #, so they never take an emergency number's digits.)
 */

/** Emergency numbers in use somewhere in the world (ITU-T E.161.1 112, North America 911, and others). */
export const WELL_KNOWN_EMERGENCY_NUMBERS = [
  '112',
  '911',
  '999',
  '000',
  '110',
  '118',
  '119',
  '100',
  '101',
  '102',
  '108',
  '111',
  '995',
];

/** Digits offices put in front of outside numbers on older PBXs. */
const OUTSIDE_LINE_PREFIXES = ['9', '0', '8'];

export interface EmergencyDiallingInput {
  emergencyNumbers: readonly string[];
  extensions: readonly string[];
  /** Extensions called when an emergency number is dialled. */
  notify: readonly string[];
}

export interface EmergencyDiallingFinding {
  level: 'problem' | 'warning';
  message: string;
  fix: string;
}

export function checkEmergencyDialling(input: EmergencyDiallingInput): EmergencyDiallingFinding[] {
  const findings: EmergencyDiallingFinding[] = [];
  const numbers = new Set(input.emergencyNumbers);
  if (numbers.size === 0) {
    findings.push({
      level: 'problem',
      message: 'no emergency number is set: nobody can dial one from a hot-desk phone',
      fix: 'hotdesk emergency add 112 (and the numbers of your country, e.g. 911)',
    });
  }
  for (const number of numbers) {
    const prefix = OUTSIDE_LINE_PREFIXES.find(
      (candidate) =>
        number.startsWith(candidate) && WELL_KNOWN_EMERGENCY_NUMBERS.includes(number.slice(candidate.length)),
    );
    if (prefix !== undefined && !numbers.has(number.slice(prefix.length))) {
      findings.push({
        level: 'problem',
        message:
          `emergency number ${number} needs the prefix ${prefix}: ${number.slice(prefix.length)} must ` +
          `work dialled directly (Kari's Law)`,
        fix: `hotdesk emergency add ${number.slice(prefix.length)}`,
      });
    }
  }
  for (const extension of input.extensions) {
    for (const number of numbers) {
      if (extension === number) {
        findings.push({
          level: 'problem',
          message:
            `extension ${extension} is also the emergency number ${number}: it can never be called, and ` +
            `users may expect it to ring`,
          fix: `move extension ${extension} to another number`,
        });
      } else if (number.startsWith(extension)) {
        findings.push({
          level: 'warning',
          message:
            `extension ${extension} is how emergency number ${number} starts: a phone that dials as soon ` +
            `as digits match an extension calls ${extension} instead`,
          fix: `move extension ${extension} to a number that does not start an emergency number`,
        });
      }
    }
  }
  if (input.notify.length === 0) {
    findings.push({
      level: 'warning',
      message: 'nobody on site is told when an emergency number is dialled',
      fix: 'hotdesk emergency notify add <extension of the front desk>',
    });
  }
  return findings;
}

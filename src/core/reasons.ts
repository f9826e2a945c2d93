/**
 * The closed list of expected refusals. Every edge (SIP status, IVR prompt,
 * CLI message + exit code) maps each reason in one exhaustive table, so a new
 * reason fails the build until every edge handles it.
 */
export type Reason =
  | { kind: 'invalid-mac'; value: string; detail?: string }
  | { kind: 'unknown-model'; value: string; suggestions: string[] }
  | { kind: 'duplicate-mac'; mac: string; phone: string }
  | { kind: 'unknown-phone'; value: string }
  | { kind: 'invalid-connection'; detail: string }
  | { kind: 'invalid-extension'; value: string; detail?: string }
  | { kind: 'duplicate-extension'; extension: string }
  | { kind: 'unknown-extension'; extension: string }
  | { kind: 'invalid-name'; value: string }
  | { kind: 'invalid-password'; detail: string }
  | { kind: 'weak-pin'; detail: string }
  | { kind: 'invalid-language'; value: string }
  | { kind: 'invalid-dial-code'; name: string; value: string; detail: string }
  | { kind: 'dial-code-conflict'; name: string; code: string }
  | { kind: 'reserved-dial-code'; name: string }
  | { kind: 'unknown-dial-code'; name: string }
  | { kind: 'invalid-emergency-number'; value: string }
  | { kind: 'duplicate-emergency-number'; value: string }
  | { kind: 'unknown-emergency-number'; value: string }
  | { kind: 'last-emergency-number'; value: string }
  | { kind: 'hotdesk-disabled'; extension: string }
  | { kind: 'not-logged-in'; target: string }
  | { kind: 'already-logged-in'; extension: string; phone: string }
  | { kind: 'invalid-setting'; name: string; value: string; expected: string }
  | { kind: 'invalid-trunk'; value: string; detail: string }
  | { kind: 'no-trunk'; dialled: string }
  // PIN lockout (core/pin-locks.ts)
  | { kind: 'extension-locked'; extension: string; until: string }
  | { kind: 'phone-locked'; phone: string; until: string }
  | { kind: 'pair-locked'; phone: string; extension: string; until: string }
  | { kind: 'not-locked'; target: string }
  // Call routing
  | { kind: 'idle-phone-restricted'; phone: string; dialled: string }
  | { kind: 'no-route'; dialled: string }
  | { kind: 'not-registered'; extension: string }
  | { kind: 'login-service-unavailable' }
  // A phone pinned to an extension (hotdesk phone set NAME --pinned EXT) keeps it until unpinned.
  | { kind: 'phone-pinned'; phone: string; extension: string };

export type ReasonKind = Reason['kind'];

/** Build a reason value; a small helper so call sites read as `refuse('invalid-mac', {...})`. */
export function refuse<K extends ReasonKind>(
  kind: K,
  fields: Omit<Extract<Reason, { kind: K }>, 'kind'>,
): Extract<Reason, { kind: K }> {
  return { kind, ...fields } as Extract<Reason, { kind: K }>;
}

/** A computation that either yields a value or refuses with a reason. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: Reason };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const fail = (reason: Reason): Outcome<never> => ({ ok: false, reason });

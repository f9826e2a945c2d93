/**
 * Who an emergency call says it is from, towards the trunk: the number the emergency service will
 * call back. The desk's own callback number (ELIN) when it has one, so the callback reaches the desk
 * whoever sits there; else the logged-in user's extension; else the office's main number set on the
 * trunk; else (an idle phone in an office with none of these) the phone's own account.
 */
export type EmergencyCaller =
  | { kind: 'elin'; number: string }
  | { kind: 'extension'; number: string }
  | { kind: 'main-number'; number: string }
  | { kind: 'phone-account'; account: string };

export interface EmergencyCallerInput {
  /** The hot-desk phone the call comes from, if it is one. */
  phone?: { name: string; emergencyCallback?: string; extension?: string };
  /** The authenticated account that placed the call (an extension, or a phone's own `HDxxxx`). */
  account: string;
  /** True when `account` is an extension. */
  accountIsExtension: boolean;
  mainNumber?: string;
}

export function emergencyCaller(input: EmergencyCallerInput): EmergencyCaller {
  if (input.phone?.emergencyCallback) return { kind: 'elin', number: input.phone.emergencyCallback };
  const extension = input.phone?.extension ?? (input.accountIsExtension ? input.account : undefined);
  if (extension !== undefined) return { kind: 'extension', number: extension };
  if (input.mainNumber) return { kind: 'main-number', number: input.mainNumber };
  return { kind: 'phone-account', account: input.phone?.name ?? input.account };
}

/** The user part the identity headers carry. */
export function emergencyCallerUser(caller: EmergencyCaller): string {
  return caller.kind === 'phone-account' ? caller.account : caller.number;
}

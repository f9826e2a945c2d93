/**
 * What the login voice menu does to the office, through the daemon's single
 * path for changes (the same one the control socket uses): PIN checks with
 * their lockout records, logins and logouts with their audit entries and
 * re-provisioning.
 *
 * An extension that does not exist is asked for a PIN like any other and
 * the PIN is checked against a dummy hash, so a caller cannot tell it from a
 * wrong PIN; "may not use hot desking" is said only after the right PIN.
 * The same goes for logout everywhere, whose "phone" (for the lockout counts)
 * is the hot-desk phone called from, else the account the caller
 * authenticated as (a user's own desk phone or softphone).
 *
 * A PIN try is reserved before its hash runs (store/pin-try.ts): the lock
 * check and the count of tries in flight happen in one turn, so parallel
 * calls get no more tries than the lockout allows, and a right PIN while a
 * lock holds (of the extension, the phone or their pair) is refused without
 * being checked.
 */
import type { Change } from '../../store/changes.js';
import { loginBlock, phoneLockKey } from '../../store/queries.js';
import { checkPinTry } from '../../store/pin-try.js';
import type { StoreData } from '../../store/schema.js';
import type { ControlResponse } from '../../adapters/control-socket.js';
import type { Reason } from '../../core/reasons.js';
import type { PromptName } from '../../media/prompt-names.js';
import type { IvrActions } from './login-call.js';

export interface IvrActionOptions {
  data(): StoreData;
  submit(change: Change): Promise<ControlResponse>;
  verifyPin(pin: string, hash: string): Promise<boolean>;
  /** A hash no PIN matches, checked for unknown extensions so they take as long as known ones. */
  dummyHash: string;
  callEnded(phone: string): void;
  now(): number;
}

/** The prompt for a login or logout the store refused. */
export function refusalPrompt(reason: Reason): PromptName {
  switch (reason.kind) {
    case 'hotdesk-disabled':
    case 'already-logged-in':
      return 'hotdesk-not-allowed';
    case 'phone-pinned':
      return 'phone-pinned';
    case 'extension-locked':
    case 'phone-locked':
    case 'pair-locked':
      return 'too-many-attempts';
    // Everything else sounds like a wrong PIN: a caller learns nothing about which extensions exist.
    case 'unknown-extension':
    case 'invalid-extension':
    case 'not-logged-in':
    case 'not-registered':
    case 'unknown-phone':
    case 'idle-phone-restricted':
    case 'login-service-unavailable':
    case 'no-route':
    case 'no-trunk':
    case 'not-locked':
    case 'weak-pin':
    case 'dial-code-conflict':
    case 'duplicate-emergency-number':
    case 'duplicate-extension':
    case 'duplicate-mac':
    case 'invalid-connection':
    case 'invalid-dial-code':
    case 'invalid-emergency-number':
    case 'invalid-language':
    case 'invalid-mac':
    case 'invalid-name':
    case 'invalid-password':
    case 'invalid-setting':
    case 'invalid-trunk':
    case 'last-emergency-number':
    case 'reserved-dial-code':
    case 'unknown-dial-code':
    case 'unknown-emergency-number':
    case 'unknown-model':
      return 'wrong-pin';
  }
}

/** The PIN check, with the tries in flight reserved so parallel calls cannot pass the lockout. */
function pinChecker(options: IvrActionOptions): IvrActions['checkPin'] {
  /** Tries reserved and not yet settled: by phone lock key, and by extension then phone lock key. */
  const inFlight = { phones: new Map<string, number>(), extensions: new Map<string, Map<string, number>>() };
  const bump = (map: Map<string, number>, key: string, by: number): void => {
    const next = (map.get(key) ?? 0) + by;
    if (next > 0) map.set(key, next);
    else map.delete(key);
  };
  const bumpPair = (extension: string, phone: string, by: number): void => {
    const phones = inFlight.extensions.get(extension) ?? new Map<string, number>();
    bump(phones, phone, by);
    if (phones.size > 0) inFlight.extensions.set(extension, phones);
    else inFlight.extensions.delete(extension);
  };

  return async (extension, phone, pin) => {
    const data = options.data();
    const known = data.extensions.find((ext) => ext.number === extension);
    const phoneKey = phoneLockKey(data, phone);
    // Check and reserve in one turn (no await in between): the hash below yields to other calls.
    const onExtension = inFlight.extensions.get(extension);
    const pending = {
      phone: inFlight.phones.get(phoneKey) ?? 0,
      pair: onExtension?.get(phoneKey) ?? 0,
      extensionPhones: [...(onExtension?.keys() ?? [])],
    };
    if (checkPinTry(data, extension, phone, pending, options.now()) !== 'allowed') return { ok: false, locked: true };
    bumpPair(extension, phoneKey, 1);
    bump(inFlight.phones, phoneKey, 1);
    try {
      const matches = await options.verifyPin(pin, known?.pinHash ?? options.dummyHash);
      if (known && matches) {
        // A lock set while the hash ran (an admin, this phone's tries elsewhere) still holds.
        if (loginBlock(options.data(), extension, phone, options.now())) return { ok: false, locked: true };
        await options.submit({ kind: 'pin-ok', extension, phone });
        return { ok: true };
      }
      const response = await options.submit({ kind: 'pin-failed', extension, phone });
      const locked =
        response.ok && 'result' in response && response.result.kind === 'pin-check'
          ? response.result.locked || response.result.phoneLocked || response.result.pairLocked === true
          : false;
      return { ok: false, locked };
    } finally {
      bumpPair(extension, phoneKey, -1);
      bump(inFlight.phones, phoneKey, -1);
    }
  };
}

export function createIvrActions(options: IvrActionOptions): IvrActions {
  const refusal = (response: ControlResponse): Reason | undefined =>
    !response.ok && 'reason' in response ? response.reason : undefined;

  return {
    checkPin: pinChecker(options),

    async login(extension, phone) {
      const known = options.data().extensions.find((ext) => ext.number === extension);
      if (known && !known.hotdesk) return { ok: false, prompt: 'hotdesk-not-allowed' };
      const response = await options.submit({ kind: 'login', extension, phone, actor: 'user' });
      const reason = refusal(response);
      if (reason) return { ok: false, prompt: refusalPrompt(reason) };
      if (!response.ok) throw new Error('login could not be saved');
      return { ok: true };
    },

    async logout(phone) {
      const response = await options.submit({ kind: 'logout', target: { phone }, actor: 'user' });
      const reason = refusal(response);
      // A pinned phone stays as it is; logging out an idle phone is not an error: it is logged out either way.
      if (reason?.kind === 'phone-pinned') return { ok: false, prompt: refusalPrompt(reason) };
      if (!response.ok && !reason) throw new Error('logout could not be saved');
      return { ok: true };
    },

    async logoutEverywhere(extension) {
      const response = await options.submit({ kind: 'logout', target: { extension }, actor: 'user' });
      // Not logged in anywhere, or only on phones pinned to it: nothing was released.
      if (refusal(response)) return 0;
      if (!response.ok) throw new Error('logout everywhere could not be saved');
      return 'result' in response && response.result.kind === 'sessions' ? response.result.released.length : 0;
    },

    pinnedTo(phone) {
      return options.data().phones.find((candidate) => candidate.name === phone)?.pinned;
    },

    locked(extension, phone) {
      return loginBlock(options.data(), extension, phone, options.now()) !== undefined;
    },

    language(extension) {
      const data = options.data();
      return data.extensions.find((ext) => ext.number === extension)?.language ?? data.settings.defaultLanguage;
    },

    callEnded(phone) {
      options.callEnded(phone);
    },
  };
}

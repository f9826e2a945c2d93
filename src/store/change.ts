/**
 * Every change to the office store as a value (the types only): what
 * `applyChange` (changes.ts) and its per-topic helpers (*-changes.ts) take and
 * give back. Kept apart so the helpers and changes.ts never import each other.
 */
import type { Actor, DigestName, Connection, Language, Phone, ProvisioningAuth, Trunk } from '../core/model.js';
import type { Catalogue } from '../core/catalogue.js';
import type { CivicAddress, CivicField, DeskField } from '../core/civic-location.js';
import type { LogoutTarget, MultiLoginPolicy } from '../core/sessions.js';
import type { LogoutReason } from '../core/auto-logout.js';
import type { EmergencyCall } from '../core/emergency-calls.js';
import type { StoreData } from './schema.js';

export interface CivicAddressChange {
  kind: 'set-civic-address';
  /** Fields given a value. */
  set: CivicAddress;
  /** Fields removed (every field: the address is gone). */
  cleared: CivicField[];
}

/** The location part of `set-phone`: a value sets a field, `null` clears it. */
export interface DeskLocationFields {
  location?: Partial<Record<DeskField, string | null>>;
  emergencyCallback?: string | null;
}

export type Change =
  | { kind: 'add-phone'; model: string; mac: string; connection: Connection; idlePassword: string }
  | { kind: 'remove-phone'; phone: string }
  /**
   * `pinned`: tie the phone to this extension (logging it in as it), or `null` to untie it;
   * `location`, `emergencyCallback`: where the desk is, for emergency calls (`null` clears).
   */
  | ({ kind: 'set-phone'; phone: string; pinned?: string | null } & DeskLocationFields)
  | CivicAddressChange
  | {
      kind: 'add-extension';
      number: string;
      name: string;
      sipPassword: string;
      pinHash: string;
      hotdesk: boolean;
      language: Language;
    }
  | {
      kind: 'set-extension';
      number: string;
      name?: string;
      sipPassword?: string;
      pinHash?: string;
      hotdesk?: boolean;
      language?: Language;
      /** `false`: a login as this user elsewhere never ends their sessions (`Extension.hotdeskTakeover`). */
      hotdeskTakeover?: boolean;
      /**
       * Digest algorithms this account is challenged with (`Extension.digest`);
       * `null`: back to the model's or the office's.
       */
      digest?: DigestName[] | null;
    }
  | { kind: 'remove-extension'; number: string }
  | { kind: 'set-blf'; extension: string; targets: (string | null)[] }
  | { kind: 'set-dial-code'; name: string; code: string; force: boolean }
  | { kind: 'remove-dial-code'; name: string }
  | { kind: 'add-emergency'; number: string }
  | { kind: 'remove-emergency'; number: string }
  /** Emergency calls (#17): extensions told when one is made, the callback window, and a call as it is made. */
  | { kind: 'add-emergency-notify'; extension: string }
  | { kind: 'remove-emergency-notify'; extension: string }
  | { kind: 'set-emergency-callback'; minutes: number }
  | { kind: 'emergency-call'; call: Omit<EmergencyCall, 'at'> }
  | { kind: 'login'; extension: string; phone: string; actor: Actor }
  /** `reason` (schedule, max-session, idle…) goes into the audit entry's detail. */
  | { kind: 'logout'; target: LogoutTarget; actor: Actor; reason?: LogoutReason }
  | ({ kind: 'set-trunk' } & Trunk)
  | { kind: 'remove-trunk' }
  | {
      kind: 'set-settings';
      address?: string;
      sipDomain?: string;
      httpPort?: number;
      sipPort?: number;
      tlsPort?: number;
      httpsPort?: number;
      defaultLanguage?: Language;
      timeZone?: string;
      allowLeadingZero?: boolean;
      digest?: DigestName[];
    }
  /** HA1 values computed by the CLI: the password itself never travels or is stored. */
  | { kind: 'set-provisioning-auth'; auth: ProvisioningAuth }
  | { kind: 'remove-provisioning-auth' }
  /** A phone fetched its own configuration file carrying `generation` (no audit entry: too frequent). */
  | { kind: 'provisioning-fetched'; phone: string; generation: number }
  /** A phone registered from `address`: its own files are served only there from now on (a bound phone stays bound). */
  | { kind: 'provisioning-bound'; phone: string; address: string }
  /** An admin lets a bound phone's files be fetched from any address again, until it registers anew. */
  | { kind: 'provisioning-release'; phone: string }
  /**
   * A new provisioning token (made by the CLI). Every phone is re-provisioned; those that had
   * fetched a file may use the old token for `graceDays` more, until they fetch under the new one.
   */
  | { kind: 'rotate-provisioning-token'; token: string; graceDays: number }
  /** A wrong PIN at the login voice menu (the PIN itself never comes here): counts towards a lock. */
  | { kind: 'pin-failed'; extension: string; phone: string }
  /** A right PIN: the extension's count and lock are forgotten, the phone's run of wrong PINs ends. */
  | { kind: 'pin-ok'; extension: string; phone: string }
  /**
   * An admin releases a lock (or forgets the wrong PINs counted) of an extension,
   * a phone, or (both given) their pair.
   */
  | { kind: 'unlock'; extension?: string; phone?: string; actor: Actor }
  | { kind: 'set-policy'; name: 'multi-login'; value: MultiLoginPolicy }
  /** Cron expressions; `null`: off (auto-logout only). */
  | { kind: 'set-policy'; name: 'auto-logout' | 'backup-at'; value: string | null }
  /** Minutes (`backups`: a count); `null`: off. */
  | {
      kind: 'set-policy';
      name: 'max-session' | 'idle-logout' | 'warning' | 'extend' | 'backups';
      value: number | null;
    };

/** What a change reports back to whoever asked for it. */
export type ChangeResult =
  | { kind: 'phone'; phone: Phone }
  | { kind: 'done'; message: string; warnings: string[] }
  | { kind: 'sessions'; released: { phone: string; extension: string }[]; reprovision: string[] }
  /** After `pin-failed` / `pin-ok`: whether the extension, the phone and their pair are locked now, and until when. */
  | {
      kind: 'pin-check';
      locked: boolean;
      until?: string;
      phoneLocked: boolean;
      phoneUntil?: string;
      pairLocked?: boolean;
      pairUntil?: string;
    };

export interface ChangeContext {
  now: string;
  catalogue: Catalogue;
}

export interface Applied {
  data: StoreData;
  result: ChangeResult;
  /**
   * Phones whose desired configuration this change moved on (a `sessions` result names its own in
   * `result.reprovision`): they are told to fetch their file again (change-effects.ts).
   */
  reprovision?: string[];
}

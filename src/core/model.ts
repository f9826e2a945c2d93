/**
 * The office's vocabulary as plain values. Everything here is data: no I/O,
 * no classes, no clocks. Timestamps are ISO-8601 strings in UTC.
 */
import type { CivicAddress, DeskLocation } from './civic-location.js';

export const LANGUAGES = ['en', 'de', 'it'] as const;
export type Language = (typeof LANGUAGES)[number];

export const CONNECTION_MODES = ['lan', 'sbc', 'direct'] as const;
export type ConnectionMode = (typeof CONNECTION_MODES)[number];

/** How a phone reaches hotdeskd: on the LAN/VPN, through an SBC, or directly over NAT. */
export type Connection = { mode: 'lan' } | { mode: 'sbc'; sbc: string } | { mode: 'direct' };

export interface Extension {
  number: string;
  name: string;
  /** SIP password: phones need it in clear text in their provisioned config. */
  sipPassword: string;
  /** The hot-desk PIN as a salted scrypt hash (`scrypt$N$r$p$salt$hash`), never the PIN. */
  pinHash: string;
  hotdesk: boolean;
  language: Language;
  /** Ordered BLF targets; `null` is an empty position the admin left on purpose. */
  blf: (string | null)[];
  /**
   * `false`: this user's sessions are never ended by a takeover (a login as them
   * elsewhere under the exclusive policy) nor by office policies. Absent: `true`.
   */
  hotdeskTakeover?: boolean;
  /**
   * Digest algorithms this account is challenged with, most preferred first (core/digest-choice). Absent: the phone
   * model's or the office's.
   */
  digest?: DigestName[];
}

/** A SIP digest algorithm hotdeskd can offer (RFC 8760 names). */
export type DigestName = 'SHA-256' | 'MD5';

/** A logged-in user on a hot-desk phone. */
export interface PhoneSession {
  extension: string;
  since: string;
}

export interface Phone {
  /** `HD0001`…, assigned once and never reused. */
  name: string;
  /** Catalogue id, `<vendor>-<model>`. */
  model: string;
  /** 12 lowercase hex digits. */
  mac: string;
  connection: Connection;
  /** Password of the phone's own idle SIP account (its name). */
  idlePassword: string;
  session: PhoneSession | null;
  /** Configuration generation the phone should have; bumped by every change it must fetch. */
  desiredGeneration: number;
  /** Generation the phone last fetched over HTTP. */
  appliedGeneration: number;
  /** An extension this phone is tied to: it stays logged in as it, untouched by policies. Absent: not pinned. */
  pinned?: string;
  /**
   * The address the phone first registered from: its own files (which carry SIP passwords)
   * are served only there, until it is re-added or released (`hotdesk provisioning release`).
   * Absent: any address (not registered since it was added or released).
   */
  provisioningAddress?: string;
  /** Where the desk is within the office (building, floor, room), for emergency calls. Absent: not set. */
  location?: DeskLocation;
  /** The desk's emergency callback number (ELIN, E.164) sent to the trunk on an emergency call. Absent: none. */
  emergencyCallback?: string;
}

export interface Trunk {
  uri: string;
  username?: string;
  password?: string;
  /** Other addresses the trunk sends from (any port, any transport); optional: older stores have none. */
  from?: string[];
  /** The office's main number (E.164): the caller identity of an emergency call with no better one. */
  mainNumber?: string;
  /** How an emergency call tells the trunk where the desk is; absent: not at all (`none`). */
  emergencyLocation?: EmergencyLocationMode;
}

/** `pidf-lo`: a Geolocation header and the PIDF-LO beside the SDP (RFC 6442); `none`: no location. */
export const EMERGENCY_LOCATION_MODES = ['pidf-lo', 'none'] as const;
export type EmergencyLocationMode = (typeof EMERGENCY_LOCATION_MODES)[number];
/** The SIP-over-TLS and HTTPS ports when neither the store nor a flag gives one. */
export const DEFAULT_TLS_PORT = 5061;
export const DEFAULT_HTTPS_PORT = 8443;

export interface Settings {
  /** SIP domain / realm; also the address written into phone configs. */
  sipDomain: string;
  /** The address phones reach hotdeskd at (LAN address, or public address for direct phones). */
  address: string;
  httpPort: number;
  sipPort: number;
  /** Random secret path segment of every provisioning URL. */
  provisioningToken: string;
  /**
   * After `hotdesk provisioning rotate-token`: the token before, still taken until `until`
   * (ISO time) from the phones listed, for their own files (and their vendor's common
   * files), until each has fetched its own file under the new token. Absent: none.
   */
  previousProvisioningToken?: PreviousProvisioningToken;
  emergencyNumbers: string[];
  /** Named dial codes. `login` is the prefix (`*77*` + EXT + `*`), `logout` the logout code. */
  dialCodes: Record<string, string>;
  defaultLanguage: Language;
  /** IANA time zone of the office, for scheduled policies. */
  timeZone: string;
  trunk: Trunk | null;
  /** Office policies; filled in by later features. */
  policies: Record<string, unknown>;
  /** HTTP digest credentials phones need to fetch their configuration; none: no authentication. */
  provisioningAuth?: ProvisioningAuth;
  /**
   * Digest algorithms offered office-wide, most preferred first (`hotdesk settings set digest`); absent: MD5 only.
   * `hotdeskd --digest` overrides it.
   */
  digest?: DigestName[];
  /** Whether extension numbers may start with 0 (`0101`); absent: no. */
  allowLeadingZero?: boolean;
  /**
   * SIP over TLS port, used when hotdeskd has a certificate (`hotdesk settings set tls-port`); absent: 5061.
   * `hotdeskd --tls-port` overrides it.
   */
  tlsPort?: number;
  /**
   * HTTPS provisioning port, used when hotdeskd has a certificate; absent: 8443. `hotdeskd --https-port` overrides
   * it.
   */
  httpsPort?: number;
  /** The office's civic address (RFC 5139 fields), the base of every desk's location. Absent: not set. */
  civicAddress?: CivicAddress;
}

export interface PreviousProvisioningToken {
  token: string;
  until: string;
  /** Phones that had fetched a file before the rotation and have not fetched under the new token yet. */
  phones: string[];
}

/**
 * Credentials for the provisioning tree, kept as digest HA1 values (RFC 7616 §3.4.2:
 * H(username:realm:password)) per hash, never the password.
 */
export interface ProvisioningAuth {
  username: string;
  realm: string;
  ha1: { md5: string; sha256: string };
}

export const AUDIT_KINDS = [
  'phone-added',
  'phone-removed',
  'extension-added',
  'extension-changed',
  'extension-removed',
  'blf-changed',
  'dial-code-set',
  'dial-code-removed',
  'emergency-added',
  'emergency-removed',
  /** An emergency number was dialled (#17): who, from which desk, to which number. */
  'emergency-call',
  'login',
  'logout',
  'login-failed',
  'unlocked',
  'settings-changed',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

export type Actor = 'admin' | 'user' | 'system';

export interface AuditEntry {
  at: string;
  kind: AuditKind;
  actor: Actor;
  extension?: string;
  phone?: string;
  detail?: string;
}

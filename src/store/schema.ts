/**
 * The office store: one JSON document with a `version`. The zod schema is the
 * single description of its shape; `parseStore` (migrate.ts) checks files
 * against it before anything else sees them.
 */
import { z } from 'zod';
import { AUDIT_KINDS, CONNECTION_MODES, EMERGENCY_LOCATION_MODES, LANGUAGES } from '../core/model.js';
import type { AuditEntry, Extension, Phone, Settings } from '../core/model.js';
import { DEFAULT_DIAL_CODES } from '../core/dial-codes.js';
import type { LockRecord } from '../core/pin-lockout.js';
import type { ExtensionLockRecord } from '../core/pin-locks.js';
import { MAX_CALLBACK_MINUTES, type EmergencyState } from '../core/emergency-calls.js';
import { CIVIC_FIELDS, DESK_FIELDS } from '../core/civic-location.js';

export const STORE_VERSION = 3;

const language = z.enum(LANGUAGES);
const isoTime = z.string().min(1);

const connection = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal(CONNECTION_MODES[0]) }),
  z.object({ mode: z.literal(CONNECTION_MODES[1]), sbc: z.string().min(1) }),
  z.object({ mode: z.literal(CONNECTION_MODES[2]) }),
]);

// Emergency-call locations (all optional: stores without them need no migration).
const civicText = z.string().min(1).max(64);
/** The office's civic address: RFC 5139 fields by their `settings set civic-address` names. */
const civicAddress = z.object(
  Object.fromEntries(Object.keys(CIVIC_FIELDS).map((field) => [field, civicText.optional()])) as {
    [K in keyof typeof CIVIC_FIELDS]: z.ZodOptional<typeof civicText>;
  },
);
/** A desk within the office: building, floor, room. */
const deskLocation = z.object(
  Object.fromEntries(DESK_FIELDS.map((field) => [field, civicText.optional()])) as {
    [K in (typeof DESK_FIELDS)[number]]: z.ZodOptional<typeof civicText>;
  },
);
/** An emergency callback number (ELIN) or main number: E.164. */
const e164 = z.string().regex(/^\+[1-9]\d{7,14}$/);
const trunkEmergency = { mainNumber: e164.optional(), emergencyLocation: z.enum(EMERGENCY_LOCATION_MODES).optional() };
const phoneEmergency = { location: deskLocation.optional(), emergencyCallback: e164.optional() };

const settings = z.object({
  sipDomain: z.string().min(1),
  address: z.string().min(1),
  httpPort: z.number().int().min(1).max(65535),
  sipPort: z.number().int().min(1).max(65535),
  provisioningToken: z.string().min(16),
  /** Optional: the token before the last rotation, still taken from the phones listed until `until`. */
  previousProvisioningToken: z
    .object({ token: z.string().min(16), until: isoTime, phones: z.array(z.string()) })
    .optional(),
  emergencyNumbers: z.array(z.string()),
  dialCodes: z.record(z.string(), z.string()),
  defaultLanguage: language,
  timeZone: z.string().min(1),
  trunk: z
    .object({
      uri: z.string(),
      username: z.string().optional(),
      password: z.string().optional(),
      from: z.array(z.string()).optional(),
      ...trunkEmergency,
    })
    .nullable(),
  policies: z.record(z.string(), z.unknown()),
  /** Optional: stores without it need no migration. */
  provisioningAuth: z
    .object({
      username: z.string().min(1),
      realm: z.string().min(1),
      ha1: z.object({ md5: z.string().regex(/^[0-9a-f]{32}$/), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
    })
    .optional(),
  /** Optional: office-wide digest algorithms, most preferred first. */
  digest: z
    .array(z.enum(['SHA-256', 'MD5']))
    .min(1)
    .max(2)
    .optional(),
  /** Optional: whether extension numbers may start with 0. */
  allowLeadingZero: z.boolean().optional(),
  /** Optional: the office's civic address for emergency calls. */
  civicAddress: civicAddress.optional(),
  /** Optional: SIP over TLS port when hotdeskd serves TLS (absent: 5061). */
  tlsPort: z.number().int().min(1).max(65535).optional(),
  /** Optional: HTTPS provisioning port when hotdeskd serves TLS (absent: 8443). */
  httpsPort: z.number().int().min(1).max(65535).optional(),
});

const extension = z.object({
  number: z.string(),
  name: z.string(),
  sipPassword: z.string(),
  pinHash: z.string(),
  hotdesk: z.boolean(),
  language,
  blf: z.array(z.string().nullable()),
  hotdeskTakeover: z.boolean().optional(),
  /** Optional: this account's digest algorithms, most preferred first. */
  digest: z
    .array(z.enum(['SHA-256', 'MD5']))
    .min(1)
    .max(2)
    .optional(),
});

const phone = z.object({
  name: z.string().regex(/^HD\d{4,}$/),
  model: z.string(),
  mac: z.string().regex(/^[0-9a-f]{12}$/),
  connection,
  idlePassword: z.string(),
  session: z.object({ extension: z.string(), since: isoTime }).nullable(),
  desiredGeneration: z.number().int().min(0),
  appliedGeneration: z.number().int().min(0),
  pinned: z.string().optional(),
  /** Optional: where the phone registered from; its own files are served only there. */
  provisioningAddress: z.string().optional(),
  ...phoneEmergency,
});

/** A registration kept across restarts (RFC 3261 §10.2 bindings, with the flow they came from). */
const binding = z.object({
  aor: z.string(),
  contact: z.string(),
  source: z.object({ protocol: z.enum(['UDP', 'TCP', 'TLS']), address: z.string(), port: z.number().int() }),
  expiresAt: z.number(),
  callId: z.string(),
  cseq: z.number().int(),
  userAgent: z.string().optional(),
  /** The hot-desk phone this registration comes from, when known (its own account, or its logged-in user). */
  phone: z.string().optional(),
});

/** Wrong-PIN counting and locks (core/pin-lockout.ts), kept so a restart does not lift a lock. */
const lockRecord = z.object({
  failures: z.number().int().min(0),
  level: z.number().int().min(0),
  lockedUntil: isoTime.nullable(),
});

const security = z.object({
  /** By extension number; `failedFrom`: phone → its last wrong PIN for the extension (core/pin-locks.ts). */
  extensions: z.record(z.string(), lockRecord.extend({ failedFrom: z.record(z.string(), isoTime).optional() })),
  /** By phone name (`HD0001`). */
  phones: z.record(z.string(), lockRecord),
  /** (phone, extension) pairs: by extension number, then phone name. */
  pairs: z.record(z.string(), z.record(z.string(), lockRecord)).optional(),
});

const auditEntry = z.object({
  at: isoTime,
  kind: z.enum(AUDIT_KINDS),
  actor: z.enum(['admin', 'user', 'system']),
  extension: z.string().optional(),
  phone: z.string().optional(),
  detail: z.string().optional(),
});

/**
 * Emergency calls (core/emergency-calls.ts): who is told, the callback window, the calls still in their windows.
 * Optional: no migration.
 */
const emergencyCall = z.object({
  at: isoTime,
  number: z.string(),
  account: z.string(),
  phone: z.string().optional(),
  extension: z.string().optional(),
  user: z.string().optional(),
  callback: z.string().optional(),
  location: z.string().optional(),
});
const emergency = z.object({
  notify: z.array(z.string()).optional(),
  callbackMinutes: z.number().int().min(0).max(MAX_CALLBACK_MINUTES).optional(),
  active: z.array(emergencyCall).optional(),
});

export const storeSchema = z.object({
  version: z.literal(STORE_VERSION),
  settings,
  /** Number of the next phone name (`HD0001` is 1); never goes back, so names are never reused. */
  nextPhoneNumber: z.number().int().min(1),
  extensions: z.array(extension),
  phones: z.array(phone),
  audit: z.array(auditEntry),
  /** Live registrations, saved by the daemon so phones stay reachable after a restart. */
  bindings: z.array(binding),
  /** PIN lockout records of extensions and phones. */
  security,
  /** Emergency notification and callback (#17); absent in older stores. */
  emergency: emergency.optional(),
});

export type StoreData = z.infer<typeof storeSchema>;
export type StoredBinding = StoreData['bindings'][number];

// The schema and the domain types describe the same values; keep them in step.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShapes: [
  Same<StoreData['settings'], Settings>,
  Same<StoreData['extensions'][number], Extension>,
  Same<StoreData['phones'][number], Phone>,
  Same<StoreData['audit'][number], AuditEntry>,
  Same<StoreData['security']['extensions'][string], ExtensionLockRecord>,
  Same<StoreData['security']['phones'][string], LockRecord>,
  Same<NonNullable<StoreData['emergency']>, EmergencyState>,
] = [true, true, true, true, true, true, true];
void sameShapes;

/** What only the edge can supply when a store is first created. */
export interface NewStoreValues {
  address: string;
  provisioningToken: string;
}

export function createStore(values: NewStoreValues): StoreData {
  return {
    version: STORE_VERSION,
    settings: {
      sipDomain: values.address,
      address: values.address,
      httpPort: 8088,
      sipPort: 5060,
      provisioningToken: values.provisioningToken,
      emergencyNumbers: ['112', '911'],
      dialCodes: { ...DEFAULT_DIAL_CODES },
      defaultLanguage: 'en',
      timeZone: 'UTC',
      trunk: null,
      policies: {},
    },
    nextPhoneNumber: 1,
    extensions: [],
    phones: [],
    audit: [],
    bindings: [],
    security: { extensions: {}, phones: {} },
  };
}

/** `1` → `HD0001`. */
export function phoneName(number: number): string {
  return `HD${String(number).padStart(4, '0')}`;
}

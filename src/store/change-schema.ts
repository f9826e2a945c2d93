/**
 * Runtime check for changes arriving from outside the process (the control
 * socket). Kept beside `Change` and compared with it at compile time.
 */
import { z } from 'zod';
import { EMERGENCY_LOCATION_MODES, LANGUAGES } from '../core/model.js';
import { CIVIC_FIELDS, type CivicField } from '../core/civic-location.js';
import { MULTI_LOGIN_POLICIES } from '../core/policies.js';
import { LOGOUT_REASONS } from '../core/auto-logout.js';
import type { Change } from './changes.js';

const text = z.string().max(1000);
const language = z.enum(LANGUAGES);
const actor = z.enum(['admin', 'user', 'system']);
const connection = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('lan') }),
  z.object({ mode: z.literal('sbc'), sbc: text }),
  z.object({ mode: z.literal('direct') }),
]);

export const changeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('add-phone'), model: text, mac: text, connection, idlePassword: text }),
  z.object({ kind: z.literal('remove-phone'), phone: text }),
  z.object({
    kind: z.literal('set-phone'),
    phone: text,
    pinned: text.nullable().optional(),
    location: z
      .object({
        building: text.nullable().optional(),
        floor: text.nullable().optional(),
        room: text.nullable().optional(),
      })
      .optional(),
    emergencyCallback: text.nullable().optional(),
  }),
  z.object({
    kind: z.literal('set-civic-address'),
    set: z.object(
      Object.fromEntries(Object.keys(CIVIC_FIELDS).map((field) => [field, text.optional()])) as {
        [K in CivicField]: z.ZodOptional<typeof text>;
      },
    ),
    cleared: z.array(z.enum(Object.keys(CIVIC_FIELDS) as [CivicField, ...CivicField[]])).max(9),
  }),
  z.object({
    kind: z.literal('add-extension'),
    number: text,
    name: text,
    sipPassword: text,
    pinHash: text,
    hotdesk: z.boolean(),
    language,
  }),
  z.object({
    kind: z.literal('set-extension'),
    number: text,
    name: text.optional(),
    sipPassword: text.optional(),
    pinHash: text.optional(),
    hotdesk: z.boolean().optional(),
    language: language.optional(),
    hotdeskTakeover: z.boolean().optional(),
    digest: z
      .array(z.enum(['SHA-256', 'MD5']))
      .min(1)
      .max(2)
      .nullable()
      .optional(),
  }),
  z.object({ kind: z.literal('remove-extension'), number: text }),
  z.object({ kind: z.literal('set-blf'), extension: text, targets: z.array(text.nullable()).max(1000) }),
  z.object({ kind: z.literal('set-dial-code'), name: text, code: text, force: z.boolean() }),
  z.object({ kind: z.literal('remove-dial-code'), name: text }),
  z.object({ kind: z.literal('add-emergency'), number: text }),
  z.object({ kind: z.literal('remove-emergency'), number: text }),
  z.object({ kind: z.literal('add-emergency-notify'), extension: text }),
  z.object({ kind: z.literal('remove-emergency-notify'), extension: text }),
  z.object({ kind: z.literal('set-emergency-callback'), minutes: z.number() }),
  z.object({
    kind: z.literal('emergency-call'),
    call: z.object({
      number: text,
      account: text,
      phone: text.optional(),
      extension: text.optional(),
      user: text.optional(),
      callback: text.optional(),
      location: text.optional(),
    }),
  }),
  z.object({ kind: z.literal('login'), extension: text, phone: text, actor }),
  z.object({
    kind: z.literal('logout'),
    target: z.union([
      z.object({ phone: text }).strict(),
      z.object({ extension: text }).strict(),
      z.object({ all: z.literal(true) }).strict(),
    ]),
    actor,
    reason: z.enum(LOGOUT_REASONS).optional(),
  }),
  z.object({
    kind: z.literal('set-trunk'),
    uri: text,
    username: text.optional(),
    password: text.optional(),
    from: z.array(text).max(32).optional(),
    mainNumber: text.optional(),
    emergencyLocation: z.enum(EMERGENCY_LOCATION_MODES).optional(),
  }),
  z.object({ kind: z.literal('remove-trunk') }),
  z.object({
    kind: z.literal('set-settings'),
    address: text.optional(),
    sipDomain: text.optional(),
    httpPort: z.number().optional(),
    sipPort: z.number().optional(),
    tlsPort: z.number().optional(),
    httpsPort: z.number().optional(),
    allowLeadingZero: z.boolean().optional(),
    defaultLanguage: language.optional(),
    timeZone: text.optional(),
    digest: z
      .array(z.enum(['SHA-256', 'MD5']))
      .min(1)
      .max(2)
      .optional(),
  }),
  z.object({
    kind: z.literal('set-provisioning-auth'),
    auth: z.object({ username: text, realm: text, ha1: z.object({ md5: text, sha256: text }) }),
  }),
  z.object({ kind: z.literal('remove-provisioning-auth') }),
  z.object({ kind: z.literal('provisioning-fetched'), phone: text, generation: z.number().int().min(0) }),
  z.object({ kind: z.literal('provisioning-bound'), phone: text, address: text }),
  z.object({ kind: z.literal('provisioning-release'), phone: text }),
  z.object({ kind: z.literal('rotate-provisioning-token'), token: text, graceDays: z.number().int() }),
  z.object({ kind: z.literal('pin-failed'), extension: text, phone: text }),
  z.object({ kind: z.literal('pin-ok'), extension: text, phone: text }),
  z.object({ kind: z.literal('unlock'), extension: text.optional(), phone: text.optional(), actor }),
  z.discriminatedUnion('name', [
    z.object({ kind: z.literal('set-policy'), name: z.literal('multi-login'), value: z.enum(MULTI_LOGIN_POLICIES) }),
    z.object({
      kind: z.literal('set-policy'),
      name: z.enum(['auto-logout', 'backup-at']),
      value: z.string().max(200).nullable(),
    }),
    z.object({
      kind: z.literal('set-policy'),
      name: z.enum(['max-session', 'idle-logout', 'warning', 'extend', 'backups']),
      value: z.number().int().min(0).max(1_000_000).nullable(),
    }),
  ]),
]);

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const inStep: Same<z.infer<typeof changeSchema>, Change> = true;
void inStep;

/** A change from untrusted JSON, or `undefined`. */
export function parseChange(value: unknown): Change | undefined {
  const checked = changeSchema.safeParse(value);
  return checked.success ? checked.data : undefined;
}

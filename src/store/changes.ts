/**
 * Every change to the office store as a value, and the one pure function that
 * applies it. The daemon (as the single writer) and the CLI (when no daemon
 * runs) both go through `applyChange`, so the rules live in one place.
 */
import type { Actor, AuditEntry, AuditKind, Connection, Phone } from '../core/model.js';
import { checkProvisioningAuth } from '../core/provisioning-auth.js';
import { findModel, suggestModels } from '../core/catalogue.js';
import { checkPhoneMac, parseMac } from '../core/mac.js';
import { checkHostAddress } from '../core/host-address.js';
import { checkSbcAddress } from '../core/sbc-address.js';
import { fail, ok, refuse, type Outcome } from '../core/reasons.js';
import { checkDialCodeSyntax, conflictsWithHotdesk, isHotdeskCodeName } from '../core/dial-codes.js';
import {
  checkDisplayName,
  checkEmergencyNumber,
  checkExtensionAmong,
  checkExtensionNumber,
  checkSipPassword,
} from '../core/extension-rules.js';
import { applyLogin, applyLogout } from '../core/sessions.js';
import { phoneName, type StoreData } from './schema.js';
import { readPolicies } from '../core/policies.js';
import { applyPinChange } from './pin-changes.js';
import { applyPolicyChange } from './policy-changes.js';
import { applyPhoneChange } from './phone-changes.js';
import { findPhone } from './queries.js';
import { applyEmergencyChange } from './emergency-changes.js';
import { applyCivicAddressChange } from './location-changes.js';
import { checkCallbackNumber } from '../core/civic-location.js';

import type { Applied, Change, ChangeContext, ChangeResult } from './change.js';

export type { Applied, Change, ChangeContext, ChangeResult };

const MAX_BLF = 200;

/** `sip:HOST[:PORT]` with optional `;transport=udp|tcp`, no user part. */
export function checkTrunkUri(uri: string): string | undefined {
  const match = /^sips?:([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\])(?::(\d{1,5}))?(;transport=(udp|tcp))?$/i.exec(uri);
  if (!match) return 'expected sip:HOST[:PORT], optionally ;transport=udp or tcp';
  if (match[2] !== undefined && (Number(match[2]) < 1 || Number(match[2]) > 65535))
    return 'the port must be 1 to 65535';
  return undefined;
}

/** The trunk's other source addresses: IPv4 or IPv6 literals (no names: they are compared with packet sources). */
export function checkTrunkFrom(addresses: readonly string[]): string | undefined {
  const ipv4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
  const ipv6 = /^[0-9A-Fa-f]{0,4}(:[0-9A-Fa-f]{0,4}){2,7}$/;
  const bad = addresses.find((address) => !ipv4.test(address) && !ipv6.test(address));
  return bad === undefined ? undefined : `--from takes IP addresses separated by commas, not ${JSON.stringify(bad)}`;
}

function audit(
  kind: AuditKind,
  context: ChangeContext,
  fields: Omit<AuditEntry, 'at' | 'kind' | 'actor'> & { actor?: Actor } = {},
): AuditEntry {
  const { actor = 'admin', ...rest } = fields;
  return { at: context.now, kind, actor, ...rest };
}

const done = (message: string, warnings: string[] = []): ChangeResult => ({ kind: 'done', message, warnings });

function withAudit(data: StoreData, ...entries: AuditEntry[]): StoreData {
  return { ...data, audit: [...data.audit, ...entries] };
}

function checkConnection(connection: Connection): string | undefined {
  if (connection.mode !== 'sbc') return undefined;
  const problem = checkSbcAddress(connection.sbc);
  return problem ? `SBC address "${connection.sbc}": ${problem}` : undefined;
}

/** `sipPort` → `sip-port`: settings are named to people as `hotdesk settings set` spells them. */
export function settingName(field: string): string {
  if (field === 'defaultLanguage') return 'language';
  if (field === 'allowLeadingZero') return 'leading-zero';
  return field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

function addPhone(
  data: StoreData,
  change: Extract<Change, { kind: 'add-phone' }>,
  context: ChangeContext,
): Outcome<Applied> {
  const mac = parseMac(change.mac);
  if (!mac) return fail(refuse('invalid-mac', { value: change.mac }));
  const macProblem = checkPhoneMac(mac);
  if (macProblem) return fail(refuse('invalid-mac', { value: change.mac, detail: macProblem }));
  const model = findModel(context.catalogue, change.model);
  if (!model) {
    return fail(
      refuse('unknown-model', { value: change.model, suggestions: suggestModels(context.catalogue, change.model) }),
    );
  }
  const connectionProblem = checkConnection(change.connection);
  if (connectionProblem) return fail(refuse('invalid-connection', { detail: connectionProblem }));
  const existing = data.phones.find((phone) => phone.mac === mac);
  if (existing) return fail(refuse('duplicate-mac', { mac, phone: existing.name }));
  const phone: Phone = {
    name: phoneName(data.nextPhoneNumber),
    model: model.id,
    mac,
    connection: change.connection,
    idlePassword: change.idlePassword,
    session: null,
    desiredGeneration: 1,
    appliedGeneration: 0,
  };
  const next = { ...data, nextPhoneNumber: data.nextPhoneNumber + 1, phones: [...data.phones, phone] };
  return ok({
    data: withAudit(next, audit('phone-added', context, { phone: phone.name, detail: `${model.id} ${mac}` })),
    result: { kind: 'phone', phone },
    reprovision: [phone.name],
  });
}

/** `; 101 (Ada Lovelace) was logged in on it and is logged out`, or nothing for an idle phone. */
function loggedOut(data: StoreData, extension: string | undefined): string {
  if (extension === undefined) return '';
  const name = data.extensions.find((ext) => ext.number === extension)?.name;
  return `; ${extension}${name ? ` (${name})` : ''} was logged in on it and is logged out`;
}

function removePhone(data: StoreData, target: string, context: ChangeContext): Outcome<Applied> {
  const phone = findPhone(data, target);
  if (!phone) return fail(refuse('unknown-phone', { value: target }));
  const next = { ...data, phones: data.phones.filter((candidate) => candidate.name !== phone.name) };
  const detail = phone.session ? `was logged in as ${phone.session.extension}` : undefined;
  return ok({
    data: withAudit(next, audit('phone-removed', context, { phone: phone.name, ...(detail ? { detail } : {}) })),
    result: done(`removed ${phone.name}${loggedOut(data, phone.session?.extension)}`),
  });
}

function checkExtensionFields(fields: { number?: string; name?: string; sipPassword?: string }): Outcome<null> {
  if (fields.number !== undefined) {
    const problem = checkExtensionNumber(fields.number);
    if (problem) return fail(refuse('invalid-extension', { value: fields.number }));
  }
  if (fields.name !== undefined && checkDisplayName(fields.name)) {
    return fail(refuse('invalid-name', { value: fields.name }));
  }
  if (fields.sipPassword !== undefined) {
    const problem = checkSipPassword(fields.sipPassword);
    if (problem) return fail(refuse('invalid-password', { detail: problem }));
  }
  return ok(null);
}

/** The phones logged in as one of `extensions` (those bumpPhonesOf moves on). */
function phonesOf(phones: Phone[], extensions: Set<string>): string[] {
  return phones.filter((phone) => phone.session && extensions.has(phone.session.extension)).map((phone) => phone.name);
}

/** Phones showing this extension need their configuration again (name, password, keys). */
function bumpPhonesOf(phones: Phone[], extensions: Set<string>): Phone[] {
  return phones.map((phone) =>
    phone.session && extensions.has(phone.session.extension)
      ? { ...phone, desiredGeneration: phone.desiredGeneration + 1 }
      : phone,
  );
}

/** Extensions whose BLF list shows `target`: their key labels change with its name. */
function watchersOf(data: StoreData, target: string): Set<string> {
  return new Set(data.extensions.filter((ext) => ext.blf.includes(target)).map((ext) => ext.number));
}

/** Apply one change; a refusal leaves `data` untouched (it is never mutated). */
export function applyChange(data: StoreData, change: Change, context: ChangeContext): Outcome<Applied> {
  switch (change.kind) {
    case 'add-phone':
      return addPhone(data, change, context);
    case 'remove-phone':
      return removePhone(data, change.phone, context);
    case 'set-phone':
      return applyPhoneChange(data, change, context);
    case 'set-civic-address':
      return applyCivicAddressChange(data, change, context);
    case 'add-extension': {
      const checked = checkExtensionFields(change);
      if (!checked.ok) return checked;
      if (data.extensions.some((ext) => ext.number === change.number)) {
        return fail(refuse('duplicate-extension', { extension: change.number }));
      }
      const numberProblem = checkExtensionAmong(
        change.number,
        data.extensions.map((ext) => ext.number),
        data.settings.allowLeadingZero === true,
      );
      if (numberProblem) return fail(refuse('invalid-extension', { value: change.number, detail: numberProblem }));
      const extension = {
        number: change.number,
        name: change.name.trim(),
        sipPassword: change.sipPassword,
        pinHash: change.pinHash,
        hotdesk: change.hotdesk,
        language: change.language,
        blf: [],
      };
      const next = { ...data, extensions: [...data.extensions, extension] };
      return ok({
        data: withAudit(next, audit('extension-added', context, { extension: change.number })),
        result: done(`added extension ${change.number}`),
      });
    }
    case 'set-extension': {
      const current = data.extensions.find((ext) => ext.number === change.number);
      if (!current) return fail(refuse('unknown-extension', { extension: change.number }));
      const checked = checkExtensionFields({ name: change.name, sipPassword: change.sipPassword });
      if (!checked.ok) return checked;
      const { digest: _oldDigest, ...rest } = current;
      const digest = change.digest === undefined ? current.digest : (change.digest ?? undefined);
      const updated = {
        ...rest,
        ...(digest ? { digest } : {}),
        ...(change.name !== undefined ? { name: change.name.trim() } : {}),
        ...(change.sipPassword !== undefined ? { sipPassword: change.sipPassword } : {}),
        ...(change.pinHash !== undefined ? { pinHash: change.pinHash } : {}),
        ...(change.hotdesk !== undefined ? { hotdesk: change.hotdesk } : {}),
        ...(change.language !== undefined ? { language: change.language } : {}),
        ...(change.hotdeskTakeover !== undefined ? { hotdeskTakeover: change.hotdeskTakeover } : {}),
      };
      const changed = (
        ['name', 'sipPassword', 'pinHash', 'hotdesk', 'language', 'hotdeskTakeover', 'digest'] as const
      ).filter((field) => change[field] !== undefined);
      // Takeover and digest are no part of any phone's configuration: changing only them re-provisions nothing.
      const configChanged = changed.some((field) => field !== 'hotdeskTakeover' && field !== 'digest');
      const affected = new Set(
        configChanged ? [change.number, ...(change.name !== undefined ? watchersOf(data, change.number) : [])] : [],
      );
      const next = {
        ...data,
        extensions: data.extensions.map((ext) => (ext.number === change.number ? updated : ext)),
        phones: bumpPhonesOf(data.phones, affected),
      };
      // Name the fields that changed, never their secret values.
      const detail = changed.map((field) => (field === 'pinHash' ? 'pin' : field)).join(', ');
      return ok({
        data: withAudit(next, audit('extension-changed', context, { extension: change.number, detail })),
        result: done(`updated extension ${change.number}${detail ? ` (${detail})` : ''}`),
        reprovision: phonesOf(data.phones, affected),
      });
    }
    case 'remove-extension': {
      if (!data.extensions.some((ext) => ext.number === change.number)) {
        return fail(refuse('unknown-extension', { extension: change.number }));
      }
      // Phones pinned to it are released and unpinned too: their extension is gone.
      const loggedOut = applyLogout(data.phones, { extension: change.number }, { includePinned: true });
      const phones = loggedOut.ok ? loggedOut.value.phones : data.phones;
      const removed = { ...data, phones, extensions: data.extensions.filter((ext) => ext.number !== change.number) };
      // Nobody to call at that number any more on an emergency.
      const notify = data.emergency?.notify;
      const next = notify?.includes(change.number)
        ? { ...removed, emergency: { ...data.emergency, notify: notify.filter((ext) => ext !== change.number) } }
        : removed;
      const entries = [audit('extension-removed', context, { extension: change.number })];
      if (loggedOut.ok) {
        for (const { phone, extension } of loggedOut.value.released) {
          entries.push(audit('logout', context, { phone, extension, detail: 'extension removed' }));
        }
      }
      return ok({
        data: withAudit(next, ...entries),
        result: done(`removed extension ${change.number}`),
        reprovision: loggedOut.ok ? loggedOut.value.reprovision : [],
      });
    }
    case 'set-blf': {
      const owner = data.extensions.find((ext) => ext.number === change.extension);
      if (!owner) return fail(refuse('unknown-extension', { extension: change.extension }));
      if (change.targets.length > MAX_BLF) {
        return fail(
          refuse('invalid-extension', { value: `${change.targets.length} BLF entries (at most ${MAX_BLF})` }),
        );
      }
      for (const target of change.targets) {
        if (target !== null && checkExtensionNumber(target))
          return fail(refuse('invalid-extension', { value: target }));
      }
      const unknown = change.targets.filter(
        (target): target is string => target !== null && !data.extensions.some((ext) => ext.number === target),
      );
      const next = {
        ...data,
        extensions: data.extensions.map((ext) =>
          ext.number === owner.number ? { ...ext, blf: [...change.targets] } : ext,
        ),
        phones: bumpPhonesOf(data.phones, new Set([owner.number])),
      };
      const warnings = unknown.length > 0 ? [`not (yet) extensions here: ${unknown.join(', ')}`] : [];
      return ok({
        data: withAudit(
          next,
          audit('blf-changed', context, { extension: owner.number, detail: `${change.targets.length} positions` }),
        ),
        result: done(`BLF list of ${owner.number} has ${change.targets.length} positions`, warnings),
        reprovision: phonesOf(data.phones, new Set([owner.number])),
      });
    }
    case 'set-dial-code': {
      const problem = checkDialCodeSyntax(change.name, change.code);
      if (problem) return fail(refuse('invalid-dial-code', { name: change.name, value: change.code, detail: problem }));
      const conflict = conflictsWithHotdesk(change.name, change.code);
      if (conflict && !change.force)
        return fail(refuse('dial-code-conflict', { name: change.name, code: change.code }));
      const next = {
        ...data,
        settings: { ...data.settings, dialCodes: { ...data.settings.dialCodes, [change.name]: change.code } },
      };
      const hotdeskCode = isHotdeskCodeName(change.name);
      const warnings = conflict
        ? [`${change.code} starts with *7: hot-desk login is refused as "forbidden" while this code exists`]
        : [];
      return ok({
        data: withAudit(
          hotdeskCode
            ? {
                ...next,
                phones: next.phones.map((phone) => ({ ...phone, desiredGeneration: phone.desiredGeneration + 1 })),
              }
            : next,
          audit('dial-code-set', context, { detail: `${change.name}=${change.code}${conflict ? ' (forced)' : ''}` }),
        ),
        result: done(`dial code ${change.name} is ${change.code}`, warnings),
        reprovision: hotdeskCode ? data.phones.map((phone) => phone.name) : [],
      });
    }
    case 'remove-dial-code': {
      if (isHotdeskCodeName(change.name)) return fail(refuse('reserved-dial-code', { name: change.name }));
      if (!(change.name in data.settings.dialCodes)) return fail(refuse('unknown-dial-code', { name: change.name }));
      const { [change.name]: _removed, ...rest } = data.settings.dialCodes;
      const next = { ...data, settings: { ...data.settings, dialCodes: rest } };
      return ok({
        data: withAudit(next, audit('dial-code-removed', context, { detail: change.name })),
        result: done(`removed dial code ${change.name}`),
      });
    }
    case 'add-emergency': {
      if (checkEmergencyNumber(change.number))
        return fail(refuse('invalid-emergency-number', { value: change.number }));
      if (data.settings.emergencyNumbers.includes(change.number)) {
        return fail(refuse('duplicate-emergency-number', { value: change.number }));
      }
      const next = {
        ...data,
        settings: { ...data.settings, emergencyNumbers: [...data.settings.emergencyNumbers, change.number] },
      };
      return ok({
        data: withAudit(next, audit('emergency-added', context, { detail: change.number })),
        result: done(`emergency numbers: ${next.settings.emergencyNumbers.join(', ')}`),
      });
    }
    case 'remove-emergency': {
      if (!data.settings.emergencyNumbers.includes(change.number)) {
        return fail(refuse('unknown-emergency-number', { value: change.number }));
      }
      if (data.settings.emergencyNumbers.length === 1)
        return fail(refuse('last-emergency-number', { value: change.number }));
      const emergencyNumbers = data.settings.emergencyNumbers.filter((number) => number !== change.number);
      const next = { ...data, settings: { ...data.settings, emergencyNumbers } };
      return ok({
        data: withAudit(next, audit('emergency-removed', context, { detail: change.number })),
        result: done(`emergency numbers: ${emergencyNumbers.join(', ')}`),
      });
    }
    case 'login': {
      const extension = data.extensions.find((ext) => ext.number === change.extension);
      if (!extension) return fail(refuse('unknown-extension', { extension: change.extension }));
      if (!extension.hotdesk) return fail(refuse('hotdesk-disabled', { extension: change.extension }));
      const phone = findPhone(data, change.phone);
      if (!phone) return fail(refuse('unknown-phone', { value: change.phone }));
      const policy = readPolicies(data.settings.policies).multiLogin;
      const takeover = extension.hotdeskTakeover !== false;
      const outcome = applyLogin(data.phones, {
        extension: extension.number,
        phone: phone.name,
        now: context.now,
        policy,
        takeover,
      });
      if (!outcome.ok) return outcome;
      const entries = [
        ...outcome.value.released.map(({ phone: name, extension: who }) =>
          audit('logout', context, { actor: change.actor, phone: name, extension: who, detail: 'takeover' }),
        ),
        audit('login', context, { actor: change.actor, phone: phone.name, extension: extension.number }),
      ];
      return ok({
        data: withAudit({ ...data, phones: outcome.value.phones }, ...entries),
        result: { kind: 'sessions', released: outcome.value.released, reprovision: outcome.value.reprovision },
      });
    }
    case 'logout': {
      const target =
        'phone' in change.target
          ? { phone: findPhone(data, change.target.phone)?.name ?? change.target.phone }
          : change.target;
      const outcome = applyLogout(data.phones, target);
      if (!outcome.ok) return outcome;
      const entries = outcome.value.released.map(({ phone, extension }) =>
        audit('logout', context, {
          actor: change.actor,
          phone,
          extension,
          ...(change.reason ? { detail: change.reason } : {}),
        }),
      );
      return ok({
        data: withAudit({ ...data, phones: outcome.value.phones }, ...entries),
        result: { kind: 'sessions', released: outcome.value.released, reprovision: outcome.value.reprovision },
      });
    }
    case 'set-trunk': {
      const problem = checkTrunkUri(change.uri);
      if (problem) return fail(refuse('invalid-trunk', { value: change.uri, detail: problem }));
      if ((change.username === undefined) !== (change.password === undefined)) {
        return fail(
          refuse('invalid-trunk', { value: change.uri, detail: 'give both --username and --password, or neither' }),
        );
      }
      const fromProblem = change.from && checkTrunkFrom(change.from);
      if (fromProblem) return fail(refuse('invalid-trunk', { value: change.uri, detail: fromProblem }));
      const mainNumberProblem = change.mainNumber !== undefined && checkCallbackNumber(change.mainNumber);
      if (mainNumberProblem)
        return fail(
          refuse('invalid-trunk', {
            value: change.uri,
            detail: `--main-number ${change.mainNumber}: ${mainNumberProblem.replace('an emergency callback number', 'the main number')}`,
          }),
        );
      const trunk = {
        uri: change.uri,
        ...(change.username !== undefined ? { username: change.username, password: change.password } : {}),
        ...(change.from && change.from.length > 0 ? { from: [...change.from] } : {}),
        ...(change.mainNumber !== undefined ? { mainNumber: change.mainNumber } : {}),
        ...(change.emergencyLocation === 'pidf-lo' ? { emergencyLocation: change.emergencyLocation } : {}),
      };
      return ok({
        data: withAudit(
          { ...data, settings: { ...data.settings, trunk } },
          audit('settings-changed', context, { detail: `trunk ${change.uri}` }),
        ),
        result: done(
          `trunk is ${change.uri}${change.username ? ` (as ${change.username})` : ''}${trunk.mainNumber ? `, main number ${trunk.mainNumber}` : ''}${trunk.emergencyLocation ? ', emergency calls carry the desk location (PIDF-LO)' : ''}`,
        ),
      });
    }
    case 'remove-trunk': {
      if (!data.settings.trunk) return fail(refuse('no-trunk', { dialled: 'the trunk' }));
      return ok({
        data: withAudit(
          { ...data, settings: { ...data.settings, trunk: null } },
          audit('settings-changed', context, { detail: 'trunk removed' }),
        ),
        result: done('trunk removed: only extensions and nothing outside can be called'),
      });
    }
    case 'set-settings': {
      const { kind: _kind, ...fields } = change;
      const defined = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
      for (const [name, value] of Object.entries(defined)) {
        if ((name === 'address' || name === 'sipDomain') && checkHostAddress(String(value))) {
          return fail(
            refuse('invalid-setting', {
              name: settingName(name),
              value: String(value),
              expected: checkHostAddress(String(value))!,
            }),
          );
        }
        if (
          (name === 'httpPort' || name === 'sipPort' || name === 'tlsPort' || name === 'httpsPort') &&
          !(Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535)
        ) {
          return fail(
            refuse('invalid-setting', {
              name: settingName(name),
              value: String(value),
              expected: 'a port from 1 to 65535',
            }),
          );
        }
      }
      // The digest algorithms are no part of any phone's configuration: changing only them re-provisions nothing.
      const reprovision = Object.keys(defined).some((name) => name !== 'digest');
      const next = {
        ...data,
        settings: { ...data.settings, ...defined },
        phones: reprovision
          ? data.phones.map((phone) => ({ ...phone, desiredGeneration: phone.desiredGeneration + 1 }))
          : data.phones,
      };
      return ok({
        data: withAudit(next, audit('settings-changed', context, { detail: Object.keys(defined).join(', ') })),
        result: done(`settings updated: ${Object.keys(defined).map(settingName).join(', ') || 'nothing'}`),
        reprovision: reprovision ? data.phones.map((phone) => phone.name) : [],
      });
    }
    case 'set-provisioning-auth':
    case 'remove-provisioning-auth':
    case 'provisioning-fetched':
    case 'provisioning-bound':
    case 'provisioning-release':
    case 'rotate-provisioning-token':
      return applyProvisioningChange(data, change, context);
    case 'pin-failed':
    case 'pin-ok':
    case 'unlock':
      return applyPinChange(data, change, context);
    case 'set-policy':
      return applyPolicyChange(data, change, context);
    case 'add-emergency-notify':
    case 'remove-emergency-notify':
    case 'set-emergency-callback':
    case 'emergency-call':
      return applyEmergencyChange(data, change, context);
  }
}

type ProvisioningChange = Extract<
  Change,
  {
    kind:
      | 'set-provisioning-auth'
      | 'remove-provisioning-auth'
      | 'provisioning-fetched'
      | 'provisioning-bound'
      | 'provisioning-release'
      | 'rotate-provisioning-token';
  }
>;

function applyProvisioningChange(
  data: StoreData,
  change: ProvisioningChange,
  context: ChangeContext,
): Outcome<Applied> {
  switch (change.kind) {
    case 'set-provisioning-auth': {
      const problem = checkProvisioningAuth(change.auth);
      if (problem)
        return fail(
          refuse('invalid-setting', { name: 'provisioning auth', value: change.auth.username, expected: problem }),
        );
      const { username, realm, ha1 } = change.auth;
      const settings = {
        ...data.settings,
        provisioningAuth: { username, realm, ha1: { md5: ha1.md5, sha256: ha1.sha256 } },
      };
      return ok({
        data: withAudit(
          { ...data, settings },
          audit('settings-changed', context, { detail: `provisioning auth for user ${username}` }),
        ),
        result: done(`phones now need user name ${username} and its password to fetch their configuration`),
      });
    }
    case 'remove-provisioning-auth': {
      if (!data.settings.provisioningAuth)
        return ok({ data, result: done('provisioning needs no credentials (none were set)') });
      const { provisioningAuth: _removed, ...settings } = data.settings;
      return ok({
        data: withAudit(
          { ...data, settings },
          audit('settings-changed', context, { detail: 'provisioning auth removed' }),
        ),
        result: done('provisioning needs no credentials any more'),
      });
    }
    case 'provisioning-fetched': {
      const phone = data.phones.find((candidate) => candidate.name === change.phone);
      if (!phone) return fail(refuse('unknown-phone', { value: change.phone }));
      // Recorded only for fetches under the current token: the phone follows it, the previous one is done with for it.
      const previous = data.settings.previousProvisioningToken;
      const followed = previous?.phones.includes(phone.name) === true;
      // Only forward, and never past what the phone should have: a late write of an older fetch changes nothing.
      const applied = Math.min(Math.max(phone.appliedGeneration, change.generation), phone.desiredGeneration);
      if (!Number.isInteger(change.generation) || (applied === phone.appliedGeneration && !followed)) {
        return ok({ data, result: done(`${phone.name} has generation ${phone.appliedGeneration}`) });
      }
      const phones = data.phones.map((candidate) =>
        candidate === phone ? { ...phone, appliedGeneration: applied } : candidate,
      );
      let settings = data.settings;
      if (followed && previous) {
        const left = previous.phones.filter((name) => name !== phone.name);
        const { previousProvisioningToken: _done, ...rest } = data.settings;
        settings = left.length > 0 ? { ...rest, previousProvisioningToken: { ...previous, phones: left } } : rest;
      }
      return ok({ data: { ...data, settings, phones }, result: done(`${phone.name} has generation ${applied}`) });
    }
    case 'rotate-provisioning-token': {
      if (!/^[A-Za-z0-9_-]{16,128}$/.test(change.token) || change.token === data.settings.provisioningToken) {
        return fail(
          refuse('invalid-setting', {
            name: 'provisioning token',
            value: '(hidden)',
            expected: '16 to 128 letters, digits, - or _, not the current token',
          }),
        );
      }
      if (!Number.isInteger(change.graceDays) || change.graceDays < 0 || change.graceDays > 365) {
        return fail(
          refuse('invalid-setting', {
            name: '--grace',
            value: String(change.graceDays),
            expected: 'a whole number of days from 0 to 365',
          }),
        );
      }
      // Phones that fetched a file have the old URL; they are told (check-sync) and get the new one in their file.
      const provisioned = data.phones.filter((phone) => phone.appliedGeneration > 0).map((phone) => phone.name);
      const until = new Date(Date.parse(context.now) + change.graceDays * 86_400_000).toISOString();
      const { previousProvisioningToken: dropped, ...rest } = data.settings;
      const keep = change.graceDays > 0 && provisioned.length > 0;
      const settings = {
        ...rest,
        provisioningToken: change.token,
        ...(keep
          ? { previousProvisioningToken: { token: data.settings.provisioningToken, until, phones: provisioned } }
          : {}),
      };
      const phones = data.phones.map((phone) => ({ ...phone, desiredGeneration: phone.desiredGeneration + 1 }));
      const warnings =
        dropped && dropped.phones.length > 0 && Date.parse(dropped.until) > Date.parse(context.now)
          ? [
              `${dropped.phones.join(', ')} had not yet followed the previous rotation: they need the new URL given by hand (or DHCP option 66)`,
            ]
          : [];
      const message = keep
        ? `new provisioning token; ${provisioned.length} phone(s) already provisioned are told to fetch their file, which carries the new URL; until they have fetched under it, at most until ${until}, the old URL still works for them (and only them)`
        : 'new provisioning token; the old URL works no more';
      return ok({
        data: withAudit(
          { ...data, settings, phones },
          audit('settings-changed', context, {
            detail: `provisioning token rotated${keep ? `, previous kept until ${until}` : ''}`,
          }),
        ),
        result: done(message, warnings),
        reprovision: phones.map((phone) => phone.name),
      });
    }
    case 'provisioning-bound': {
      const phone = data.phones.find((candidate) => candidate.name === change.phone);
      if (!phone) return fail(refuse('unknown-phone', { value: change.phone }));
      // The first address stays: a later registration elsewhere (with the password the file carried) moves nothing.
      if (phone.provisioningAddress !== undefined)
        return ok({ data, result: done(`${phone.name} is bound to ${phone.provisioningAddress}`) });
      const phones = data.phones.map((candidate) =>
        candidate === phone ? { ...phone, provisioningAddress: change.address } : candidate,
      );
      return ok({ data: { ...data, phones }, result: done(`${phone.name} is bound to ${change.address}`) });
    }
    case 'provisioning-release': {
      const phone = findPhone(data, change.phone);
      if (!phone) return fail(refuse('unknown-phone', { value: change.phone }));
      if (phone.provisioningAddress === undefined) {
        return ok({
          data,
          result: done(
            `${phone.name} may already fetch its files from any address (it has not registered since it was added or released)`,
          ),
        });
      }
      const { provisioningAddress: was, ...rest } = phone;
      const phones = data.phones.map((candidate) => (candidate === phone ? rest : candidate));
      return ok({
        data: withAudit(
          { ...data, phones },
          audit('settings-changed', context, {
            phone: phone.name,
            detail: `provisioning released (was bound to ${was})`,
          }),
        ),
        result: done(
          `${phone.name} may fetch its files from any address until it registers again (it was bound to ${was})`,
        ),
      });
    }
  }
}

/**
 * Changes to where desks are, for emergency calls: the office's civic address
 * (`hotdesk settings set civic-address …`) and one phone's desk location and
 * emergency callback number (`hotdesk phone set NAME --building … --room …
 * --emergency-callback +…`). Neither is part of any phone's configuration,
 * so nothing is re-provisioned; each change is audited with what it set.
 */
import type { AuditEntry, Phone } from '../core/model.js';
import {
  checkCallbackNumber,
  checkCivicValue,
  describeDesk,
  describeOffice,
  DESK_FIELDS,
  type CivicAddress,
  type CivicField,
  type DeskLocation,
} from '../core/civic-location.js';
import { fail, ok, refuse, type Outcome } from '../core/reasons.js';
import type { Applied, ChangeContext, CivicAddressChange, DeskLocationFields } from './change.js';
import { findPhone } from './queries.js';
import type { StoreData } from './schema.js';

export type { CivicAddressChange, DeskLocationFields } from './change.js';

const entry = (context: ChangeContext, fields: Omit<AuditEntry, 'at' | 'actor' | 'kind'>): AuditEntry => ({
  at: context.now,
  kind: 'settings-changed',
  actor: 'admin',
  ...fields,
});

export function applyCivicAddressChange(
  data: StoreData,
  change: CivicAddressChange,
  context: ChangeContext,
): Outcome<Applied> {
  for (const [field, value] of Object.entries(change.set) as [CivicField, string][]) {
    const problem = checkCivicValue(field, value);
    if (problem)
      return fail(refuse('invalid-setting', { name: 'civic-address', value: `${field}=${value}`, expected: problem }));
  }
  const address: CivicAddress = { ...data.settings.civicAddress, ...change.set };
  for (const field of change.cleared) delete address[field];
  const { civicAddress: _previous, ...rest } = data.settings;
  const settings = Object.keys(address).length > 0 ? { ...rest, civicAddress: address } : rest;
  const shown = describeOffice(address);
  const desk = describeDesk(address);
  const text = [shown, desk].filter(Boolean).join('; ') || 'not set';
  return ok({
    data: { ...data, settings, audit: [...data.audit, entry(context, { detail: `civic address: ${text}` })] },
    result: {
      kind: 'done',
      message: `office civic address: ${text}`,
      warnings:
        address.country === undefined && shown !== ''
          ? ['no country set: emergency services need it (country=US, DE, …)']
          : [],
    },
  });
}

/** The phone with its location fields changed, or the first problem. */
export function withDeskLocation(phone: Phone, fields: DeskLocationFields): Outcome<Phone> {
  const location: DeskLocation = { ...phone.location };
  for (const field of DESK_FIELDS) {
    const value = fields.location?.[field];
    if (value === undefined) continue;
    if (value === null) {
      delete location[field];
      continue;
    }
    const problem = checkCivicValue(field, value);
    if (problem) return fail(refuse('invalid-setting', { name: field, value, expected: problem }));
    location[field] = value;
  }
  const callback =
    fields.emergencyCallback === undefined ? phone.emergencyCallback : (fields.emergencyCallback ?? undefined);
  if (callback !== undefined) {
    const problem = checkCallbackNumber(callback);
    if (problem)
      return fail(refuse('invalid-setting', { name: 'emergency-callback', value: callback, expected: problem }));
  }
  const { location: _location, emergencyCallback: _callback, ...rest } = phone;
  return ok({
    ...rest,
    ...(Object.keys(location).length > 0 ? { location } : {}),
    ...(callback !== undefined ? { emergencyCallback: callback } : {}),
  });
}

export const hasDeskLocationFields = (fields: DeskLocationFields): boolean =>
  fields.emergencyCallback !== undefined || Object.values(fields.location ?? {}).some((value) => value !== undefined);

/** Sets one phone's desk location and callback number, with an audit entry saying what they are now. */
export function applyDeskLocation(
  data: StoreData,
  target: string,
  fields: DeskLocationFields,
  context: ChangeContext,
): Outcome<{ data: StoreData; message: string }> {
  const phone = findPhone(data, target);
  if (!phone) return fail(refuse('unknown-phone', { value: target }));
  const changed = withDeskLocation(phone, fields);
  if (!changed.ok) return changed;
  const next = changed.value;
  const where = describeDesk(next.location) || 'no location';
  const message = `${phone.name}: ${where}${next.emergencyCallback ? `, emergency callback ${next.emergencyCallback}` : ''}`;
  return ok({
    data: {
      ...data,
      phones: data.phones.map((candidate) => (candidate === phone ? next : candidate)),
      audit: [
        ...data.audit,
        entry(context, { phone: phone.name, detail: `location: ${message.slice(phone.name.length + 2)}` }),
      ],
    },
    message,
  });
}

/**
 * Where a desk is, for emergency calls: the office's civic address (RFC 5139
 * civic address elements) and each hot-desk phone's own building, floor and
 * room, plus an optional callback number (ELIN) for the trunk. A desk's
 * dispatchable location is the office address with the phone's parts laid
 * over it.
 */

/**
 * The civic fields an admin sets, each with its RFC 5139 §4 element name:
 * country (ISO 3166 alpha-2), A1 (national subdivision: state, region), A3
 * (city), RD (road), HNO (house number), PC (postal code), BLD (building),
 * FLR (floor), ROOM.
 */
export const CIVIC_FIELDS = {
  country: 'country',
  region: 'A1',
  city: 'A3',
  street: 'RD',
  number: 'HNO',
  'postal-code': 'PC',
  building: 'BLD',
  floor: 'FLR',
  room: 'ROOM',
} as const;

export type CivicField = keyof typeof CIVIC_FIELDS;
export type CivicAddress = Partial<Record<CivicField, string>>;

/** The part of a location a phone can set for itself (the desk within the office). */
export const DESK_FIELDS = ['building', 'floor', 'room'] as const satisfies readonly CivicField[];
export type DeskField = (typeof DESK_FIELDS)[number];
export type DeskLocation = Partial<Record<DeskField, string>>;

const MAX_FIELD_LENGTH = 64;

export function isCivicField(name: string): name is CivicField {
  return Object.hasOwn(CIVIC_FIELDS, name);
}

/** What is wrong with one field's value, or `undefined`. */
export function checkCivicValue(field: CivicField, value: string): string | undefined {
  if (field === 'country') {
    return /^[A-Z]{2}$/.test(value) ? undefined : 'country is a two-letter ISO 3166 code in capitals, such as DE or US';
  }
  if (value.trim() !== value || value === '') return `${field} has no leading or trailing spaces and is not empty`;
  if (value.length > MAX_FIELD_LENGTH) return `${field} is at most ${MAX_FIELD_LENGTH} characters`;
  if (/[\u0000-\u001f\u007f]/.test(value)) return `${field} holds no control characters`;
  return undefined;
}

/**
 * `country=DE city=Berlin "street=Unter den Linden"` as given on the command
 * line → the address, or the first problem. `field=` (empty) clears a field.
 */
export function parseCivicAssignments(
  words: readonly string[],
): { kind: 'ok'; set: CivicAddress; cleared: CivicField[] } | { kind: 'invalid'; problem: string } {
  const set: CivicAddress = {};
  const cleared: CivicField[] = [];
  for (const word of words) {
    const at = word.indexOf('=');
    const name = at < 0 ? word : word.slice(0, at);
    if (at < 0 || !isCivicField(name)) {
      return {
        kind: 'invalid',
        problem: `"${word}" is not FIELD=VALUE with FIELD one of ${Object.keys(CIVIC_FIELDS).join(', ')}`,
      };
    }
    const value = word.slice(at + 1);
    if (value === '') {
      cleared.push(name);
      continue;
    }
    const problem = checkCivicValue(name, value);
    if (problem) return { kind: 'invalid', problem };
    set[name] = value;
  }
  return { kind: 'ok', set, cleared };
}

/** The desk's dispatchable location: the office address, the phone's building/floor/room over it. */
export function deskAddress(office: CivicAddress | undefined, desk: DeskLocation | undefined): CivicAddress {
  const merged: CivicAddress = { ...office };
  for (const field of DESK_FIELDS) {
    const value = desk?.[field];
    if (value !== undefined) merged[field] = value;
  }
  return merged;
}

/** True when a location names the building, the floor or the room: enough to find the desk on site. */
export function hasDeskLocation(desk: DeskLocation | undefined): boolean {
  return DESK_FIELDS.some((field) => desk?.[field] !== undefined);
}

/** `building A, floor 2, room 214`, for status lines and the spoken alert; `''` when nothing is known. */
export function describeDesk(desk: DeskLocation | undefined): string {
  return DESK_FIELDS.flatMap((field) => (desk?.[field] === undefined ? [] : [`${field} ${desk[field]}`])).join(', ');
}

/** `Unter den Linden 5, 10117 Berlin, DE`: the office line of `hotdesk settings`. */
export function describeOffice(address: CivicAddress | undefined): string {
  if (!address) return '';
  const street = [address.street, address.number].filter(Boolean).join(' ');
  const city = [address['postal-code'], address.city].filter(Boolean).join(' ');
  return [street, city, address.region, address.country].filter(Boolean).join(', ');
}

/** An emergency callback number (ELIN) is E.164: `+`, then 8 to 15 digits. */
export function checkCallbackNumber(value: string): string | undefined {
  return /^\+[1-9]\d{7,14}$/.test(value)
    ? undefined
    : 'an emergency callback number is in E.164 form: + and 8 to 15 digits, such as +15551234567';
}

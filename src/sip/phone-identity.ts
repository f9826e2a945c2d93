/**
 * Which hot-desk phone a registration or a call comes from.
 *
 * A phone proves who it is only with its digest credentials: the account
 * (`HD0001` when idle, the user's extension when logged in) and the flow it
 * registered from. Headers it could forge (From, User-Agent, Contact user)
 * are never trusted on their own. The phone's *device* is the flow it was last
 * seen on — its source address and port, and the host:port of its Contact,
 * which stays the same when the phone changes account — learned while it
 * registers as its own `HDxxxx` account (which only that phone knows the
 * password of) and carried over to the user's registrations after a login.
 */
import type { Endpoint } from './message.js';
import type { Binding, LocationTable } from './location.js';

/** Where a phone was last seen. */
export interface Device {
  source: Endpoint;
  /** `host:port` of its Contact URI (the phone's own address as it sees it). */
  contactHost: string;
}

/** What the identification needs to know about a hot-desk phone. */
export interface PhoneIdentity {
  name: string;
  /** The logged-in extension, if any. */
  extension: string | undefined;
}

export type DeviceTable = ReadonlyMap<string, Device>;

/** `sip:100@10.0.0.5:5062;transport=udp` → `10.0.0.5:5062` (port 5060 when absent), lowercased. */
export function contactHostOf(contact: string): string {
  const match = /^sips?:(?:[^@;>?]*@)?(\[[^\]]+\]|[^;>?:]+)(?::(\d+))?/i.exec(contact.trim());
  if (!match) return contact.trim().toLowerCase();
  return `${match[1]!.toLowerCase()}:${match[2] ?? '5060'}`;
}

const sameEndpoint = (a: Endpoint, b: Endpoint): boolean =>
  a.protocol === b.protocol && a.address === b.address && a.port === b.port;

/**
 * The same device: the same flow, or (TCP reconnects, NAT re-mapping) the
 * same source address and the same Contact host:port.
 */
export function sameDevice(device: Device, source: Endpoint, contact: string | undefined): boolean {
  if (sameEndpoint(device.source, source)) return true;
  return (
    contact !== undefined && device.source.address === source.address && device.contactHost === contactHostOf(contact)
  );
}

/**
 * The hot-desk phone a REGISTER of `account` from `source` belongs to: the
 * phone itself for its own account; for an extension, the phone that user is
 * logged in on whose device this is. `undefined` for every other registration
 * (a user's own softphone, a desk phone that is not in the pool).
 */
export function phoneOfRegistration(
  account: string,
  source: Endpoint,
  contact: string | undefined,
  phones: readonly PhoneIdentity[],
  devices: DeviceTable,
): string | undefined {
  if (phones.some((phone) => phone.name === account)) return account;
  const device = (phone: PhoneIdentity) => devices.get(phone.name);
  return phones.find((phone) => {
    const seen = device(phone);
    return phone.extension === account && seen !== undefined && sameDevice(seen, source, contact);
  })?.name;
}

/**
 * The hot-desk phone a request authenticated as `account` comes from: its own
 * account sent from the address and port where that account holds a live
 * registration (its password alone, which its configuration file carries,
 * proves nothing from another host), or a registration of the logged-in user
 * made by that phone from this device. `undefined` when the request does not
 * come from a hot-desk phone.
 */
export function phoneOfRequest(
  account: string,
  source: Endpoint,
  contact: string | undefined,
  phones: readonly PhoneIdentity[],
  location: LocationTable,
  nowMs: number,
): string | undefined {
  const bindings = (location.get(account) ?? []).filter(
    (binding) => binding.expiresAt > nowMs && binding.phone !== undefined,
  );
  if (phones.some((phone) => phone.name === account)) {
    const registeredHere = bindings.some(
      (binding) => binding.source.address === source.address && binding.source.port === source.port,
    );
    return registeredHere ? account : undefined;
  }
  const match = (binding: Binding) =>
    sameDevice({ source: binding.source, contactHost: contactHostOf(binding.contact) }, source, contact) &&
    phones.some((phone) => phone.name === binding.phone && phone.extension === account);
  return bindings.find(match)?.phone;
}

/** The devices the bindings show (seeding the table at start, from saved registrations). */
export function devicesOf(bindings: readonly Binding[]): Map<string, Device> {
  const devices = new Map<string, Device>();
  for (const binding of bindings) {
    if (binding.phone)
      devices.set(binding.phone, { source: binding.source, contactHost: contactHostOf(binding.contact) });
  }
  return devices;
}

/**
 * Login and logout on hot-desk phones as pure transitions over the phone list.
 * Every phone whose identity changes gets its desired configuration
 * generation bumped, so the daemon re-provisions it (reconciliation).
 */
import type { Phone } from './model.js';
import type { Outcome } from './reasons.js';
import { fail, ok, refuse } from './reasons.js';

/**
 * What happens to a user's other phones when they log in somewhere:
 * `exclusive` logs them out there, `deny` refuses the new login, `allow` keeps both.
 */
export type MultiLoginPolicy = 'exclusive' | 'deny' | 'allow';

export interface SessionChange {
  phones: Phone[];
  /** Names of phones that were logged in and are now idle or switched, with who left them. */
  released: { phone: string; extension: string }[];
  /** Names of phones whose configuration must be fetched again. */
  reprovision: string[];
}

const bump = (phone: Phone): Phone => ({ ...phone, desiredGeneration: phone.desiredGeneration + 1 });

export interface LoginRequest {
  extension: string;
  phone: string;
  now: string;
  policy: MultiLoginPolicy;
}

export function applyLogin(phones: readonly Phone[], request: LoginRequest): Outcome<SessionChange> {
  const target = phones.find((phone) => phone.name === request.phone);
  if (!target) return fail(refuse('unknown-phone', { value: request.phone }));
  const elsewhere = phones.filter(
    (phone) => phone.name !== target.name && phone.session?.extension === request.extension,
  );
  if (request.policy === 'deny' && elsewhere.length > 0) {
    return fail(refuse('already-logged-in', { extension: request.extension, phone: elsewhere[0]!.name }));
  }
  const released: SessionChange['released'] = [];
  const reprovision: string[] = [];
  const next = phones.map((phone) => {
    if (phone.name === target.name) {
      if (phone.session && phone.session.extension !== request.extension) {
        released.push({ phone: phone.name, extension: phone.session.extension });
      }
      if (phone.session?.extension === request.extension) return phone;
      reprovision.push(phone.name);
      return bump({ ...phone, session: { extension: request.extension, since: request.now } });
    }
    if (request.policy === 'exclusive' && phone.session?.extension === request.extension) {
      released.push({ phone: phone.name, extension: request.extension });
      reprovision.push(phone.name);
      return bump({ ...phone, session: null });
    }
    return phone;
  });
  return ok({ phones: next, released, reprovision });
}

export type LogoutTarget = { phone: string } | { extension: string } | { all: true };

export function applyLogout(phones: readonly Phone[], target: LogoutTarget): Outcome<SessionChange> {
  const matches = (phone: Phone): boolean => {
    if (!phone.session) return false;
    if ('all' in target) return true;
    if ('phone' in target) return phone.name === target.phone;
    return phone.session.extension === target.extension;
  };
  if ('phone' in target && !phones.some((phone) => phone.name === target.phone)) {
    return fail(refuse('unknown-phone', { value: target.phone }));
  }
  const released: SessionChange['released'] = [];
  const next = phones.map((phone) => {
    if (!matches(phone)) return phone;
    released.push({ phone: phone.name, extension: phone.session!.extension });
    return bump({ ...phone, session: null });
  });
  if (released.length === 0 && !('all' in target)) {
    const what = 'phone' in target ? target.phone : target.extension;
    return fail(refuse('not-logged-in', { target: what }));
  }
  return ok({ phones: next, released, reprovision: released.map((entry) => entry.phone) });
}

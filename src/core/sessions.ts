/**
 * Login, logout and pinning on hot-desk phones as pure transitions over the
 * phone list. Every phone whose identity changes gets its desired
 * configuration generation bumped, so the daemon re-provisions it
 * (reconciliation).
 *
 * Two things hold sessions in place:
 * - a phone *pinned* to an extension (`Phone.pinned`) stays logged in as it:
 *   a login as anyone else there, its own logout and every logout by
 *   extension or of all phones leave it; the multi-login policy ignores it
 *   (it is that user's desk phone, like a softphone);
 * - an extension without hot-desk takeover (`hotdeskTakeover: false`) keeps
 *   its sessions when it logs in elsewhere under the `exclusive` policy (as
 *   under `allow`).
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

/** A phone pinned to an extension, else `undefined`. */
const pinnedTo = (phone: Phone): string | undefined => phone.pinned;

const pinnedRefusal = (phone: Phone) => fail(refuse('phone-pinned', { phone: phone.name, extension: phone.pinned! }));

export interface LoginRequest {
  extension: string;
  phone: string;
  now: string;
  policy: MultiLoginPolicy;
  /**
   * `false`: the extension's sessions elsewhere are never ended by this login (`Extension.hotdeskTakeover`).
   * Default `true`.
   */
  takeover?: boolean;
}

export function applyLogin(phones: readonly Phone[], request: LoginRequest): Outcome<SessionChange> {
  const target = phones.find((phone) => phone.name === request.phone);
  if (!target) return fail(refuse('unknown-phone', { value: request.phone }));
  const pinned = pinnedTo(target);
  if (pinned !== undefined && pinned !== request.extension) return pinnedRefusal(target);
  // Phones pinned to this user are their own desk phones: no policy counts or ends them.
  const elsewhere = phones.filter(
    (phone) =>
      phone.name !== target.name && phone.session?.extension === request.extension && pinnedTo(phone) === undefined,
  );
  if (request.policy === 'deny' && elsewhere.length > 0) {
    return fail(refuse('already-logged-in', { extension: request.extension, phone: elsewhere[0]!.name }));
  }
  const takeover = request.policy === 'exclusive' && request.takeover !== false;
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
    if (takeover && elsewhere.includes(phone)) {
      released.push({ phone: phone.name, extension: request.extension });
      reprovision.push(phone.name);
      return bump({ ...phone, session: null });
    }
    return phone;
  });
  return ok({ phones: next, released, reprovision });
}

export type LogoutTarget = { phone: string } | { extension: string } | { all: true };

export interface LogoutOptions {
  /** Release pinned phones too (and unpin them): only when their extension goes away. */
  includePinned?: boolean;
}

/**
 * Logs out one phone, every phone of an extension, or every phone. Pinned
 * phones are left as they are (unless `includePinned`): logging out a pinned
 * phone is refused (`phone-pinned`), and so is logging out an extension
 * whose only sessions are on phones pinned to it; `all` passes them over.
 */
export function applyLogout(
  phones: readonly Phone[],
  target: LogoutTarget,
  options: LogoutOptions = {},
): Outcome<SessionChange> {
  const matches = (phone: Phone): boolean => {
    if (!phone.session) return false;
    if ('all' in target) return true;
    if ('phone' in target) return phone.name === target.phone;
    return phone.session.extension === target.extension;
  };
  const held = (phone: Phone): boolean => !options.includePinned && pinnedTo(phone) !== undefined;
  if ('phone' in target) {
    const phone = phones.find((candidate) => candidate.name === target.phone);
    if (!phone) return fail(refuse('unknown-phone', { value: target.phone }));
    if (held(phone)) return pinnedRefusal(phone);
  }
  const released: SessionChange['released'] = [];
  const next = phones.map((phone) => {
    if (!matches(phone)) return phone;
    if (held(phone)) return phone;
    released.push({ phone: phone.name, extension: phone.session!.extension });
    const { pinned: _unpinned, ...rest } = phone;
    return bump({ ...rest, session: null });
  });
  if (released.length === 0 && !('all' in target)) {
    const pinnedPhone = phones.find((phone) => matches(phone) && held(phone));
    if (pinnedPhone) return pinnedRefusal(pinnedPhone);
    const what = 'phone' in target ? target.phone : target.extension;
    return fail(refuse('not-logged-in', { target: what }));
  }
  return ok({ phones: next, released, reprovision: released.map((entry) => entry.phone) });
}

export interface PinRequest {
  phone: string;
  /** The extension to pin the phone to; `null` unpins it (it stays logged in, as an ordinary session). */
  extension: string | null;
  now: string;
}

/** What pinning changed, besides the sessions. */
export interface PinChange extends SessionChange {
  /** The extension the phone was pinned to before, if any. */
  before: string | undefined;
}

/**
 * Pins a phone to an extension: it is logged in as it now (the user on it
 * before, if another, is released) and stays so. The multi-login policy is not
 * applied: a pinned phone is its user's own desk phone. Unpinning keeps the
 * session; `hotdesk logout` may then end it.
 */
export function applyPin(phones: readonly Phone[], request: PinRequest): Outcome<PinChange> {
  const target = phones.find((phone) => phone.name === request.phone);
  if (!target) return fail(refuse('unknown-phone', { value: request.phone }));
  const before = pinnedTo(target);
  const released: SessionChange['released'] = [];
  const reprovision: string[] = [];
  let updated: Phone;
  if (request.extension === null) {
    const { pinned: _unpinned, ...rest } = target;
    updated = rest;
  } else {
    updated = { ...target, pinned: request.extension };
    if (target.session?.extension !== request.extension) {
      if (target.session) released.push({ phone: target.name, extension: target.session.extension });
      reprovision.push(target.name);
      updated = bump({ ...updated, session: { extension: request.extension, since: request.now } });
    }
  }
  const next = phones.map((phone) => (phone === target ? updated : phone));
  return ok({ phones: next, released, reprovision, before });
}

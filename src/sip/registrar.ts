/**
 * Registrar decisions (RFC 3261 §10.3) for an already authenticated REGISTER:
 * what to answer and the AOR's bindings afterwards.
 */
import { detached } from './detached.js';
import type { Endpoint, NameAddr, SipRequest } from './message.js';
import { headerText } from './message.js';
import type { Binding } from './location.js';

export interface RegistrarLimits {
  minExpires: number;
  maxExpires: number;
  defaultExpires: number;
  maxContactsPerAor: number;
}

export const DEFAULT_REGISTRAR_LIMITS: RegistrarLimits = {
  minExpires: 60,
  maxExpires: 3600,
  defaultExpires: 3600,
  maxContactsPerAor: 10,
};

export type RegisterDecision =
  | { kind: 'ok'; bindings: Binding[]; changed: boolean }
  | { kind: 'error'; status: number; phrase: string; minExpires?: number };

export interface RegisterInput {
  request: SipRequest;
  aor: string;
  source: Endpoint;
  current: readonly Binding[];
  nowMs: number;
  limits?: RegistrarLimits;
}

/** RFC 3261 §19.1.4-ish comparison, enough for contacts: scheme, user, host, port; params ignored. */
export function sameContact(a: string, b: string): boolean {
  const key = (uri: string) => {
    const match = /^(sips?):(?:([^@;>?]*)@)?([^;>?:]+|\[[^\]]+\])(?::(\d+))?/i.exec(uri.trim());
    if (!match) return uri.trim();
    return [match[1]!.toLowerCase(), match[2] ?? '', match[3]!.toLowerCase(), match[4] ?? ''].join('|');
  };
  return key(a) === key(b);
}

function parseExpires(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  if (!/^\d{1,10}$/.test(text)) return Number.NaN;
  return Number(text);
}

export function decideRegister(input: RegisterInput): RegisterDecision {
  const limits = input.limits ?? DEFAULT_REGISTRAR_LIMITS;
  const { request, nowMs } = input;
  const headerExpires = parseExpires(headerText(request.headers, 'expires'));
  if (Number.isNaN(headerExpires)) return { kind: 'error', status: 400, phrase: 'Invalid Expires' };
  const callId = request.headers['call-id'];
  const cseq = request.headers.cseq.seq;
  const contacts = request.headers.contact;
  const userAgent = headerText(request.headers, 'user-agent');

  // No Contact: a query; answer with the current bindings (RFC 3261 §10.3 step 6).
  if (contacts === undefined || (Array.isArray(contacts) && contacts.length === 0)) {
    return { kind: 'ok', bindings: input.current.filter((binding) => binding.expiresAt > nowMs), changed: false };
  }

  // The sip parser hands `Contact: *` over as a contact whose URI is "*".
  const wildcard = contacts === '*' || contacts.some((contact) => contact.uri.trim() === '*');
  if (wildcard) {
    // RFC 3261 §10.3 step 6: "*" only with Expires: 0 and alone.
    if (headerExpires !== 0 || (Array.isArray(contacts) && contacts.length > 1)) {
      return { kind: 'error', status: 400, phrase: 'Wildcard Needs Expires 0' };
    }
    const outOfOrder = input.current.some((binding) => binding.callId === callId && binding.cseq >= cseq);
    if (outOfOrder) return { kind: 'error', status: 400, phrase: 'Out Of Order CSeq' };
    return { kind: 'ok', bindings: [], changed: input.current.length > 0 };
  }

  let bindings = input.current.filter((binding) => binding.expiresAt > nowMs);
  let changed = bindings.length !== input.current.length;
  for (const contact of contacts as NameAddr[]) {
    if (!/^sips?:/i.test(contact.uri)) return { kind: 'error', status: 400, phrase: 'Bad Contact' };
    const contactExpires = parseExpires(contact.params['expires']);
    if (Number.isNaN(contactExpires)) return { kind: 'error', status: 400, phrase: 'Invalid Expires' };
    const requested = contactExpires ?? headerExpires ?? limits.defaultExpires;
    // RFC 3261 §10.3 step 7: a nonzero interval below the minimum gets 423 with Min-Expires.
    if (requested > 0 && requested < limits.minExpires) {
      return { kind: 'error', status: 423, phrase: 'Interval Too Brief', minExpires: limits.minExpires };
    }
    const expires = Math.min(requested, limits.maxExpires);
    const existing = bindings.find((binding) => sameContact(binding.contact, contact.uri));
    // RFC 3261 §10.3 step 7: same Call-ID needs a higher CSeq.
    if (existing && existing.callId === callId && existing.cseq >= cseq) {
      return { kind: 'error', status: 400, phrase: 'Out Of Order CSeq' };
    }
    bindings = bindings.filter((binding) => binding !== existing);
    if (expires === 0) {
      changed = changed || existing !== undefined;
      continue;
    }
    // Kept for the registration's life: copies, not views into the REGISTER's text (detached.ts).
    bindings.push({
      aor: detached(input.aor),
      contact: detached(contact.uri),
      source: input.source,
      expiresAt: nowMs + expires * 1000,
      callId: detached(callId),
      cseq,
      ...(userAgent ? { userAgent: detached(userAgent) } : {}),
    });
    changed = true;
  }
  // A phone that reboots registers a new contact; the oldest binding makes room.
  if (bindings.length > limits.maxContactsPerAor) {
    bindings = [...bindings]
      .sort((a, b) => a.expiresAt - b.expiresAt)
      .slice(bindings.length - limits.maxContactsPerAor);
  }
  return { kind: 'ok', bindings, changed };
}

/**
 * True when `after` holds the registrations of `before`, one for one, with only their expiry and
 * CSeq moved: a refresh (the same contact, Call-ID, source, user agent and phone).
 */
export function onlyRefreshed(before: readonly Binding[], after: readonly Binding[]): boolean {
  return (
    before.length === after.length &&
    after.every((binding) =>
      before.some(
        (old) =>
          old.contact === binding.contact &&
          old.callId === binding.callId &&
          old.source.protocol === binding.source.protocol &&
          old.source.address === binding.source.address &&
          old.source.port === binding.source.port &&
          old.userAgent === binding.userAgent &&
          old.phone === binding.phone,
      ),
    )
  );
}

/** Contact header values for a 200 OK: every binding with its remaining seconds. */
export function contactsForResponse(bindings: readonly Binding[], nowMs: number): NameAddr[] {
  return bindings.map((binding) => ({
    uri: binding.contact,
    params: { expires: String(Math.max(0, Math.round((binding.expiresAt - nowMs) / 1000))) },
  }));
}

/** REGISTER: authenticates, decides by the registrar (registrar.ts), records the binding and answers. */
import type { Endpoint, SipRequest } from '../../sip/message.js';
import { contactsForResponse, decideRegister, onlyRefreshed } from '../../sip/registrar.js';
import { withBindings, type Binding } from '../../sip/location.js';
import { accountIndex } from '../../store/account-index.js';
import { contactHostOf, phoneOfRegistration } from '../../sip/phone-identity.js';
import { authenticate, phoneIdentities, respond, userOf, type SipContext } from './sip-context.js';

/** The Date header's text (RFC 3261 §20.17), made once a second. */
const date = { second: Number.NaN, text: '' };
function httpDate(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== date.second) {
    date.second = second;
    date.text = new Date(second * 1000).toUTCString();
  }
  return date.text;
}

const passwordKnown = (ctx: SipContext, account: string): boolean => accountIndex(ctx.store.data).has(account);

export function handleRegister(ctx: SipContext, request: SipRequest, remote: Endpoint): void {
  const { now, devices, phoneSync } = ctx;
  const account = authenticate(ctx, request, remote, 'registrar');
  if (account === undefined) return;
  const aor = userOf(request.headers.to.uri);
  // RFC 3261 §10.3 step 3: the authenticated user must be allowed to register this AOR.
  if (aor !== account || !passwordKnown(ctx, account)) return respond(ctx, request, 403, 'Forbidden');
  const current = ctx.bindings.location.get(aor) ?? [];
  const decision = decideRegister({ request, aor, source: remote, current, nowMs: now() });
  if (decision.kind === 'error') {
    return respond(
      ctx,
      request,
      decision.status,
      decision.phrase,
      decision.minExpires ? { 'min-expires': String(decision.minExpires) } : {},
    );
  }
  const contactUri = Array.isArray(request.headers.contact) ? request.headers.contact[0]?.uri : undefined;
  const phone = phoneOfRegistration(account, remote, contactUri, phoneIdentities(ctx), devices);
  const callId = request.headers['call-id'];
  let retagged = false;
  const bindings = decision.bindings.map((binding): Binding => {
    if (binding.callId !== callId || binding.phone === phone) return binding;
    retagged = true;
    const { phone: _previous, ...rest } = binding;
    return phone ? { ...rest, phone } : rest;
  });
  if (phone && contactUri) devices.set(phone, { source: remote, contactHost: contactHostOf(contactUri) });
  ctx.bindings.location = withBindings(ctx.bindings.location, aor, bindings);
  if (decision.changed || retagged) ctx.bindings.persist(onlyRefreshed(current, bindings) ? 'refresh' : 'change');
  const contact = contactsForResponse(decision.bindings, now());
  respond(ctx, request, 200, 'OK', { ...(contact.length > 0 ? { contact } : {}), date: httpDate(now()) });
  // A phone that missed its check-sync (unreachable, or hotdeskd restarted) is told again when it registers.
  if (phone && contact.length > 0) {
    phoneSync.registered(phone);
    bindProvisioning(ctx, phone, remote.address);
  }
}

/**
 * #12 item 9: a phone's own files (its SIP passwords) are served only to the address it first
 * registered from. Phones behind an SBC register from the SBC's address, not their own: not bound.
 */
function bindProvisioning(ctx: SipContext, phone: string, address: string): void {
  const { store, options, log } = ctx;
  const binding = ctx.provisioningBinding;
  const stored = accountIndex(store.data).phone(phone);
  if (
    !options.submit ||
    !stored ||
    stored.provisioningAddress !== undefined ||
    stored.connection.mode === 'sbc' ||
    binding.has(phone)
  )
    return;
  binding.add(phone);
  void options
    // Written as the HTTP server writes client addresses (an IPv4-mapped IPv6 address as IPv4).
    .submit({
      kind: 'provisioning-bound',
      phone,
      address: address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address,
    })
    .then(
      (response) => {
        if (response.ok)
          log.info({ phone, address }, 'phone registered: its provisioning files are served only to this address now');
      },
      (error: unknown) =>
        log.error({ err: error, phone }, "could not bind the phone's provisioning files to its address"),
    )
    .finally(() => binding.delete(phone));
}

/**
 * The SIP service as the rest of hotdeskd sees it: phone switching and provisioning (phone-sync.ts),
 * the calls it places (logout warning, emergency announcement), activity for policies, and close.
 */
import { lookup } from '../../sip/location.js';
import { parseUserAgent } from '../../provisioning/parse-user-agent.js';
import type { SipService, SipServiceOptions } from './sip-service-types.js';
import type { SipContext } from './sip-context.js';

/** Vendor id of a catalogue model (the check-sync NOTIFY and the calls placed tell phones apart by it). */
export function vendorOf(options: Pick<SipServiceOptions, 'vendorOf'>, model: string): string {
  return (options.vendorOf ?? ((name: string) => name.split('-')[0] ?? name))(model);
}

/** In a call with the voice menu, or its user in a proxied call from this desk. */
export function phoneInCall(ctx: SipContext, phone: string): boolean {
  if (ctx.ivr?.inCall(phone)) return true;
  const found = ctx.store.data.phones.find((candidate) => candidate.name === phone);
  return Boolean(
    found?.session &&
    ctx.blf.inCall(found.session.extension) &&
    ctx.bindings.boundTo(phone).some((binding) => binding.aor === found.session!.extension),
  );
}

export function createSipServiceApi(ctx: SipContext, sweep: NodeJS.Timeout): SipService {
  const { stack, authenticator, proxy, phoneSync, ivr, store, blf } = ctx;
  let closed = false;
  return {
    stack,
    authenticator,
    proxy,
    phoneSync,
    ivr,
    location: () => ctx.bindings.location,
    switchPhones: (phones) => phoneSync.switchPhones(phones),
    reprovision: (phones) => phoneSync.reprovision(phones),
    reconcile: () => phoneSync.reconcile(),
    phoneActivity(phone) {
      const extension = store.data.phones.find((candidate) => candidate.name === phone)?.session?.extension;
      const lastCallMs = extension === undefined ? undefined : blf.lastCallAt(extension);
      return { inCall: phoneInCall(ctx, phone), ...(lastCallMs !== undefined ? { lastCallMs } : {}) };
    },
    warnPhone: (phone, warning) => warnPhone(ctx, phone, warning),
    announce: (extension, announcement) => announce(ctx, extension, announcement),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweep);
      phoneSync.close();
      await ivr?.close();
      await ctx.bindings.flush();
      await stack.close();
    },
  };
}

function warnPhone(ctx: SipContext, ...[phone, warning]: Parameters<SipService['warnPhone']>) {
  const { store, ivr } = ctx;
  const found = store.data.phones.find((candidate) => candidate.name === phone);
  const extension = found?.session?.extension;
  if (!ivr || !found || extension === undefined) return undefined;
  const bindings = ctx.bindings.boundTo(phone);
  const binding = bindings.filter((candidate) => candidate.aor === extension).at(-1) ?? bindings.at(-1);
  if (!binding) return undefined;
  const user = store.data.extensions.find((ext) => ext.number === binding.aor);
  const password = user?.sipPassword ?? (binding.aor === found.name ? found.idlePassword : undefined);
  return ivr.warn({
    phone,
    extension,
    target: { aor: binding.aor, contact: binding.contact, source: binding.source },
    vendor: vendorOf(ctx.options, found.model),
    language:
      store.data.extensions.find((ext) => ext.number === extension)?.language ?? store.data.settings.defaultLanguage,
    domain: store.data.settings.sipDomain,
    ...(password !== undefined ? { credentials: { username: binding.aor, password } } : {}),
    ...warning,
  });
}

async function announce(ctx: SipContext, ...[extension, announcement]: Parameters<SipService['announce']>) {
  const { store, ivr } = ctx;
  if (!ivr) return [];
  const calls = lookup(ctx.bindings.location, extension, ctx.now()).map((binding) => {
    const phone =
      binding.phone === undefined ? undefined : store.data.phones.find((candidate) => candidate.name === binding.phone);
    const vendor = phone
      ? vendorOf(ctx.options, phone.model)
      : (parseUserAgent(binding.userAgent)?.vendor ?? 'unknown');
    const password = store.data.extensions.find((ext) => ext.number === binding.aor)?.sipPassword;
    return ivr.announce({
      phone: binding.phone ?? extension,
      target: { aor: binding.aor, contact: binding.contact, source: binding.source },
      vendor,
      language: announcement.language,
      domain: store.data.settings.sipDomain,
      prompts: announcement.prompts,
      subject: announcement.subject,
      ...(announcement.ringTimeoutMs !== undefined ? { ringTimeoutMs: announcement.ringTimeoutMs } : {}),
      ...(password !== undefined ? { credentials: { username: binding.aor, password } } : {}),
    });
  });
  return Promise.all(calls);
}

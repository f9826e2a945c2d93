/**
 * One check-sync NOTIFY to a phone (phone-sync.ts), sent through
 * digest-retry.ts: a challenge is answered once with the credentials of the
 * account the phone registered (an extension, or the phone's idle account).
 */
import { generateBranch } from '../../adapters/sip-syntax.js';
import { sipTag } from '../../adapters/secrets.js';
import type { SipRequest, SipResponse } from '../../sip/message.js';
import type { Binding } from '../../sip/location.js';
import { buildCheckSync } from '../../sip/check-sync.js';
import { sendWithDigestRetry, type Credentials } from './digest-retry.js';
import type { PhoneSyncContext } from './phone-sync-context.js';

function credentialsFor(ctx: PhoneSyncContext, aor: string): Credentials | undefined {
  const data = ctx.options.data();
  const extension = data.extensions.find((ext) => ext.number === aor);
  if (extension) return { username: aor, password: extension.sipPassword };
  const phone = data.phones.find((candidate) => candidate.name === aor);
  return phone ? { username: aor, password: phone.idlePassword } : undefined;
}

function buildNotify(ctx: PhoneSyncContext, phone: string, target: Binding): SipRequest {
  const { options } = ctx;
  const data = options.data();
  const model = data.phones.find((candidate) => candidate.name === phone)?.model ?? '';
  return buildCheckSync({
    vendor: options.vendorOf(model),
    aor: target.aor,
    contact: target.contact,
    domain: data.settings.sipDomain,
    ownUri: options.ownUri(),
    callId: `${generateBranch().slice(7)}@hotdesk`,
    fromTag: sipTag(),
    cseq: 1,
  });
}

/** Sends the phone a check-sync NOTIFY at the binding's contact, from where it registered. */
export function sendCheckSync(ctx: PhoneSyncContext, phone: string, target: Binding): void {
  const { stack, log } = ctx.options;
  const request = buildNotify(ctx, phone, target);
  ctx.sent += 1;
  let retried = false;
  const rebuild = (): SipRequest => {
    retried = true;
    const retry = structuredClone(request);
    retry.headers.cseq = { seq: 2, method: 'NOTIFY' };
    return retry;
  };
  const onResponse = (response: SipResponse): void => {
    if (!retried && (response.status === 401 || response.status === 407)) {
      log.warn({ phone, status: response.status }, 'phone challenged the check-sync NOTIFY and no credentials fit');
    } else if (response.status >= 300)
      log.warn({ phone, status: response.status }, 'phone refused the check-sync NOTIFY');
    else if (response.status >= 200 && !retried) log.debug({ phone, aor: target.aor }, 'check-sync accepted');
  };
  sendWithDigestRetry(stack, structuredClone(request), target.source, onResponse, {
    get credentials() {
      return credentialsFor(ctx, target.aor);
    },
    answer: ctx.options.answerChallenge,
    rebuild,
  });
}

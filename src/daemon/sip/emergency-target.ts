/**
 * An emergency call's copy towards the trunk: who to call back and, when
 * the trunk takes it, where the desk is (RFC 6442 location). Nothing here waits, and a bug here never stops the call.
 */
import { copyMessage } from '../../adapters/sip-syntax.js';
import { nonceRandom } from '../../adapters/node-crypto.js';
import type { Endpoint, SipRequest } from '../../sip/message.js';
import { emergencyCaller, emergencyCallerUser } from '../../core/emergency-caller.js';
import { buildPidfLo } from '../../sip/pidf-lo.js';
import { buildEmergencyInvite, LOCATION_REFUSED, withoutLocation } from '../../sip/emergency-invite.js';
import { deskAddress, describeDesk } from '../../core/civic-location.js';
import type { StoreData } from '../../store/schema.js';
import type { Logger } from '../../adapters/log.js';
import type { ForkTarget } from './proxy.js';

export interface EmergencyTargetContext {
  data(): StoreData;
  log: Logger;
  now(): number;
  /** The hot-desk phone a request of this account came from (sip/phone-identity.ts). */
  phoneOf(account: string, remote: Endpoint, contactUri: string | undefined): string | undefined;
}

/**
 * An emergency call's copy towards the trunk: who to call back (the desk's ELIN, the user's
 * extension, the office's main number or the phone's account) and, when the trunk is set to
 * pidf-lo, the desk's civic location. Nothing here waits: the call leaves at once.
 */
function emergencyTarget(
  context: EmergencyTargetContext,
  request: SipRequest,
  remote: Endpoint,
  account: string | undefined,
): Pick<ForkTarget, 'prepare' | 'fallback'> {
  if (account === undefined) return {};
  const { log } = context;
  const { settings, phones } = context.data();
  const contactUri = Array.isArray(request.headers.contact) ? request.headers.contact[0]?.uri : undefined;
  const idle = phones.find((phone) => phone.name === account);
  const name = idle?.name ?? context.phoneOf(account, remote, contactUri);
  const phone = name === undefined ? undefined : phones.find((candidate) => candidate.name === name);
  const caller = emergencyCaller({
    ...(phone
      ? {
          phone: {
            name: phone.name,
            emergencyCallback: phone.emergencyCallback,
            extension: phone.session?.extension,
          },
        }
      : {}),
    account,
    accountIsExtension: context.data().extensions.some((ext) => ext.number === account),
    mainNumber: settings.trunk?.mainNumber,
  });
  const hex = (bytes: number) => Buffer.from(nonceRandom(bytes)).toString('hex');
  const wanted = settings.trunk?.emergencyLocation === 'pidf-lo';
  const domain = context.data().settings.sipDomain;
  const user = emergencyCallerUser(caller);
  const pidfLo =
    wanted && phone
      ? buildPidfLo({
          entity: `sip:${user}@${domain}`,
          deviceMac: phone.mac,
          address: deskAddress(settings.civicAddress, phone.location),
          timestamp: new Date(context.now()).toISOString(),
          id: `d${hex(6)}`,
          language: settings.defaultLanguage,
        })
      : undefined;
  const desk = pidfLo ? { pidfLo, boundary: `hotdesk-${hex(12)}`, contentId: `${hex(8)}@${domain}` } : undefined;
  let original: SipRequest | undefined;
  return {
    prepare(copy) {
      original = copyMessage(copy, true);
      const built = buildEmergencyInvite(copy, { caller, domain, ...(desk ? { location: desk } : {}) });
      const sent =
        built.location === 'sent'
          ? describeDesk(phone?.location) || 'office address only'
          : wanted
            ? phone
              ? 'not sent: the INVITE has no SDP'
              : 'not sent: not a hot-desk phone'
            : 'not asked for';
      log.info({ phone: phone?.name, identity: caller.kind, user, location: sent }, 'emergency call identity');
      return built.request;
    },
    fallback(status, prepared) {
      if (!original || prepared.headers['geolocation'] === undefined || !LOCATION_REFUSED.includes(status))
        return undefined;
      log.warn({ phone: phone?.name, status }, 'emergency call: the trunk refused the location, sent again without it');
      return withoutLocation(prepared, original);
    },
  };
}

/** A bug in the identity or location never stops an emergency call: it then leaves as any call to the trunk. */
export function safeEmergencyTargetOf(
  context: EmergencyTargetContext,
  request: SipRequest,
  remote: Endpoint,
  account: string | undefined,
): Pick<ForkTarget, 'prepare' | 'fallback'> {
  const failed = (error: unknown) =>
    context.log.error(
      { err: error, callId: request.headers['call-id'] },
      'emergency call: identity or location failed, the call goes on without them',
    );
  try {
    const target = emergencyTarget(context, request, remote, account);
    return {
      prepare(copy) {
        const plain = copyMessage(copy, true);
        try {
          return target.prepare ? target.prepare(copy) : copy;
        } catch (error) {
          failed(error);
          return plain;
        }
      },
      fallback(status, prepared) {
        try {
          return target.fallback?.(status, prepared);
        } catch (error) {
          failed(error);
          return undefined;
        }
      },
    };
  } catch (error) {
    failed(error);
    return {};
  }
}

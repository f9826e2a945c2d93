/**
 * An emergency call as it leaves for the trunk: it says who to call back
 * (core/emergency-caller.ts) in its P-Asserted-Identity and From user, and,
 * when the trunk is set to `pidf-lo`, where the desk is: the PIDF-LO beside
 * the SDP in a multipart/mixed body, pointed at by a Geolocation header (RFC
 * 6442). Only the copy sent to the trunk changes; the caller's own request,
 * and the trunk's answer on its way back, do not.
 */
import type { EmergencyCaller } from '../core/emergency-caller.js';
import { emergencyCallerUser } from '../core/emergency-caller.js';
import type { SipRequest } from './message.js';
import { buildLocationBody } from './pidf-lo.js';

export interface EmergencyInviteInput {
  caller: EmergencyCaller;
  /** The office's SIP domain: the host of the asserted identity. */
  domain: string;
  /** The desk's location, when it is to be sent. */
  location?: { pidfLo: string; boundary: string; contentId: string };
}

export interface EmergencyInvite {
  request: SipRequest;
  /** Whether the location went with it (`undefined` when none was asked for). */
  location?: 'sent' | 'no-sdp';
}

/** `sip:+15551234567@office.example;user=phone` for an E.164 number (RFC 3261 §19.1.1), else `sip:USER@domain`. */
export function emergencyIdentityUri(caller: EmergencyCaller, domain: string): string {
  const user = emergencyCallerUser(caller);
  return `sip:${user}@${domain}${user.startsWith('+') ? ';user=phone' : ''}`;
}

/** The URI with its user part replaced (`sip:100@host;x` → `sip:USER@host;x`); one without a user part gets one. */
export function withUser(uri: string, user: string): string {
  const match = /^(sips?:)(?:[^@;?]*@)?(.*)$/i.exec(uri);
  return match ? `${match[1]}${user}@${match[2]}` : uri;
}

const contentTypeOf = (request: SipRequest): string => {
  const value = request.headers['content-type'];
  return (typeof value === 'string' ? value : '').split(';')[0]!.trim().toLowerCase();
};

export function buildEmergencyInvite(request: SipRequest, input: EmergencyInviteInput): EmergencyInvite {
  const identity = emergencyIdentityUri(input.caller, input.domain);
  const headers = {
    ...request.headers,
    // RFC 3325 §9.1: the identity the trunk may trust; the From user for trunks that read only that.
    'p-asserted-identity': `<${identity}>`,
    from: { ...request.headers.from, uri: withUser(request.headers.from.uri, emergencyCallerUser(input.caller)) },
  };
  if (!input.location) return { request: { ...request, headers } };
  const sdp = request.content;
  if (!sdp || contentTypeOf(request) !== 'application/sdp')
    return { request: { ...request, headers }, location: 'no-sdp' };
  const body = buildLocationBody(sdp, input.location.pidfLo, {
    boundary: input.location.boundary,
    contentId: input.location.contentId,
  });
  return {
    request: {
      ...request,
      headers: {
        ...headers,
        'content-type': body.contentType,
        geolocation: body.geolocation,
        // RFC 6442 §3.2: absent means "no"; the provider may route an emergency call by where the desk is.
        'geolocation-routing': 'yes',
      },
      content: body.body,
    },
    location: 'sent',
  };
}

/**
 * Answers of a trunk that may mean it does not take the location (RFC 6442 §4.1: 424 Bad Location
 * Information; a multipart body it cannot read: 400, 415, 488): the call goes again without it.
 */
export const LOCATION_REFUSED: readonly number[] = [400, 415, 424, 488];

/** The request as sent, without the location: the caller's own body and Content-Type back, no Geolocation. */
export function withoutLocation(sent: SipRequest, original: SipRequest): SipRequest {
  const {
    geolocation: _geolocation,
    'geolocation-routing': _routing,
    'content-type': _type,
    ...headers
  } = sent.headers;
  const type = original.headers['content-type'];
  const request: SipRequest = {
    ...sent,
    headers: { ...headers, ...(type !== undefined ? { 'content-type': type } : {}) },
  };
  if (original.content !== undefined) request.content = original.content;
  else delete request.content;
  return request;
}

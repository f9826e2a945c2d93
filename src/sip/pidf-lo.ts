/**
 * The location of an emergency call as SIP carries it: a PIDF-LO document
 * (RFC 4119, with the RFC 5491 profile: one `dm:device` holding the
 * `gp:geopriv`) whose civic address uses the RFC 5139 elements, sent by value
 * in a multipart/mixed body beside the SDP and pointed at by a `Geolocation`
 * header with a `cid:` URI (RFC 6442 §4.1, §3.1).
 */
import { CIVIC_FIELDS, type CivicAddress, type CivicField } from '../core/civic-location.js';

export const PIDF_NS = 'urn:ietf:params:xml:ns:pidf';
export const GEOPRIV_NS = 'urn:ietf:params:xml:ns:pidf:geopriv10';
export const CIVIC_NS = 'urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr';
export const DATA_MODEL_NS = 'urn:ietf:params:xml:ns:pidf:data-model';

export interface PidfLoInput {
  /** The presentity: the caller's SIP URI (`pres:` or `sip:`). */
  entity: string;
  /** Identifies the device: the desk phone's MAC (RFC 5491 §3.4 `mac:` device ID). */
  deviceMac: string;
  address: CivicAddress;
  /** When the location was set (ISO 8601). */
  timestamp: string;
  /** A short random id for the device element (xs:ID: starts with a letter). */
  id: string;
  language?: string;
}

/**
 * The schema of RFC 5139 §4 makes the civic elements an ordered sequence (country, A1…A6, PRM, PRD, RD,
 * STS, …, HNO, HNS, LMK, LOC, FLR, NAM, PC, BLD, UNIT, ROOM, …): the fields set here, in that order.
 */
const ELEMENT_ORDER: readonly CivicField[] = [
  'country',
  'region',
  'city',
  'street',
  'number',
  'floor',
  'postal-code',
  'building',
  'room',
];

const escapeXml = (text: string): string =>
  text.replace(/[<>&'"]/g, (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[char]!);

export function buildPidfLo(input: PidfLoInput): string {
  const civic = ELEMENT_ORDER.flatMap((field) => {
    const value = input.address[field];
    return value === undefined
      ? []
      : [`          <ca:${CIVIC_FIELDS[field]}>${escapeXml(value)}</ca:${CIVIC_FIELDS[field]}>`];
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<presence xmlns="${PIDF_NS}" xmlns:gp="${GEOPRIV_NS}" xmlns:ca="${CIVIC_NS}" xmlns:dm="${DATA_MODEL_NS}" ` +
      `entity="${escapeXml(input.entity)}">`,
    `  <dm:device id="${escapeXml(input.id)}">`,
    '    <gp:geopriv>',
    '      <gp:location-info>',
    `        <ca:civicAddress xml:lang="${escapeXml(input.language ?? 'en')}">`,
    ...civic,
    '        </ca:civicAddress>',
    '      </gp:location-info>',
    '      <gp:usage-rules/>',
    // RFC 4119 §2.2.3 / RFC 4589: the location was entered by hand, not measured.
    '      <gp:method>Manual</gp:method>',
    '    </gp:geopriv>',
    `    <dm:deviceID>mac:${escapeXml(input.deviceMac.toLowerCase())}</dm:deviceID>`,
    `    <dm:timestamp>${escapeXml(input.timestamp)}</dm:timestamp>`,
    '  </dm:device>',
    '</presence>',
    '',
  ].join('\r\n');
}

export interface LocationBody {
  /** The value of the request's Content-Type header. */
  contentType: string;
  body: string;
  /** The `Geolocation` header value (RFC 6442 §4.1). */
  geolocation: string;
}

/**
 * The SDP and the PIDF-LO as one multipart/mixed body (RFC 6442 §4.1 example,
 * RFC 2046 §5.1): the SDP first, then the location with the Content-ID the
 * Geolocation header names.
 */
export function buildLocationBody(
  sdp: string,
  pidfLo: string,
  options: { boundary: string; contentId: string },
): LocationBody {
  const { boundary, contentId } = options;
  const crlfSdp = sdp.replace(/\r?\n/g, '\r\n');
  const body = [
    `--${boundary}`,
    'Content-Type: application/sdp',
    '',
    crlfSdp.endsWith('\r\n') ? crlfSdp.slice(0, -2) : crlfSdp,
    `--${boundary}`,
    'Content-Type: application/pidf+xml',
    `Content-ID: <${contentId}>`,
    '',
    pidfLo.endsWith('\r\n') ? pidfLo.slice(0, -2) : pidfLo,
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return { contentType: `multipart/mixed; boundary=${boundary}`, body, geolocation: `<cid:${contentId}>` };
}

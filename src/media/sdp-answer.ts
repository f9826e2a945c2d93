/**
 * The login IVR's SDP answer (RFC 3264 offer/answer) to a phone's INVITE
 * offer, read and written with `sdp-transform`.
 *
 * What the IVR can do: one audio stream, RTP/AVP, G.711 (PCMU or PCMA) at
 * 8000 Hz in 20 ms packets, plus telephone-event/8000 for DTMF. The answer:
 * - has one m-line per offered m-line, in the offer's order (RFC 3264 §6);
 * - accepts the first usable audio m-line: port not 0, RTP/AVP, a connection
 *   address (media level, else session level: RFC 4566 §5.7) and a codec
 *   we support; every other m-line — video, a second audio stream, SRTP
 *   (RTP/SAVP), port 0 — is rejected with port 0 (RFC 3264 §6);
 * - picks, of PCMU and PCMA, the one that comes first in the offerer's format
 *   list, with the offerer's payload type (RFC 3264 §6.1);
 * - answers telephone-event/8000 with the offerer's payload type and
 *   `a=fmtp:PT 0-15`, the events we receive (RFC 4733 §2.4.1);
 * - mirrors the direction: sendonly ↔ recvonly, sendrecv and inactive stay
 *   (RFC 3264 §6.1), always written out;
 * - says `a=ptime:20`, the packet length we send.
 *
 * An offer that is not SDP (no `v=0`, no m-line, an m-line we cannot read) and
 * an offer with no acceptable audio both give 488 Not Acceptable Here: the
 * INVITE itself is well formed, only its session description is refused
 * (RFC 3261 §21.4.26); `problem` tells which, for the log.
 */
import { parse, write, type MediaDescription, type SessionDescription } from 'sdp-transform';
import type { G711Codec } from './g711.js';

export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface SdpAnswerOptions {
  /** Our RTP address (IPv4 or IPv6), written in o= and c=. */
  address: string;
  /** Our RTP port for the accepted audio stream. */
  port: number;
  /** o= session id: the caller's, kept for the dialog (RFC 4566 §5.2). */
  sessionId: number | string;
  /** o= session version, raised by the caller with each new answer in the dialog. */
  sessionVersion: number;
}

export type SdpAnswer =
  | {
      ok: true;
      sdp: string;
      codec: G711Codec;
      /** The payload type of the codec, both ways. */
      payloadType: number;
      /** Present when the offer had telephone-event/8000. */
      telephoneEvent?: { payloadType: number };
      /** Where to send RTP. */
      remote: { address: string; port: number };
      /** Our direction in the answer (what we may do: send, receive, both or neither). */
      direction: MediaDirection;
    }
  | { ok: false; status: 488; problem: 'malformed-offer' | 'no-acceptable-audio' };

/** RFC 3551 §6, Table 4: static payload types we can use without an rtpmap. */
const STATIC_PAYLOAD_TYPES: Readonly<Record<number, { codec: string; rate: number }>> = {
  0: { codec: 'PCMU', rate: 8000 },
  8: { codec: 'PCMA', rate: 8000 },
};

const SUPPORTED_CODECS: readonly G711Codec[] = ['PCMU', 'PCMA'];
/** RFC 4733 §2.4.1: the DTMF events we receive. */
const TELEPHONE_EVENTS = '0-15';
const PTIME_MS = 20;

const MIRROR: Readonly<Record<MediaDirection, MediaDirection>> = {
  sendrecv: 'sendrecv',
  sendonly: 'recvonly',
  recvonly: 'sendonly',
  inactive: 'inactive',
};

const refuse = (problem: 'malformed-offer' | 'no-acceptable-audio'): SdpAnswer => ({ ok: false, status: 488, problem });

const isPort = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 0xffff;

/** The m-line's format list as payload types (non-numeric formats dropped). */
function formatsOf(media: MediaDescription): number[] {
  return String(media.payloads ?? '')
    .split(/\s+/)
    .filter((format) => /^\d{1,3}$/.test(format))
    .map(Number)
    .filter((pt) => pt <= 127);
}

/** What a payload type stands for in this m-line: its rtpmap, else the static assignment. */
function encodingOf(
  media: MediaDescription,
  pt: number,
): { codec: string; rate: number; channels: number } | undefined {
  const mapped = media.rtp.find((entry) => entry.payload === pt);
  if (mapped) {
    if (typeof mapped.rate !== 'number') return undefined;
    const channels = mapped.encoding === undefined ? 1 : Number(mapped.encoding);
    return { codec: String(mapped.codec).toUpperCase(), rate: mapped.rate, channels };
  }
  const fixed = STATIC_PAYLOAD_TYPES[pt];
  return fixed ? { ...fixed, channels: 1 } : undefined;
}

/** A connection address without the multicast TTL/count suffix, if the c= line was readable. */
function addressOf(connection: SessionDescription['connection']): string | undefined {
  if (!connection || typeof connection.ip !== 'string') return undefined;
  const address = connection.ip.split('/')[0]!;
  return address === '' ? undefined : address;
}

interface Accepted {
  index: number;
  codec: G711Codec;
  payloadType: number;
  telephoneEvent: number | undefined;
  remote: { address: string; port: number };
  direction: MediaDirection;
}

/** The m-line we accept, with what we chose from it, if it is usable. */
function accept(session: SessionDescription, media: MediaDescription, index: number): Accepted | undefined {
  if (media.type.toLowerCase() !== 'audio' || media.port === 0 || media.protocol.toUpperCase() !== 'RTP/AVP')
    return undefined;
  const address = addressOf(media.connection) ?? addressOf(session.connection);
  if (address === undefined) return undefined;
  const formats = formatsOf(media);
  let codec: G711Codec | undefined;
  let payloadType: number | undefined;
  // RFC 3264 §6.1: the offerer lists formats in its order of preference; take its first that we support.
  for (const pt of formats) {
    const encoding = encodingOf(media, pt);
    const supported = SUPPORTED_CODECS.find((name) => name === encoding?.codec);
    if (supported && encoding?.rate === 8000 && encoding.channels === 1) {
      codec = supported;
      payloadType = pt;
      break;
    }
  }
  if (codec === undefined || payloadType === undefined) return undefined;
  // RFC 4733 §2.4.1: telephone-event must share the audio clock, 8000 Hz for G.711.
  const telephoneEvent = formats.find((pt) => {
    const encoding = encodingOf(media, pt);
    return encoding?.codec === 'TELEPHONE-EVENT' && encoding.rate === 8000;
  });
  const offered = media.direction ?? session.direction ?? 'sendrecv';
  return {
    index,
    codec,
    payloadType,
    telephoneEvent,
    remote: { address, port: media.port },
    direction: MIRROR[offered],
  };
}

/** RFC 3264 §6: a refused stream keeps its type, protocol and formats, with port 0. */
function rejected(media: MediaDescription): MediaDescription {
  const payloads = String(media.payloads ?? '').trim();
  return {
    type: media.type,
    port: 0,
    protocol: media.protocol,
    payloads: payloads === '' ? '0' : payloads,
    rtp: [],
    fmtp: [],
  };
}

function answered(accepted: Accepted, port: number): MediaDescription {
  const { codec, payloadType, telephoneEvent } = accepted;
  const media: MediaDescription = {
    type: 'audio',
    port,
    protocol: 'RTP/AVP',
    payloads: telephoneEvent === undefined ? `${payloadType}` : `${payloadType} ${telephoneEvent}`,
    rtp: [{ payload: payloadType, codec, rate: 8000 }],
    fmtp: [],
    ptime: PTIME_MS,
    direction: accepted.direction,
  };
  if (telephoneEvent !== undefined) {
    media.rtp.push({ payload: telephoneEvent, codec: 'telephone-event', rate: 8000 });
    media.fmtp.push({ payload: telephoneEvent, config: TELEPHONE_EVENTS });
  }
  return media;
}

/** An offer sdp-transform read whose m-lines all have a type, a port and a protocol. */
function readOffer(offerText: string): (SessionDescription & { media: MediaDescription[] }) | undefined {
  if (typeof offerText !== 'string') return undefined;
  let session: SessionDescription;
  try {
    session = parse(offerText);
  } catch {
    return undefined;
  }
  // RFC 4566 §5: a description starts with v=0 and (for us) has at least one m-line.
  if (session.version !== 0 || !Array.isArray(session.media) || session.media.length === 0) return undefined;
  const readable = session.media.every(
    (media) =>
      typeof media.type === 'string' &&
      media.type !== '' &&
      isPort(media.port) &&
      typeof media.protocol === 'string' &&
      media.protocol !== '',
  );
  return readable ? session : undefined;
}

/** The answer to an SDP offer, or 488 with the problem (see the module comment). */
export function buildSdpAnswer(offerText: string, options: SdpAnswerOptions): SdpAnswer {
  const offer = readOffer(offerText);
  if (!offer) return refuse('malformed-offer');
  let chosen: Accepted | undefined;
  for (const [index, media] of offer.media.entries()) {
    chosen = accept(offer, media, index);
    if (chosen) break;
  }
  if (!chosen) return refuse('no-acceptable-audio');
  const accepted = chosen;

  const ipVer = options.address.includes(':') ? 6 : 4;
  const answer: SessionDescription = {
    version: 0,
    origin: {
      username: 'hotdesk',
      sessionId: options.sessionId,
      sessionVersion: options.sessionVersion,
      netType: 'IN',
      ipVer,
      address: options.address,
    },
    name: 'hotdesk',
    connection: { version: ipVer, ip: options.address },
    // RFC 3264 §6: the t= line of the answer equals the offer's.
    timing: offer.timing ?? { start: 0, stop: 0 },
    media: offer.media.map((media, index) =>
      index === accepted.index ? answered(accepted, options.port) : rejected(media),
    ),
  };
  return {
    ok: true,
    sdp: write(answer),
    codec: accepted.codec,
    payloadType: accepted.payloadType,
    ...(accepted.telephoneEvent !== undefined ? { telephoneEvent: { payloadType: accepted.telephoneEvent } } : {}),
    remote: accepted.remote,
    direction: accepted.direction,
  };
}

/**
 * The RTP fixed header (RFC 3550 §5.1) read from and written to bytes.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * |                           timestamp                           |
 * |           synchronization source (SSRC) identifier            |
 * |            contributing source (CSRC) identifiers (CC×)       |
 * [ profile-defined | length (32-bit words) | extension words…  ]   (X=1, §5.3.1)
 * payload … [ padding … | padding count ]                           (P=1)
 * ```
 *
 * Wire input never throws: {@link parseRtp} answers undefined for anything
 * that is not a well-formed RTP packet, and the caller drops and counts it.
 */

/** An RTP header extension (RFC 3550 §5.3.1), kept as read. */
export interface RtpHeaderExtension {
  /** The 16 profile-defined bits (0xBEDE for RFC 8285 one-byte headers). */
  profile: number;
  /** The extension words, without the 4-byte extension header. */
  data: Uint8Array;
}

export interface RtpPacket {
  version: 2;
  /** The P bit: the payload was followed by padding, already removed from `payload`. */
  padding: boolean;
  /** The header extension when the X bit is set. */
  extension: RtpHeaderExtension | undefined;
  marker: boolean;
  /** 0–127. */
  payloadType: number;
  /** 0–65535. */
  sequence: number;
  /** 0–2^32−1. */
  timestamp: number;
  /** 0–2^32−1. */
  ssrc: number;
  csrcs: number[];
  /** The payload without padding: a copy, not a view of the input. */
  payload: Uint8Array;
}

export interface RtpPacketOptions {
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  payload: Uint8Array;
}

const FIXED_HEADER = 12;

const u16 = (bytes: Uint8Array, at: number): number => (bytes[at]! << 8) | bytes[at + 1]!;
const u32 = (bytes: Uint8Array, at: number): number =>
  ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;

/**
 * Reads an RTP packet, or undefined when it is not one: shorter than the
 * fixed header, version other than 2, CSRC list or header extension running
 * past the end, a padding count of 0 or longer than what follows the header,
 * or a payload type of 72–76 (RTCP SR/RR/SDES/BYE/APP multiplexed on the RTP
 * port, RFC 5761 §4).
 */
export function parseRtp(bytes: Uint8Array): RtpPacket | undefined {
  if (!(bytes instanceof Uint8Array) || bytes.length < FIXED_HEADER) return undefined;
  const first = bytes[0]!;
  const second = bytes[1]!;
  // RFC 3550 §5.1: V is 2.
  if (first >> 6 !== 2) return undefined;
  const padding = (first & 0x20) !== 0;
  const hasExtension = (first & 0x10) !== 0;
  const csrcCount = first & 0x0f;
  const payloadType = second & 0x7f;
  // RFC 5761 §4: these payload types would collide with RTCP packet types 200–204.
  if (payloadType >= 72 && payloadType <= 76) return undefined;

  let offset = FIXED_HEADER + 4 * csrcCount;
  if (offset > bytes.length) return undefined;
  const csrcs: number[] = [];
  for (let at = FIXED_HEADER; at < offset; at += 4) csrcs.push(u32(bytes, at));

  let extension: RtpHeaderExtension | undefined;
  if (hasExtension) {
    // RFC 3550 §5.3.1: 16 bits profile-defined, 16 bits length in 32-bit words after the 4-byte header.
    if (offset + 4 > bytes.length) return undefined;
    const profile = u16(bytes, offset);
    const words = u16(bytes, offset + 2);
    const end = offset + 4 + 4 * words;
    if (end > bytes.length) return undefined;
    extension = { profile, data: new Uint8Array(bytes.subarray(offset + 4, end)) };
    offset = end;
  }

  let end = bytes.length;
  if (padding) {
    // RFC 3550 §5.1: the last octet counts the padding octets, itself included.
    const count = bytes[bytes.length - 1]!;
    if (count === 0 || count > bytes.length - offset) return undefined;
    end -= count;
  }

  return {
    version: 2,
    padding,
    extension,
    marker: (second & 0x80) !== 0,
    payloadType,
    sequence: u16(bytes, 2),
    timestamp: u32(bytes, 4),
    ssrc: u32(bytes, 8),
    csrcs,
    payload: new Uint8Array(bytes.subarray(offset, end)),
  };
}

function checkField(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw new RangeError(`RTP ${name} must be an integer 0–${max}, got ${value}`);
}

/**
 * Writes an RTP packet: version 2, no padding, no extension, no CSRCs. The
 * values are ours, not wire input, so one out of range is a bug and throws a
 * RangeError (wrapping sequence and timestamp is the sender's job).
 */
export function buildRtp(options: RtpPacketOptions): Uint8Array {
  const { marker, payloadType, sequence, timestamp, ssrc, payload } = options;
  checkField('payload type', payloadType, 0x7f);
  checkField('sequence', sequence, 0xffff);
  checkField('timestamp', timestamp, 0xffffffff);
  checkField('SSRC', ssrc, 0xffffffff);
  const bytes = new Uint8Array(FIXED_HEADER + payload.length);
  bytes[0] = 0x80; // RFC 3550 §5.1: V=2, P=0, X=0, CC=0
  bytes[1] = (marker ? 0x80 : 0) | payloadType;
  bytes[2] = sequence >>> 8;
  bytes[3] = sequence & 0xff;
  bytes[4] = timestamp >>> 24;
  bytes[5] = (timestamp >>> 16) & 0xff;
  bytes[6] = (timestamp >>> 8) & 0xff;
  bytes[7] = timestamp & 0xff;
  bytes[8] = ssrc >>> 24;
  bytes[9] = (ssrc >>> 16) & 0xff;
  bytes[10] = (ssrc >>> 8) & 0xff;
  bytes[11] = ssrc & 0xff;
  bytes.set(payload, FIXED_HEADER);
  return bytes;
}

/**
 * DTMF received as RTP telephone-events (RFC 4733): the payload reader and
 * the decoder that turns a stream of event packets into keys.
 *
 * One key press is one event, identified by (SSRC, RTP timestamp): every
 * packet of the event carries the timestamp of its start (RFC 4733 §2.5.1.1),
 * the duration grows in each update, and the end packet (E bit) is usually
 * sent three times (RFC 4733 §2.5.1.4). The decoder reports a key once, when
 * the event ends: on its first end packet, or — when every end packet was
 * lost — when the same source starts a newer event or when no update came
 * for {@link DTMF_EVENT_TIMEOUT_MS} ({@link expireDtmf}).
 */
import { dtmfDigitOfEvent, type DtmfDigit } from './dtmf-digit.js';

/** One event block of a telephone-event payload (RFC 4733 §2.3). */
export interface TelephoneEvent {
  /** 0–255; 0–15 are the DTMF keys. */
  event: number;
  /** The E bit: this packet ends the event. */
  end: boolean;
  /** 0–63, meaning 0 to −63 dBm0; irrelevant to decoding. */
  volume: number;
  /** In RTP clock units since the event's timestamp. */
  duration: number;
}

/**
 * Reads the first event block of a telephone-event payload:
 *
 * ```
 * | event (8) |E|R| volume (6) |        duration (16)        |
 * ```
 *
 * Undefined when the payload is shorter than 4 bytes. RFC 4733 §2.5.1.5 lets
 * a sender pack several short, already finished events into one packet; desk
 * phones do not, and only the first block is read (the rest is ignored). The
 * R bit is ignored (RFC 4733 §2.3.3).
 */
export function parseTelephoneEvent(payload: Uint8Array): TelephoneEvent | undefined {
  if (!(payload instanceof Uint8Array) || payload.length < 4) return undefined;
  const flags = payload[1]!;
  return {
    event: payload[0]!,
    end: (flags & 0x80) !== 0,
    volume: flags & 0x3f,
    duration: (payload[2]! << 8) | payload[3]!,
  };
}

/** An event packet as the decoder needs it: the RTP header fields, the payload block and when it arrived. */
export interface RtpEventInput {
  ssrc: number;
  timestamp: number;
  /** RTP sequence number; not needed for the decision (events are told apart by timestamp). */
  sequence: number;
  event: number;
  end: boolean;
  duration: number;
  arrivalMs: number;
}

/** What the decoder remembers of one source (SSRC). */
export interface DtmfSourceState {
  /** Timestamp of the newest event seen from this source. */
  readonly latest: number;
  /** That event while it is still unreported, with the arrival of its last packet. */
  readonly pending: { readonly digit: DtmfDigit; readonly lastMs: number } | undefined;
}

/**
 * SSRC → its newest event, least recently used first (Map insertion order).
 * At most {@link DTMF_MAX_SOURCES} sources are kept.
 */
export type DtmfDecoderState = ReadonlyMap<number, DtmfSourceState>;

export interface DtmfDecoderResult {
  state: DtmfDecoderState;
  /** Keys that ended, in order. */
  digits: DtmfDigit[];
}

/**
 * How long an event may go without an update before it is taken as ended
 * (its end packets lost). Senders update every 50 ms or so (RFC 4733
 * §2.5.1.2), so 300 ms is several lost packets in a row. The RFC leaves the
 * value to the implementation.
 */
export const DTMF_EVENT_TIMEOUT_MS = 300;

/** Sources remembered at once; a call has one or two, the cap only bounds garbage. */
export const DTMF_MAX_SOURCES = 8;

export const createDtmfDecoder = (): DtmfDecoderState => new Map();

/** RFC 3550 §5.1 timestamps wrap at 2^32: `a` is newer than `b` when it is less than half the space ahead. */
function isNewer(a: number, b: number): boolean {
  const ahead = (a - b) >>> 0;
  return ahead !== 0 && ahead < 0x8000_0000;
}

/**
 * Reports events that got no update for {@link DTMF_EVENT_TIMEOUT_MS} up to
 * `nowMs` (their end packets were lost). An unchanged decoder is returned as is.
 */
export function expireDtmf(state: DtmfDecoderState, nowMs: number): DtmfDecoderResult {
  let next: Map<number, DtmfSourceState> | undefined;
  const expired: { digit: DtmfDigit; lastMs: number }[] = [];
  for (const [ssrc, source] of state) {
    if (!source.pending || nowMs - source.pending.lastMs < DTMF_EVENT_TIMEOUT_MS) continue;
    next ??= new Map(state);
    next.set(ssrc, { latest: source.latest, pending: undefined });
    expired.push(source.pending);
  }
  expired.sort((a, b) => a.lastMs - b.lastMs);
  return { state: next ?? state, digits: expired.map((entry) => entry.digit) };
}

/**
 * Takes one telephone-event packet. Events other than the sixteen DTMF keys
 * (RFC 4733 §3.2) are ignored, and so are packets of an event already
 * reported (repeated end packets, RFC 4733 §2.5.1.4) or older than the newest
 * event of their source (reordered). Before the packet is taken, events timed
 * out by `arrivalMs` are reported ({@link expireDtmf}), so keys come out in
 * the order they were pressed. A second key press with the same timestamp as
 * the first is not told apart (RFC 4733 §2.5.1.1 gives each a new one), and
 * an event longer than ~8 s, which the sender splits into segments with new
 * timestamps (RFC 4733 §2.5.1.3), counts once per segment.
 */
export function applyRtpEvent(state: DtmfDecoderState, input: RtpEventInput): DtmfDecoderResult {
  const expired = expireDtmf(state, input.arrivalMs);
  const digit = dtmfDigitOfEvent(input.event);
  if (digit === undefined) return expired;
  const source = expired.state.get(input.ssrc);
  const timestamp = input.timestamp >>> 0;
  const fromPacket: DtmfDigit[] = [];

  let updated: DtmfSourceState;
  if (source && timestamp === source.latest) {
    // RFC 4733 §2.5.1.1: same timestamp, same event — an update or a repeated end.
    if (!source.pending) return expired;
    if (input.end) {
      fromPacket.push(source.pending.digit);
      updated = { latest: timestamp, pending: undefined };
    } else {
      updated = { latest: timestamp, pending: { digit: source.pending.digit, lastMs: input.arrivalMs } };
    }
  } else if (source && !isNewer(timestamp, source.latest)) {
    return expired; // a late packet of an older event
  } else {
    // A new event; the source's previous one, if still open, lost its end packets.
    if (source?.pending) fromPacket.push(source.pending.digit);
    if (input.end) fromPacket.push(digit);
    updated = { latest: timestamp, pending: input.end ? undefined : { digit, lastMs: input.arrivalMs } };
  }

  const next = new Map(expired.state);
  next.delete(input.ssrc); // re-inserted last: most recently used
  next.set(input.ssrc, updated);
  const evicted: DtmfDigit[] = [];
  for (const [ssrc, oldest] of next) {
    if (next.size <= DTMF_MAX_SOURCES) break;
    // A forgotten source's open event is reported rather than lost.
    if (oldest.pending) evicted.push(oldest.pending.digit);
    next.delete(ssrc);
  }
  return { state: next, digits: [...expired.digits, ...evicted, ...fromPacket] };
}

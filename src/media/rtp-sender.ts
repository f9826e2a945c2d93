/**
 * The prompt player's packetiser: G.711 audio (8000 samples/s, one byte per
 * sample) cut into 20 ms RTP packets of 160 bytes. The state is a value; the
 * caller keeps the returned state and sends the packets one every 20 ms.
 *
 * Numbering (RFC 3550 §5.1): the sequence number grows by 1 per packet and
 * wraps at 2^16; the timestamp grows by the 160 samples of each packet and
 * wraps at 2^32. Both start from seeds the caller draws at random (the SSRC
 * too, RFC 3550 §8.1); this module never does. Send silence packets between
 * prompts so that timestamps keep pace with the clock.
 */
import { buildRtp } from './rtp-packet.js';
import { G711_SILENCE, type G711Codec } from './g711.js';

/** 20 ms at 8000 samples/s (RFC 3551 §4.2: 20 ms is the default packetization interval). */
export const SAMPLES_PER_PACKET = 160;
export const PACKET_DURATION_MS = 20;

export interface RtpSenderState {
  readonly ssrc: number;
  /** Sequence number of the next packet. */
  readonly sequence: number;
  /** RTP timestamp of the next packet's first sample. */
  readonly timestamp: number;
}

export interface RtpSenderOptions {
  codec: G711Codec;
  /** The payload type agreed in SDP (0 for PCMU and 8 for PCMA unless remapped). */
  payloadType: number;
}

export interface RtpSenderResult {
  state: RtpSenderState;
  packets: Uint8Array[];
}

const next = (state: RtpSenderState): RtpSenderState => ({
  ssrc: state.ssrc,
  sequence: (state.sequence + 1) & 0xffff,
  timestamp: (state.timestamp + SAMPLES_PER_PACKET) % 0x1_0000_0000,
});

function packetise(
  state: RtpSenderState,
  frames: Uint8Array[],
  options: RtpSenderOptions,
  markFirst: boolean,
): RtpSenderResult {
  const packets: Uint8Array[] = [];
  let current = state;
  for (const [index, payload] of frames.entries()) {
    packets.push(
      buildRtp({
        marker: markFirst && index === 0,
        payloadType: options.payloadType,
        sequence: current.sequence,
        timestamp: current.timestamp,
        ssrc: current.ssrc,
        payload,
      }),
    );
    current = next(current);
  }
  return { state: current, packets };
}

/**
 * The packets of one prompt: 160 bytes each, the last one filled up with
 * silence, the marker bit on the first (RFC 3551 §4.1: the first packet of a
 * talkspurt after silence). Empty audio gives no packets and the same state.
 */
export function buildPromptPackets(
  state: RtpSenderState,
  audio: Uint8Array,
  options: RtpSenderOptions,
): RtpSenderResult {
  const frames: Uint8Array[] = [];
  for (let at = 0; at < audio.length; at += SAMPLES_PER_PACKET) {
    const frame = new Uint8Array(SAMPLES_PER_PACKET).fill(G711_SILENCE[options.codec]);
    frame.set(audio.subarray(at, at + SAMPLES_PER_PACKET));
    frames.push(frame);
  }
  return packetise(state, frames, options, true);
}

/** `count` packets of silence (no marker), e.g. between prompts. */
export function buildSilencePackets(state: RtpSenderState, count: number, options: RtpSenderOptions): RtpSenderResult {
  const frames = Array.from({ length: Math.max(0, Math.trunc(count)) }, () =>
    new Uint8Array(SAMPLES_PER_PACKET).fill(G711_SILENCE[options.codec]),
  );
  return packetise(state, frames, options, false);
}

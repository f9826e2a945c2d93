/**
 * The state one login call's media shares between its parts (media-session.ts
 * composes them: media-sender.ts, media-dtmf.ts, media-receiver.ts), with the
 * types and limits they agree on.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../adapters/log.js';
import type { RtpEndpoint, RtpSocket } from '../../adapters/rtp-socket.js';
import type { PromptLibrary } from '../../adapters/prompt-files.js';
import type { Language } from '../../core/model.js';
import type { DtmfDigit } from '../../media/dtmf-digit.js';
import type { G711Codec } from '../../media/g711.js';
import { createInbandDetector, type InbandDetectorState } from '../../media/goertzel.js';
import type { RtpSenderState } from '../../media/rtp-sender.js';
import type { MediaDirection } from '../../media/sdp-answer.js';
import { createDtmfDecoder, type DtmfDecoderState } from '../../media/telephone-event.js';

/** Keys per second beyond which keys are dropped. */
export const MAX_DIGITS_PER_SECOND = 20;
/** How close a better DTMF source's start must follow the worse one's key to be the same press. */
export const HANDOVER_MS = 500;
/** Silence packets after a prompt before `play()` says it finished. */
export const PLAYOUT_TAIL_PACKETS = 3;
/** Most packets one tick sends to catch up after a late timer. */
export const MAX_CATCH_UP_PACKETS = 5;

/** What the SDP answer settled (the `ok` half of {@link SdpAnswer} fits). */
export interface MediaAnswer {
  codec: G711Codec;
  /** The audio payload type, both ways. */
  payloadType: number;
  telephoneEvent?: { payloadType: number };
  /** Where the phone said to send RTP. */
  remote: RtpEndpoint;
  /** Our direction in the answer; absent means sendrecv. */
  direction?: MediaDirection;
}

export type DtmfSource = 'rfc4733' | 'info' | 'inband';

export interface MediaSessionStats {
  /** RTP packets handed to the socket. */
  sent: number;
  /** Datagrams from the socket. */
  received: number;
  /** Not RTP, or a telephone-event payload too short to read. */
  malformed: number;
  /** From another source than the latched one. */
  strangers: number;
  /** RTP with a payload type that is neither the audio's nor telephone-event's. */
  unexpectedPayloadType: number;
  /** Late packets of an SSRC that was replaced. */
  staleSsrc: number;
  ssrcChanges: number;
  /** Keys reported. */
  digits: number;
  /** Keys dropped by the flood limit. */
  rateLimited: number;
  /** Keys dropped as a second source's copy of a press already reported. */
  duplicates: number;
  /** Where RTP goes since the phone's first packet (symmetric RTP). */
  latched: RtpEndpoint | undefined;
  /** The DTMF source the call uses now. */
  dtmfSource: DtmfSource | undefined;
}

export interface MediaSessionOptions {
  socket: Pick<RtpSocket, 'port' | 'onPacket' | 'send' | 'close'>;
  answer: MediaAnswer;
  prompts: Pick<PromptLibrary, 'sequence'>;
  language: Language;
  log?: Pick<Logger, 'debug' | 'info' | 'warn'>;
  /** Milliseconds; default `performance.now()`. */
  now?: () => number;
  /** In [0, 1), for the SSRC and the first sequence number and timestamp (RFC 3550 §5.1, §8.1); default crypto. */
  random?: () => number;
  maxDigitsPerSecond?: number;
}

export interface Playing {
  packets: Uint8Array[];
  /** Next packet to send. */
  index: number;
  /** Sender state after the last packet. */
  after: RtpSenderState;
  /** Silence packets still to send before 'finished'. */
  tail: number;
  resolve(result: 'finished' | 'stopped'): void;
}

/** One call's media state, shared by its parts. */
export interface MediaContext {
  readonly socket: MediaSessionOptions['socket'];
  readonly prompts: MediaSessionOptions['prompts'];
  readonly language: Language;
  readonly log: MediaSessionOptions['log'];
  readonly now: () => number;
  readonly maxDigitsPerSecond: number;
  readonly stats: MediaSessionStats;
  answer: MediaAnswer;
  closed: boolean;
  // Sending
  sender: RtpSenderState;
  playing: Playing | undefined;
  nextDueMs: number;
  timer: NodeJS.Timeout | undefined;
  // Receiving
  ssrc: number | undefined;
  readonly retired: Set<number>;
  decoder: DtmfDecoderState;
  inband: InbandDetectorState;
  digitHandler: ((digit: DtmfDigit) => void) | undefined;
  /** Keys the worse source reported just before a better one took over: the better one's first keys, while equal, are those presses. */
  handover: DtmfDigit[];
  /** Keys reported in the last second, for the flood limit and the handover. */
  recent: { digit: DtmfDigit; source: DtmfSource; atMs: number }[];
}

const cryptoRandom = (): number => randomBytes(4).readUInt32BE(0) / 0x1_0000_0000;
export const sameEndpoint = (a: RtpEndpoint, b: RtpEndpoint): boolean => a.address === b.address && a.port === b.port;

/** The fields we use (an SDP answer brings its text along too). */
export const copyAnswer = (answer: MediaAnswer): MediaAnswer => ({
  codec: answer.codec,
  payloadType: answer.payloadType,
  ...(answer.telephoneEvent ? { telephoneEvent: { payloadType: answer.telephoneEvent.payloadType } } : {}),
  remote: { address: answer.remote.address, port: answer.remote.port },
  ...(answer.direction ? { direction: answer.direction } : {}),
});

const emptyStats = (): MediaSessionStats => ({
  sent: 0,
  received: 0,
  malformed: 0,
  strangers: 0,
  unexpectedPayloadType: 0,
  staleSsrc: 0,
  ssrcChanges: 0,
  digits: 0,
  rateLimited: 0,
  duplicates: 0,
  latched: undefined,
  dtmfSource: undefined,
});

export function createMediaContext(options: MediaSessionOptions): MediaContext {
  const now = options.now ?? (() => performance.now());
  const random = options.random ?? cryptoRandom;
  return {
    socket: options.socket,
    prompts: options.prompts,
    language: options.language,
    log: options.log,
    now,
    maxDigitsPerSecond: options.maxDigitsPerSecond ?? MAX_DIGITS_PER_SECOND,
    stats: emptyStats(),
    answer: copyAnswer(options.answer),
    closed: false,
    sender: {
      ssrc: Math.floor(random() * 0x1_0000_0000) >>> 0,
      sequence: Math.floor(random() * 0x1_0000) & 0xffff,
      timestamp: Math.floor(random() * 0x1_0000_0000) >>> 0,
    },
    playing: undefined,
    nextDueMs: now(),
    timer: undefined,
    ssrc: undefined,
    retired: new Set<number>(),
    decoder: createDtmfDecoder(),
    inband: createInbandDetector(),
    digitHandler: undefined,
    handover: [],
    recent: [],
  };
}

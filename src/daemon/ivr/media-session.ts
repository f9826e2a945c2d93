/**
 * One login call's media: prompts out as 20 ms G.711 RTP packets, keys in
 * from RFC 4733 telephone-events, in-band tones or SIP INFO, on one RTP
 * socket. The pure pieces (packetiser, decoders, detector) are in src/media;
 * this file owns the clock, the socket and the choices below.
 *
 * Sending
 * - One packet every 20 ms for the whole call: the prompt's while one plays,
 *   silence between prompts. Phones and NAT boxes that end a call after a few
 *   seconds without RTP keep it up while the caller thinks, the timestamps
 *   follow the clock without jumps, and a prompt starts within 20 ms.
 * - The pace follows the clock, not the timer: each tick sends the packets due
 *   by then (a late tick sends two), so packets do not drift however late
 *   timers fire. After a stall of more than {@link MAX_CATCH_UP_PACKETS}
 *   packets the schedule restarts from now instead of sending a burst; a
 *   clock that jumps back restarts it too.
 * - Each prompt's first packet has the marker bit (RFC 3551 §4.1); sequence
 *   numbers and timestamps run on across prompts and silence.
 * - `play()` resolves 'finished' {@link PLAYOUT_TAIL_PACKETS} packets after
 *   the prompt's last one, when the phone has played it out (a hang-up right
 *   after would otherwise clip it); 'stopped' when stopped, replaced by
 *   another `play()` or closed.
 * - Nothing is sent while our direction is recvonly or inactive (the phone put
 *   us on hold), nor to an unspecified address (0.0.0.0, port 0); prompts
 *   still take their time, so the voice menu goes on.
 * - A re-INVITE's codec or payload type applies from the next prompt on.
 *
 * Receiving
 * - Symmetric RTP: the first well-formed RTP packet with the negotiated audio
 *   or telephone-event payload type fixes where the phone is (its source
 *   address and port); we send there from then on, whatever the SDP said
 *   (phones behind NAT, softphones announcing the wrong address). Packets
 *   from any other source are dropped. A re-INVITE that moves the phone's
 *   SDP address starts over.
 * - SSRC: the first SSRC from that source is followed; a new SSRC from the
 *   same source replaces it (phones change it on re-INVITE or hold), and late
 *   packets of an SSRC it replaced are dropped.
 * - Telephone-events go to the RFC 4733 decoder, which reports each key press
 *   once (repeated end packets) and ends presses whose end packets were lost
 *   (checked every tick). Audio of the negotiated codec goes to the in-band
 *   detector.
 * - One DTMF source per call, the best seen so far: RFC 4733 over SIP INFO
 *   over in-band. Phones that send two (tone left in the audio, INFO and
 *   RFC 4733) must not type twice: once a better source shows up, the others
 *   are ignored. The switch happens at the first telephone-event packet of a
 *   press (its start, before the in-band detector can report it). Keys the
 *   worse source reported within {@link HANDOVER_MS} before the switch are
 *   the same presses: the better source's first keys, as long as they repeat
 *   those, are not reported again.
 * - More than {@link MAX_DIGITS_PER_SECOND} keys in a second are dropped
 *   (a flood, not a person).
 * - Malformed packets are counted and dropped; nothing on the wire throws.
 *
 * Keys are PIN digits: they are never logged here.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../adapters/log.js';
import type { RtpEndpoint, RtpSocket } from '../../adapters/rtp-socket.js';
import type { PromptLibrary } from '../../adapters/prompt-files.js';
import type { Language } from '../../core/model.js';
import type { DtmfDigit } from '../../media/dtmf-digit.js';
import { decodeG711, encodeG711, type G711Codec } from '../../media/g711.js';
import { applyAudio, createInbandDetector, type InbandDetectorState } from '../../media/goertzel.js';
import type { PromptName } from '../../media/prompt-names.js';
import { parseRtp } from '../../media/rtp-packet.js';
import {
  buildPromptPackets,
  buildSilencePackets,
  PACKET_DURATION_MS,
  type RtpSenderState,
} from '../../media/rtp-sender.js';
import type { MediaDirection } from '../../media/sdp-answer.js';
import {
  applyRtpEvent,
  createDtmfDecoder,
  expireDtmf,
  parseTelephoneEvent,
  type DtmfDecoderState,
} from '../../media/telephone-event.js';

/** Keys per second beyond which keys are dropped. */
export const MAX_DIGITS_PER_SECOND = 20;
/** How close a better DTMF source's start must follow the worse one's key to be the same press. */
export const HANDOVER_MS = 500;
/** Silence packets after a prompt before `play()` says it finished. */
export const PLAYOUT_TAIL_PACKETS = 3;
/** Most packets one tick sends to catch up after a late timer. */
export const MAX_CATCH_UP_PACKETS = 5;
/** A clock this far behind the schedule jumped back: restart the schedule. */
const CLOCK_JUMP_MS = 1000;
/** SSRCs remembered as replaced (only bounds memory). */
const MAX_RETIRED_SSRCS = 8;

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

export interface MediaSession {
  /** Our RTP port. */
  readonly port: number;
  /** Plays the prompts one after the other, stopping any prompt playing now. */
  /** Prompts, or audio made for this call (16-bit PCM at 8 kHz), one after the other. */
  play(names: readonly (PromptName | Int16Array)[]): Promise<'finished' | 'stopped'>;
  stopPrompt(): void;
  /** Sets the one handler for keys (replacing any earlier one). */
  onDigit(handler: (digit: DtmfDigit) => void): void;
  /** A key received in a SIP INFO request. */
  feedInfoDigit(digit: DtmfDigit): void;
  /** A new SDP answer in the dialog (re-INVITE, UPDATE). */
  updateRemote(answer: MediaAnswer): void;
  /** Stops sending, closes the socket and leaves no timer; idempotent. */
  close(): Promise<void>;
  readonly stats: Readonly<MediaSessionStats>;
}

/** Rank of each DTMF source: a higher one replaces a lower one for the rest of the call. */
const RANK: Readonly<Record<DtmfSource, number>> = { inband: 0, info: 1, rfc4733: 2 };

interface Playing {
  packets: Uint8Array[];
  /** Next packet to send. */
  index: number;
  /** Sender state after the last packet. */
  after: RtpSenderState;
  /** Silence packets still to send before 'finished'. */
  tail: number;
  resolve(result: 'finished' | 'stopped'): void;
}

const cryptoRandom = (): number => randomBytes(4).readUInt32BE(0) / 0x1_0000_0000;
const sameEndpoint = (a: RtpEndpoint, b: RtpEndpoint): boolean => a.address === b.address && a.port === b.port;
const isUnspecified = (to: RtpEndpoint): boolean =>
  to.port === 0 || to.address === '0.0.0.0' || to.address === '::' || to.address === '';

/** The fields we use (an SDP answer brings its text along too). */
const copyAnswer = (answer: MediaAnswer): MediaAnswer => ({
  codec: answer.codec,
  payloadType: answer.payloadType,
  ...(answer.telephoneEvent ? { telephoneEvent: { payloadType: answer.telephoneEvent.payloadType } } : {}),
  remote: { address: answer.remote.address, port: answer.remote.port },
  ...(answer.direction ? { direction: answer.direction } : {}),
});

export function createMediaSession(options: MediaSessionOptions): MediaSession {
  const { socket, prompts, language, log } = options;
  const now = options.now ?? (() => performance.now());
  const random = options.random ?? cryptoRandom;
  const maxDigitsPerSecond = options.maxDigitsPerSecond ?? MAX_DIGITS_PER_SECOND;
  let answer: MediaAnswer = copyAnswer(options.answer);

  const stats: MediaSessionStats = {
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
  };

  // Sending
  let sender: RtpSenderState = {
    ssrc: Math.floor(random() * 0x1_0000_0000) >>> 0,
    sequence: Math.floor(random() * 0x1_0000) & 0xffff,
    timestamp: Math.floor(random() * 0x1_0000_0000) >>> 0,
  };
  let playing: Playing | undefined;
  let nextDueMs = now();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let closing: Promise<void> | undefined;

  // Receiving
  let ssrc: number | undefined;
  const retired = new Set<number>();
  let decoder: DtmfDecoderState = createDtmfDecoder();
  let inband: InbandDetectorState = createInbandDetector();
  let digitHandler: ((digit: DtmfDigit) => void) | undefined;
  /** Keys the worse source reported just before a better one took over: the better one's first keys, while equal, are those presses. */
  let handover: DtmfDigit[] = [];
  /** Keys reported in the last second, for the flood limit and the handover. */
  let recent: { digit: DtmfDigit; source: DtmfSource; atMs: number }[] = [];

  const senderOptions = () => ({ codec: answer.codec, payloadType: answer.payloadType });
  const maySend = () =>
    answer.direction === undefined || answer.direction === 'sendrecv' || answer.direction === 'sendonly';

  function transmit(packet: Uint8Array): void {
    const to = stats.latched ?? answer.remote;
    if (!maySend() || isUnspecified(to)) return;
    socket.send(packet, to);
    stats.sent++;
  }

  /** Ends the prompt playing now. */
  function stopPlaying(result: 'finished' | 'stopped'): void {
    const current = playing;
    if (!current) return;
    playing = undefined;
    // Stopped halfway: the numbering goes on from the first packet not sent (after the last one, silence has moved it on already).
    const unsent = current.packets[current.index];
    const header = unsent && parseRtp(unsent);
    if (header) sender = { ssrc: sender.ssrc, sequence: header.sequence, timestamp: header.timestamp };
    current.resolve(result);
  }

  function sendOne(): void {
    const current = playing;
    if (current && current.index < current.packets.length) {
      transmit(current.packets[current.index++]!);
      if (current.index === current.packets.length) sender = current.after;
      return;
    }
    const silence = buildSilencePackets(sender, 1, senderOptions());
    sender = silence.state;
    transmit(silence.packets[0]!);
    if (current && --current.tail <= 0) stopPlaying('finished');
  }

  function tick(): void {
    timer = undefined;
    if (closed) return;
    const t = now();
    if (nextDueMs - t > CLOCK_JUMP_MS) nextDueMs = t;
    let due = t >= nextDueMs ? Math.floor((t - nextDueMs) / PACKET_DURATION_MS) + 1 : 0;
    if (due > MAX_CATCH_UP_PACKETS) {
      due = MAX_CATCH_UP_PACKETS;
      nextDueMs = t - (due - 1) * PACKET_DURATION_MS;
    }
    for (let i = 0; i < due && !closed; i++) {
      sendOne();
      nextDueMs += PACKET_DURATION_MS;
    }
    if (!closed) expireEvents(t);
    // A key or a finished prompt may have closed the session just now.
    if (!closed) timer = setTimeout(tick, Math.max(0, nextDueMs - now()));
  }

  // DTMF

  /** Whether keys from `source` count, switching the call to it when it is better than the current one. */
  function claim(source: DtmfSource, t: number): boolean {
    const current = stats.dtmfSource;
    if (current === source) return true;
    if (current !== undefined && RANK[source] < RANK[current]) return false;
    if (current !== undefined) {
      handover = recent
        .filter((entry) => entry.source !== source && t - entry.atMs <= HANDOVER_MS)
        .map((entry) => entry.digit);
      log?.debug({ port: socket.port, from: current, to: source }, 'DTMF source changed');
    }
    stats.dtmfSource = source;
    if (source !== 'inband') inband = createInbandDetector();
    return true;
  }

  function report(digit: DtmfDigit, source: DtmfSource, t: number): void {
    if (closed || stats.dtmfSource !== source) return;
    if (handover.length > 0) {
      if (handover[0] === digit) {
        handover.shift();
        stats.duplicates++;
        return;
      }
      handover = [];
    }
    recent = recent.filter((entry) => t - entry.atMs < 1000 && entry.atMs <= t);
    if (recent.length >= maxDigitsPerSecond) {
      if (stats.rateLimited++ === 0) log?.warn({ port: socket.port }, 'DTMF flood: keys dropped');
      return;
    }
    recent.push({ digit, source, atMs: t });
    stats.digits++;
    try {
      digitHandler?.(digit);
    } catch (error) {
      log?.warn({ err: error as Error, port: socket.port }, 'DTMF handler failed');
    }
  }

  function expireEvents(t: number): void {
    const expired = expireDtmf(decoder, t);
    decoder = expired.state;
    for (const digit of expired.digits) report(digit, 'rfc4733', t);
  }

  // Receiving

  function receive(bytes: Buffer, from: RtpEndpoint): void {
    if (closed) return;
    stats.received++;
    const packet = parseRtp(bytes);
    if (!packet) {
      stats.malformed++;
      return;
    }
    const isEvent = answer.telephoneEvent !== undefined && packet.payloadType === answer.telephoneEvent.payloadType;
    const isAudio = packet.payloadType === answer.payloadType;
    if (stats.latched && !sameEndpoint(stats.latched, from)) {
      stats.strangers++;
      return;
    }
    if (!isEvent && !isAudio) {
      stats.unexpectedPayloadType++;
      return;
    }
    if (!stats.latched) {
      stats.latched = { address: from.address, port: from.port };
      if (!sameEndpoint(stats.latched, answer.remote)) {
        log?.debug(
          { port: socket.port, sdp: answer.remote, source: stats.latched },
          'RTP comes from another address than the SDP said; sending there',
        );
      }
    }
    if (ssrc === undefined) {
      ssrc = packet.ssrc;
    } else if (packet.ssrc !== ssrc) {
      if (retired.has(packet.ssrc)) {
        stats.staleSsrc++;
        return;
      }
      retired.add(ssrc);
      if (retired.size > MAX_RETIRED_SSRCS) retired.delete(retired.values().next().value!);
      ssrc = packet.ssrc;
      stats.ssrcChanges++;
      inband = createInbandDetector();
    }

    const t = now();
    if (isEvent) {
      const event = parseTelephoneEvent(packet.payload);
      if (!event) {
        stats.malformed++;
        return;
      }
      // RFC 4733 §3.2: only the sixteen DTMF events are keys; a press's first packet makes RFC 4733 the call's source.
      if (event.event > 15 || !claim('rfc4733', t)) return;
      const result = applyRtpEvent(decoder, {
        ssrc: packet.ssrc,
        timestamp: packet.timestamp,
        sequence: packet.sequence,
        ...event,
        arrivalMs: t,
      });
      decoder = result.state;
      for (const digit of result.digits) report(digit, 'rfc4733', t);
      return;
    }
    if (stats.dtmfSource !== undefined && stats.dtmfSource !== 'inband') return;
    const detected = applyAudio(inband, decodeG711(packet.payload, answer.codec));
    inband = detected.state;
    for (const digit of detected.digits) if (claim('inband', t)) report(digit, 'inband', t);
  }

  socket.onPacket(receive);
  timer = setTimeout(tick, 0);

  return {
    get port() {
      return socket.port;
    },

    get stats() {
      return stats;
    },

    play(names) {
      if (closed) return Promise.resolve('stopped');
      stopPlaying('stopped');
      let audio: Int16Array;
      try {
        audio = prompts.sequence(language, names);
      } catch (error) {
        log?.warn({ err: error as Error, prompts: names, language }, 'prompt audio missing; playing silence');
        audio = new Int16Array(0);
      }
      const built = buildPromptPackets(sender, encodeG711(audio, answer.codec), senderOptions());
      return new Promise((resolve) => {
        playing = { packets: built.packets, index: 0, after: built.state, tail: PLAYOUT_TAIL_PACKETS, resolve };
      });
    },

    stopPrompt() {
      stopPlaying('stopped');
    },

    onDigit(handler) {
      digitHandler = handler;
    },

    feedInfoDigit(digit) {
      const t = now();
      if (!closed && claim('info', t)) report(digit, 'info', t);
    },

    updateRemote(next) {
      if (closed) return;
      const moved = !sameEndpoint(next.remote, answer.remote);
      answer = copyAnswer(next);
      if (moved) {
        // The phone's media moved: learn its source again from the next packet.
        stats.latched = undefined;
        ssrc = undefined;
        retired.clear();
        inband = createInbandDetector();
      }
    },

    close() {
      closing ??= (async () => {
        closed = true;
        clearTimeout(timer);
        timer = undefined;
        stopPlaying('stopped');
        digitHandler = undefined;
        await socket.close();
      })();
      return closing;
    },
  };
}

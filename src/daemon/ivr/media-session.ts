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
import type { DtmfDigit } from '../../media/dtmf-digit.js';
import { createInbandDetector } from '../../media/goertzel.js';
import type { PromptName } from '../../media/prompt-names.js';
import { createMediaDtmf } from './media-dtmf.js';
import { createMediaReceiver } from './media-receiver.js';
import { createMediaSender } from './media-sender.js';
import {
  copyAnswer,
  createMediaContext,
  sameEndpoint,
  type MediaAnswer,
  type MediaSessionOptions,
  type MediaSessionStats,
} from './media-session-context.js';

export {
  HANDOVER_MS,
  MAX_CATCH_UP_PACKETS,
  MAX_DIGITS_PER_SECOND,
  PLAYOUT_TAIL_PACKETS,
  type DtmfSource,
  type MediaAnswer,
  type MediaSessionOptions,
  type MediaSessionStats,
} from './media-session-context.js';

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

export function createMediaSession(options: MediaSessionOptions): MediaSession {
  const ctx = createMediaContext(options);
  const { socket } = ctx;
  const dtmf = createMediaDtmf(ctx);
  const sender = createMediaSender(ctx, dtmf);
  let closing: Promise<void> | undefined;

  socket.onPacket(createMediaReceiver(ctx, dtmf));
  ctx.timer = setTimeout(sender.tick, 0);

  return {
    get port() {
      return socket.port;
    },

    get stats() {
      return ctx.stats;
    },

    play: sender.play,

    stopPrompt() {
      sender.stopPlaying('stopped');
    },

    onDigit(handler) {
      ctx.digitHandler = handler;
    },

    feedInfoDigit(digit) {
      const t = ctx.now();
      if (!ctx.closed && dtmf.claim('info', t)) dtmf.report(digit, 'info', t);
    },

    updateRemote(next) {
      if (ctx.closed) return;
      const moved = !sameEndpoint(next.remote, ctx.answer.remote);
      ctx.answer = copyAnswer(next);
      if (moved) {
        // The phone's media moved: learn its source again from the next packet.
        ctx.stats.latched = undefined;
        ctx.ssrc = undefined;
        ctx.retired.clear();
        ctx.inband = createInbandDetector();
      }
    },

    close() {
      closing ??= (async () => {
        ctx.closed = true;
        clearTimeout(ctx.timer);
        ctx.timer = undefined;
        sender.stopPlaying('stopped');
        ctx.digitHandler = undefined;
        await socket.close();
      })();
      return closing;
    },
  };
}

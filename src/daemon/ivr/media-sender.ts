/**
 * One login call's outgoing RTP (media-session.ts): one packet every 20 ms,
 * the prompt's while one plays, silence between prompts, paced by the clock
 * (a late tick catches up, a stall or a clock jumping back restarts the
 * schedule); nothing sent while on hold or to an unspecified address.
 */
import type { RtpEndpoint } from '../../adapters/rtp-socket.js';
import type { PromptName } from '../../media/prompt-names.js';
import { encodeG711 } from '../../media/g711.js';
import { parseRtp } from '../../media/rtp-packet.js';
import { buildPromptPackets, buildSilencePackets, PACKET_DURATION_MS } from '../../media/rtp-sender.js';
import type { MediaDtmf } from './media-dtmf.js';
import { MAX_CATCH_UP_PACKETS, PLAYOUT_TAIL_PACKETS, type MediaContext } from './media-session-context.js';

/** A clock this far behind the schedule jumped back: restart the schedule. */
const CLOCK_JUMP_MS = 1000;

const isUnspecified = (to: RtpEndpoint): boolean =>
  to.port === 0 || to.address === '0.0.0.0' || to.address === '::' || to.address === '';

export interface MediaSender {
  /** Sends the packets due now and sets the timer for the next ones. */
  tick(): void;
  play(names: readonly (PromptName | Int16Array)[]): Promise<'finished' | 'stopped'>;
  /** Ends the prompt playing now. */
  stopPlaying(result: 'finished' | 'stopped'): void;
}

export function createMediaSender(ctx: MediaContext, dtmf: MediaDtmf): MediaSender {
  const { socket, stats, log } = ctx;
  const senderOptions = () => ({ codec: ctx.answer.codec, payloadType: ctx.answer.payloadType });
  const maySend = () => {
    const { direction } = ctx.answer;
    return direction === undefined || direction === 'sendrecv' || direction === 'sendonly';
  };

  function transmit(packet: Uint8Array): void {
    const to = stats.latched ?? ctx.answer.remote;
    if (!maySend() || isUnspecified(to)) return;
    socket.send(packet, to);
    stats.sent++;
  }

  function stopPlaying(result: 'finished' | 'stopped'): void {
    const current = ctx.playing;
    if (!current) return;
    ctx.playing = undefined;
    // Stopped halfway: the numbering goes on from the first packet not sent (after the last one, silence has moved it on already).
    const unsent = current.packets[current.index];
    const header = unsent && parseRtp(unsent);
    if (header) ctx.sender = { ssrc: ctx.sender.ssrc, sequence: header.sequence, timestamp: header.timestamp };
    current.resolve(result);
  }

  function sendOne(): void {
    const current = ctx.playing;
    if (current && current.index < current.packets.length) {
      transmit(current.packets[current.index++]!);
      if (current.index === current.packets.length) ctx.sender = current.after;
      return;
    }
    const silence = buildSilencePackets(ctx.sender, 1, senderOptions());
    ctx.sender = silence.state;
    transmit(silence.packets[0]!);
    if (current && --current.tail <= 0) stopPlaying('finished');
  }

  function tick(): void {
    ctx.timer = undefined;
    if (ctx.closed) return;
    const t = ctx.now();
    if (ctx.nextDueMs - t > CLOCK_JUMP_MS) ctx.nextDueMs = t;
    let due = t >= ctx.nextDueMs ? Math.floor((t - ctx.nextDueMs) / PACKET_DURATION_MS) + 1 : 0;
    if (due > MAX_CATCH_UP_PACKETS) {
      due = MAX_CATCH_UP_PACKETS;
      ctx.nextDueMs = t - (due - 1) * PACKET_DURATION_MS;
    }
    for (let i = 0; i < due && !ctx.closed; i++) {
      sendOne();
      ctx.nextDueMs += PACKET_DURATION_MS;
    }
    if (!ctx.closed) dtmf.expireEvents(t);
    // A key or a finished prompt may have closed the session just now.
    if (!ctx.closed) ctx.timer = setTimeout(tick, Math.max(0, ctx.nextDueMs - ctx.now()));
  }

  function play(names: readonly (PromptName | Int16Array)[]): Promise<'finished' | 'stopped'> {
    if (ctx.closed) return Promise.resolve('stopped');
    stopPlaying('stopped');
    let audio: Int16Array;
    try {
      audio = ctx.prompts.sequence(ctx.language, names);
    } catch (error) {
      log?.warn(
        { err: error as Error, prompts: names, language: ctx.language },
        'prompt audio missing; playing silence',
      );
      audio = new Int16Array(0);
    }
    const built = buildPromptPackets(ctx.sender, encodeG711(audio, ctx.answer.codec), senderOptions());
    return new Promise((resolve) => {
      ctx.playing = { packets: built.packets, index: 0, after: built.state, tail: PLAYOUT_TAIL_PACKETS, resolve };
    });
  }

  return { tick, play, stopPlaying };
}

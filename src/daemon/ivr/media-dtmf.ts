/**
 * One login call's keys (media-session.ts): the one DTMF source the call uses
 * (the best seen so far), the handover between sources, the flood limit and
 * the hand-off to the digit handler. Keys are PIN digits: never logged.
 */
import type { DtmfDigit } from '../../media/dtmf-digit.js';
import { createInbandDetector } from '../../media/goertzel.js';
import { expireDtmf } from '../../media/telephone-event.js';
import { HANDOVER_MS, type DtmfSource, type MediaContext } from './media-session-context.js';

/** Rank of each DTMF source: a higher one replaces a lower one for the rest of the call. */
const RANK: Readonly<Record<DtmfSource, number>> = { inband: 0, info: 1, rfc4733: 2 };

export interface MediaDtmf {
  /** Whether keys from `source` count, switching the call to it when it is better than the current one. */
  claim(source: DtmfSource, t: number): boolean;
  report(digit: DtmfDigit, source: DtmfSource, t: number): void;
  /** Ends RFC 4733 presses whose end packets were lost. */
  expireEvents(t: number): void;
}

export function createMediaDtmf(ctx: MediaContext): MediaDtmf {
  const { stats, socket, log } = ctx;

  function claim(source: DtmfSource, t: number): boolean {
    const current = stats.dtmfSource;
    if (current === source) return true;
    if (current !== undefined && RANK[source] < RANK[current]) return false;
    if (current !== undefined) {
      ctx.handover = ctx.recent
        .filter((entry) => entry.source !== source && t - entry.atMs <= HANDOVER_MS)
        .map((entry) => entry.digit);
      log?.debug({ port: socket.port, from: current, to: source }, 'DTMF source changed');
    }
    stats.dtmfSource = source;
    if (source !== 'inband') ctx.inband = createInbandDetector();
    return true;
  }

  function report(digit: DtmfDigit, source: DtmfSource, t: number): void {
    if (ctx.closed || stats.dtmfSource !== source) return;
    if (ctx.handover.length > 0) {
      if (ctx.handover[0] === digit) {
        ctx.handover.shift();
        stats.duplicates++;
        return;
      }
      ctx.handover = [];
    }
    ctx.recent = ctx.recent.filter((entry) => t - entry.atMs < 1000 && entry.atMs <= t);
    if (ctx.recent.length >= ctx.maxDigitsPerSecond) {
      if (stats.rateLimited++ === 0) log?.warn({ port: socket.port }, 'DTMF flood: keys dropped');
      return;
    }
    ctx.recent.push({ digit, source, atMs: t });
    stats.digits++;
    try {
      ctx.digitHandler?.(digit);
    } catch (error) {
      log?.warn({ err: error as Error, port: socket.port }, 'DTMF handler failed');
    }
  }

  function expireEvents(t: number): void {
    const expired = expireDtmf(ctx.decoder, t);
    ctx.decoder = expired.state;
    for (const digit of expired.digits) report(digit, 'rfc4733', t);
  }

  return { claim, report, expireEvents };
}

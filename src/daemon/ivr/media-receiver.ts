/**
 * One login call's incoming RTP (media-session.ts): symmetric RTP (the first
 * well-formed packet fixes where the phone is), SSRC following, and keys from
 * telephone-events or in-band tones handed to media-dtmf.ts. Nothing on the
 * wire throws: malformed packets are counted and dropped.
 */
import type { RtpEndpoint } from '../../adapters/rtp-socket.js';
import { decodeG711 } from '../../media/g711.js';
import { applyAudio, createInbandDetector } from '../../media/goertzel.js';
import { parseRtp, type RtpPacket } from '../../media/rtp-packet.js';
import { applyRtpEvent, parseTelephoneEvent } from '../../media/telephone-event.js';
import type { MediaDtmf } from './media-dtmf.js';
import { sameEndpoint, type MediaContext } from './media-session-context.js';

/** SSRCs remembered as replaced (only bounds memory). */
const MAX_RETIRED_SSRCS = 8;

/** Whether the packet is from the phone (latching its source on the first one). */
function fromPhone(ctx: MediaContext, from: RtpEndpoint, isEvent: boolean, isAudio: boolean): boolean {
  const { stats, socket, log } = ctx;
  if (stats.latched && !sameEndpoint(stats.latched, from)) {
    stats.strangers++;
    return false;
  }
  if (!isEvent && !isAudio) {
    stats.unexpectedPayloadType++;
    return false;
  }
  if (!stats.latched) {
    stats.latched = { address: from.address, port: from.port };
    if (!sameEndpoint(stats.latched, ctx.answer.remote)) {
      log?.debug(
        { port: socket.port, sdp: ctx.answer.remote, source: stats.latched },
        'RTP comes from another address than the SDP said; sending there',
      );
    }
  }
  return true;
}

/** Whether the packet's SSRC is followed (a new one replaces the old; late packets of a replaced one are not). */
function followSsrc(ctx: MediaContext, packetSsrc: number): boolean {
  const { stats } = ctx;
  if (ctx.ssrc === undefined) {
    ctx.ssrc = packetSsrc;
  } else if (packetSsrc !== ctx.ssrc) {
    if (ctx.retired.has(packetSsrc)) {
      stats.staleSsrc++;
      return false;
    }
    ctx.retired.add(ctx.ssrc);
    if (ctx.retired.size > MAX_RETIRED_SSRCS) ctx.retired.delete(ctx.retired.values().next().value!);
    ctx.ssrc = packetSsrc;
    stats.ssrcChanges++;
    ctx.inband = createInbandDetector();
  }
  return true;
}

/** The handler for the RTP socket's datagrams. */
export function createMediaReceiver(ctx: MediaContext, dtmf: MediaDtmf): (bytes: Buffer, from: RtpEndpoint) => void {
  const { stats } = ctx;

  function receiveEvent(packet: RtpPacket, t: number): void {
    const event = parseTelephoneEvent(packet.payload);
    if (!event) {
      stats.malformed++;
      return;
    }
    // RFC 4733 §3.2: only the sixteen DTMF events are keys; a press's first packet makes RFC 4733 the call's source.
    if (event.event > 15 || !dtmf.claim('rfc4733', t)) return;
    const result = applyRtpEvent(ctx.decoder, {
      ssrc: packet.ssrc,
      timestamp: packet.timestamp,
      sequence: packet.sequence,
      ...event,
      arrivalMs: t,
    });
    ctx.decoder = result.state;
    for (const digit of result.digits) dtmf.report(digit, 'rfc4733', t);
  }

  function receiveAudio(packet: RtpPacket, t: number): void {
    if (stats.dtmfSource !== undefined && stats.dtmfSource !== 'inband') return;
    const detected = applyAudio(ctx.inband, decodeG711(packet.payload, ctx.answer.codec));
    ctx.inband = detected.state;
    for (const digit of detected.digits) if (dtmf.claim('inband', t)) dtmf.report(digit, 'inband', t);
  }

  return (bytes, from) => {
    if (ctx.closed) return;
    stats.received++;
    const packet = parseRtp(bytes);
    if (!packet) {
      stats.malformed++;
      return;
    }
    const { answer } = ctx;
    const isEvent = answer.telephoneEvent !== undefined && packet.payloadType === answer.telephoneEvent.payloadType;
    const isAudio = packet.payloadType === answer.payloadType;
    if (!fromPhone(ctx, from, isEvent, isAudio) || !followSsrc(ctx, packet.ssrc)) return;
    const t = ctx.now();
    if (isEvent) receiveEvent(packet, t);
    else receiveAudio(packet, t);
  };
}

/**
 * A phone's media side for tests, on a real UDP socket on 127.0.0.1 (or a
 * socket of the in-memory network, fake-network.ts): offers
 * PCMU and telephone-event in SDP, records the RTP it receives, and types
 * keys as RFC 4733 events the way desk phones do (three updates, three end
 * packets, one timestamp per key).
 */
import { buildRtp, parseRtp, type RtpPacket } from '../../src/media/rtp-packet.js';
import { eventOfDtmfDigit, type DtmfDigit } from '../../src/media/dtmf-digit.js';
import type { DatagramSocket } from './fake-network.js';
import { openUdpSocket } from './udp-socket.js';

export const EVENT_PT = 101;

export interface RtpPeer {
  readonly port: number;
  readonly received: RtpPacket[];
  /** When each packet of `received` arrived (performance.now()), same order. */
  readonly arrivals: number[];
  /** Where the other side's RTP came from (the address we latch to). */
  readonly from: { address: string; port: number } | undefined;
  offer(): string;
  /** Sends the keys as RFC 4733 events to `to` (default: where RTP came from). */
  typeKeys(keys: string, to?: { address: string; port: number }): Promise<void>;
  /** Sends one raw datagram. */
  sendRaw(bytes: Uint8Array, to?: { address: string; port: number }): void;
  waitForPackets(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RtpPeerOptions {
  /** Default: a real UDP socket on 127.0.0.1. */
  socket?: DatagramSocket;
  /**
   * The pause between a key's packets (20 ms) and after a key (60 ms). Real sockets: real time.
   * The in-memory network passes a shorter one: the daemon reads keys by RTP timestamps.
   */
  sleep?: (ms: number) => Promise<void>;
}

export async function startRtpPeer(options: RtpPeerOptions = {}): Promise<RtpPeer> {
  const socket = options.socket ?? (await openUdpSocket());
  const pause = options.sleep ?? sleep;
  const port = socket.port;
  const received: RtpPacket[] = [];
  const arrivals: number[] = [];
  let from: { address: string; port: number } | undefined;
  socket.onMessage((bytes, info) => {
    const packet = parseRtp(bytes);
    if (!packet) return;
    received.push(packet);
    arrivals.push(performance.now());
    from ??= { address: info.address, port: info.port };
  });
  const ssrc = 0x1234abcd;
  let sequence = 1000;
  let timestamp = 160_000;
  const send = (bytes: Uint8Array, to = from) => {
    if (!to) throw new Error('no RTP received yet: nowhere to send');
    socket.send(bytes, to.port, to.address);
  };

  return {
    port,
    received,
    arrivals,
    get from() {
      return from;
    },
    offer: () =>
      [
        'v=0',
        `o=phone 1 1 IN IP4 127.0.0.1`,
        's=-',
        'c=IN IP4 127.0.0.1',
        't=0 0',
        `m=audio ${port} RTP/AVP 0 8 ${EVENT_PT}`,
        'a=rtpmap:0 PCMU/8000',
        'a=rtpmap:8 PCMA/8000',
        `a=rtpmap:${EVENT_PT} telephone-event/8000`,
        `a=fmtp:${EVENT_PT} 0-15`,
        'a=ptime:20',
        'a=sendrecv',
        '',
      ].join('\r\n'),
    async typeKeys(keys, to) {
      for (const key of keys) {
        const event = eventOfDtmfDigit(key as DtmfDigit);
        timestamp += 1600;
        const packet = (duration: number, end: boolean, marker: boolean) =>
          buildRtp({
            marker,
            payloadType: EVENT_PT,
            sequence: sequence++ & 0xffff,
            timestamp,
            ssrc,
            payload: Uint8Array.of(event, (end ? 0x80 : 0) | 10, (duration >> 8) & 0xff, duration & 0xff),
          });
        for (const [index, duration] of [160, 320, 480].entries()) {
          send(packet(duration, false, index === 0), to);
          await pause(20);
        }
        for (let copy = 0; copy < 3; copy++) send(packet(640, true, false), to);
        await pause(60);
      }
    },
    sendRaw: (bytes, to) => send(bytes, to),
    async waitForPackets(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`received ${received.length} of ${count} RTP packets`);
        await sleep(10);
      }
    },
    close: () => socket.close(),
  };
}

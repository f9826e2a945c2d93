/**
 * SIP messages to and from the wire for the transport: the `sip` package serialises and parses;
 * bodies cross as UTF-8; a message without the mandatory headers is not handled at all.
 */
import sip from 'sip';
import type { SipMessage } from '../sip/message.js';

export const DEFAULT_MAX_MESSAGE = 65_535;

/** RFC 3261 §8.1.1 / §20: what every request and response must carry to be handled at all. */
export function hasMandatoryHeaders(message: SipMessage): boolean {
  const headers = message.headers as Partial<SipMessage['headers']> | undefined;
  return Boolean(
    headers &&
    Array.isArray(headers.via) &&
    headers.via.length > 0 &&
    headers.via[0]?.params &&
    headers['call-id'] &&
    headers.to &&
    headers.from &&
    headers.cseq &&
    typeof headers.cseq === 'object' &&
    Number.isFinite(headers.cseq.seq),
  );
}

/** Outgoing bodies are text; the sip serialiser counts bytes as characters, so send UTF-8 as binary. */
export function toWire(message: SipMessage): Buffer {
  const body = message.content ? Buffer.from(message.content, 'utf8').toString('latin1') : undefined;
  return Buffer.from(sip.stringify(body === undefined ? message : { ...message, content: body }), 'latin1');
}

export function fromWire(message: SipMessage): SipMessage {
  if (message.content) message.content = Buffer.from(message.content, 'latin1').toString('utf8');
  return message;
}

export const flowKey = (protocol: string, address: string, port: number) => `${protocol}|${address}|${port}`;

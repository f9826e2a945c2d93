/** SIP messages for tests, written as they travel on the wire. */
import sip from 'sip';
import type { SipRequest, SipResponse } from '../../src/sip/message.js';

/** Parses wire text (lines joined with CRLF, blank line, body). */
export function parseWire(lines: string[], body = ''): SipRequest | SipResponse {
  const text = `${lines.join('\r\n')}\r\n\r\n${body}`;
  const message = sip.parse(Buffer.from(text, 'latin1'));
  if (!message) throw new Error(`not SIP:\n${text}`);
  return message;
}

export interface RequestOptions {
  method?: string;
  uri?: string;
  from?: string;
  to?: string;
  callId?: string;
  cseq?: number;
  extra?: string[];
  body?: string;
  via?: string[];
}

/** A request with sensible defaults; `extra` adds header lines. */
export function request(options: RequestOptions = {}): SipRequest {
  const method = options.method ?? 'INVITE';
  const body = options.body ?? '';
  const lines = [
    `${method} ${options.uri ?? 'sip:100@192.0.2.10'} SIP/2.0`,
    ...(options.via ?? ['Via: SIP/2.0/UDP 192.0.2.50:5062;branch=z9hG4bK-1;rport']),
    `From: ${options.from ?? '<sip:101@192.0.2.10>;tag=f1'}`,
    `To: ${options.to ?? '<sip:100@192.0.2.10>'}`,
    `Call-ID: ${options.callId ?? 'call-1@192.0.2.50'}`,
    `CSeq: ${options.cseq ?? 1} ${method}`,
    'Max-Forwards: 70',
    ...(options.extra ?? []),
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  return parseWire(lines, body) as SipRequest;
}

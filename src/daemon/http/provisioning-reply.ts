/** The provisioning service's replies: short plain-text refusals and the served file. */
import type { HttpReply } from '../../adapters/http-server.js';

const TEXT = 'text/plain; charset=utf-8';
const BODY: Readonly<Record<number, string>> = {
  400: 'bad request\n',
  401: 'authentication required\n',
  403: 'forbidden\n',
  404: 'not found\n',
  405: 'method not allowed\n',
  429: 'too many requests\n',
  500: 'internal error\n',
};

export function plain(status: number, headers: Record<string, string | readonly string[]> = {}): HttpReply {
  return {
    status,
    headers: { 'Content-Type': TEXT, 'Cache-Control': 'no-store', ...headers },
    body: BODY[status] ?? '',
  };
}

/** A rendered file, never cached nor sniffed; `onSent` runs once the body went out. */
export function servedFile(contentType: string, body: string, onSent?: () => void): HttpReply {
  return {
    status: 200,
    headers: {
      'Content-Type': contentType,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
    body,
    ...(onSent ? { onSent } : {}),
  };
}

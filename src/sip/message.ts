/**
 * SIP messages as plain values, in the shape the npm `sip` parser produces
 * (lowercase header names, compact forms expanded). Pure code works on these;
 * only the sip-stack adapter turns them into bytes and back.
 */

export type Params = Record<string, string | null | undefined>;

export interface Via {
  version: string;
  protocol: string;
  host: string;
  port?: number;
  params: Params;
}

/** `name <uri>;params` as parsed for To, From and Contact (the URI stays text). */
export interface NameAddr {
  name?: string;
  uri: string;
  params: Params;
}

export interface SipUri {
  schema: string;
  user?: string;
  password?: string;
  host: string;
  port?: number;
  params: Params;
  headers: Record<string, string>;
}

/** Route / Record-Route entries, whose URI the parser already split. */
export interface RouteEntry {
  name?: string;
  uri: SipUri | string;
  params: Params;
}

/**
 * An auth header (Authorization, Proxy-Authorization, WWW-Authenticate,
 * Proxy-Authenticate) as the parser gives it: `scheme` plus raw parameter
 * values, quoted strings still in their quotes.
 */
export interface AuthParams {
  scheme: string;
  [param: string]: string | undefined;
}

export interface CSeq {
  seq: number;
  method: string;
}

export interface SipHeaders {
  via: Via[];
  to: NameAddr;
  from: NameAddr;
  'call-id': string;
  cseq: CSeq;
  contact?: NameAddr[] | '*';
  route?: RouteEntry[];
  'record-route'?: RouteEntry[];
  authorization?: AuthParams[];
  'proxy-authorization'?: AuthParams[];
  'www-authenticate'?: AuthParams[];
  'proxy-authenticate'?: AuthParams[];
  'content-length'?: number;
  [name: string]: unknown;
}

export interface SipRequest {
  method: string;
  uri: string | SipUri;
  version: string;
  headers: SipHeaders;
  content?: string;
}

export interface SipResponse {
  status: number;
  reason: string;
  version: string;
  headers: SipHeaders;
  content?: string;
}

export type SipMessage = SipRequest | SipResponse;

export const isRequest = (message: SipMessage): message is SipRequest => 'method' in message;

/** Where a message came from or goes to: the flow (transport + address + port). */
export interface Endpoint {
  protocol: 'UDP' | 'TCP' | 'TLS';
  address: string;
  port: number;
}

/** A string header's value, if present (headers the parser does not know stay strings). */
export function headerText(headers: SipHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * RFC 3261 §8.2.6: a response to `request`, copying Via, From, To, Call-ID and CSeq; `toTag` is added when To has
 * none.
 */
export function buildResponse(
  request: SipRequest,
  status: number,
  reason: string,
  extra: { headers?: Record<string, unknown>; content?: string; toTag?: string } = {},
): SipResponse {
  const to = request.headers.to;
  const tagged = extra.toTag && !to.params['tag'] ? { ...to, params: { ...to.params, tag: extra.toTag } } : to;
  return {
    status,
    reason,
    // RFC 3261 §7.1: our answers are SIP/2.0 whatever version the request named.
    version: '2.0',
    headers: {
      via: request.headers.via,
      to: tagged,
      from: request.headers.from,
      'call-id': request.headers['call-id'],
      cseq: request.headers.cseq,
      ...(extra.headers ?? {}),
    },
    ...(extra.content !== undefined ? { content: extra.content } : {}),
  };
}

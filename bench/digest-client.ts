/**
 * The client half of SIP digest (RFC 7616 / RFC 8760) for the benchmarks,
 * written apart from hotdesk's own src/sip/digest.ts.
 *
 * Why the benchmarks need it: boot-storm.ts plays hundreds of phones with
 * plain UDP sockets, not SIPp, so it answers challenges itself; the SIPp
 * benchmarks compute credentials once per fetched nonce (sip-bench.ts) so a
 * timed step spends SIPp's time on the flows, not on hashing. The interop
 * tests use no client of their own: SIPp, baresip and linphone answer with
 * their own digest code.
 */
import { createHash, randomBytes } from 'node:crypto';

export type ClientAlgorithm = 'MD5' | 'SHA-256';

export interface Challenge {
  scheme: string;
  realm: string;
  nonce: string;
  /** As sent; RFC 7616 §3.3: absent means MD5. */
  algorithm: string;
  qop: string | undefined;
  opaque: string | undefined;
  stale: boolean;
}

/** The parameters of one challenge (`Digest realm="x", nonce="y", …`), unquoted, names lowercased. */
function parseParams(text: string): Map<string, string> {
  const params = new Map<string, string>();
  const pattern = /([A-Za-z0-9_-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]+)/g;
  for (const match of text.matchAll(pattern)) {
    const raw = match[2]!;
    params.set(match[1]!.toLowerCase(), raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw);
  }
  return params;
}

/** Every challenge in the values of WWW-Authenticate / Proxy-Authenticate headers (one challenge per header). */
export function parseChallenges(values: readonly string[]): Challenge[] {
  return values.flatMap((value) => {
    const scheme = /^\s*(\S+)\s+/.exec(value)?.[1];
    if (!scheme) return [];
    const params = parseParams(value.slice(value.indexOf(scheme) + scheme.length));
    const realm = params.get('realm');
    const nonce = params.get('nonce');
    if (realm === undefined || nonce === undefined) return [];
    return [
      {
        scheme,
        realm,
        nonce,
        algorithm: params.get('algorithm') ?? 'MD5',
        qop: params.get('qop'),
        opaque: params.get('opaque'),
        stale: (params.get('stale') ?? '').toLowerCase() === 'true',
      },
    ];
  });
}

export interface CredentialsInput {
  challenge: Challenge;
  username: string;
  password: string;
  method: string;
  /** The Request-URI exactly as it will be sent. */
  uri: string;
  /** Nonce count, 1 for the first use of a nonce. */
  nc?: number;
  cnonce?: string;
}

const hash = (algorithm: ClientAlgorithm, text: string): string =>
  createHash(algorithm === 'MD5' ? 'md5' : 'sha256')
    .update(text, 'utf8')
    .digest('hex');

function clientAlgorithm(challenge: Challenge): ClientAlgorithm {
  const name = challenge.algorithm.toUpperCase();
  if (name === 'MD5' || name === 'SHA-256') return name;
  throw new Error(`the interop client does not do digest algorithm ${challenge.algorithm}`);
}

/**
 * The value of an Authorization / Proxy-Authorization header for `input`,
 * spelled the way SIPp and most phones spell it (qop and nc unquoted).
 */
export function credentials(input: CredentialsInput): string {
  const { challenge } = input;
  const algorithm = clientAlgorithm(challenge);
  const nc = (input.nc ?? 1).toString(16).padStart(8, '0');
  const cnonce = input.cnonce ?? randomBytes(8).toString('hex');
  // RFC 7616 §3.4.2 / §3.4.3 / §3.4.1
  const ha1 = hash(algorithm, `${input.username}:${challenge.realm}:${input.password}`);
  const ha2 = hash(algorithm, `${input.method}:${input.uri}`);
  const qop = challenge.qop
    ?.split(',')
    .map((value) => value.trim())
    .includes('auth')
    ? 'auth'
    : undefined;
  const response = qop
    ? hash(algorithm, `${ha1}:${challenge.nonce}:${nc}:${cnonce}:auth:${ha2}`)
    : hash(algorithm, `${ha1}:${challenge.nonce}:${ha2}`);
  const parts = [
    `username="${input.username}"`,
    `realm="${challenge.realm}"`,
    `nonce="${challenge.nonce}"`,
    `uri="${input.uri}"`,
    `response="${response}"`,
    `algorithm=${challenge.algorithm}`,
    ...(qop ? [`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`] : []),
    ...(challenge.opaque !== undefined ? [`opaque="${challenge.opaque}"`] : []),
  ];
  return `Digest ${parts.join(', ')}`;
}

/** The challenge for `algorithm` among those offered; throws naming what was offered when it is missing. */
export function pickChallenge(challenges: readonly Challenge[], algorithm: ClientAlgorithm): Challenge {
  const found = challenges.find((challenge) => challenge.algorithm.toUpperCase() === algorithm);
  if (!found)
    throw new Error(
      `no ${algorithm} challenge among: ${challenges.map((challenge) => challenge.algorithm).join(', ') || 'none'}`,
    );
  return found;
}

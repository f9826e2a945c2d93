/**
 * The first look at an HTTP provisioning request: its method and its
 * request-target exactly as received (still percent-encoded). Only
 * `GET /provisioning/<token>/<file>` goes further. Nothing here decodes: a file
 * name never needs percent-encoding, so any `%` (an encoded dot or slash, a NUL,
 * a double encoding) is refused as it stands, before anything could decode it
 * into a path.
 */

export const PROVISIONING_PREFIX = '/provisioning/';

/** Why a target goes no further (for logs and counters; the client only sees the status). */
export type TargetRefusal =
  /** Anything but GET: 405 with `Allow: GET`. */
  | 'method'
  /** Percent-encoding, control characters, spaces or anything outside printable ASCII in the path: 400. */
  | 'odd-encoding'
  /** `.` or `..` segments, backslashes, empty segments inside the tree: 400. */
  | 'traversal'
  /** A path that is not `/provisioning/<token>/<file>` (the tree itself, other paths, absolute-form): 404. */
  | 'outside-tree';

export type TargetCheck =
  { ok: true; token: string; file: string } | { ok: false; status: 400 | 404 | 405; why: TargetRefusal };

const STATUS: Readonly<Record<TargetRefusal, 400 | 404 | 405>> = {
  method: 405,
  'odd-encoding': 400,
  traversal: 400,
  'outside-tree': 404,
};

const refuse = (why: TargetRefusal): TargetCheck => ({ ok: false, status: STATUS[why], why });

/**
 * Splits `GET /provisioning/<token>/<file>[?query]` into token and file name, or
 * says why not. The query string is ignored (some phones add their own); the
 * file name is checked again, against each vendor's names, by identifyRequest.
 */
export function parseProvisioningTarget(method: string, target: string): TargetCheck {
  // RFC 9110 §9.1: method names are case-sensitive; HEAD would also reveal what GET serves.
  if (method !== 'GET') return refuse('method');
  const queryAt = target.indexOf('?');
  const path = queryAt >= 0 ? target.slice(0, queryAt) : target;
  if (/[^\x21-\x7e]/.test(path) || path.includes('%')) return refuse('odd-encoding');
  if (!path.startsWith('/')) return refuse('outside-tree');
  const segments = path.slice(1).split('/');
  if (path.includes('\\') || segments.some((segment) => segment === '.' || segment === '..'))
    return refuse('traversal');
  if (!path.startsWith(PROVISIONING_PREFIX)) return refuse('outside-tree');
  if (segments.length !== 3) return segments.slice(0, -1).includes('') ? refuse('traversal') : refuse('outside-tree');
  const [, token, file] = segments as [string, string, string];
  if (token === '') return refuse('traversal');
  if (file === '') return refuse('outside-tree');
  return { ok: true, token, file };
}

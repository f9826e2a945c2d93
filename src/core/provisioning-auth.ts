/**
 * Rules for the optional HTTP digest credentials of the provisioning tree. The
 * password never reaches the store: the CLI hashes it into one HA1 per digest hash
 * (RFC 7616 §3.4.2) for the fixed realm below, and hotdeskd checks phones' digests
 * against those values.
 */
import type { ProvisioningAuth } from './model.js';

/** The realm of every provisioning challenge; part of each stored HA1. */
export const PROVISIONING_REALM = 'hotdesk provisioning';

/** What an HA1 computation needs: the hash by name, over UTF-8 text, as lowercase hex. */
export type Ha1Hash = (algorithm: 'MD5' | 'SHA-256', text: string) => string;

const MAX_USERNAME = 64;
const MAX_PASSWORD = 128;

/**
 * A problem with a provisioning user name, or `undefined`. Phones type it into a
 * field and send it in a quoted-string, so: printable ASCII without `"`, `\` and
 * `:` (the separator inside HA1), 1 to 64 characters.
 */
export function checkProvisioningUsername(username: string): string | undefined {
  if (username.length === 0 || username.length > MAX_USERNAME) return `1 to ${MAX_USERNAME} characters`;
  if (!/^[\x21-\x7e]+$/.test(username) || /["\\:]/.test(username))
    return 'printable characters without spaces, quotes, backslashes or colons';
  return undefined;
}

/** A problem with a provisioning password, or `undefined`: 8 to 128 printable ASCII characters. */
export function checkProvisioningPassword(password: string): string | undefined {
  if (password.length < 8 || password.length > MAX_PASSWORD) return `8 to ${MAX_PASSWORD} characters`;
  if (!/^[\x20-\x7e]+$/.test(password)) return 'printable ASCII characters';
  return undefined;
}

/** A problem with stored credentials (as they arrive in a change), or `undefined`. */
export function checkProvisioningAuth(auth: ProvisioningAuth): string | undefined {
  const username = checkProvisioningUsername(auth.username);
  if (username) return `user name: ${username}`;
  if (auth.realm !== PROVISIONING_REALM) return `the realm must be "${PROVISIONING_REALM}"`;
  if (!/^[0-9a-f]{32}$/.test(auth.ha1.md5) || !/^[0-9a-f]{64}$/.test(auth.ha1.sha256))
    return 'HA1 values must be lowercase hex MD5 and SHA-256';
  return undefined;
}

/** The stored form of `username` / `password`: HA1 = H(username:realm:password) per hash. */
export function buildProvisioningAuth(username: string, password: string, hash: Ha1Hash): ProvisioningAuth {
  const a1 = `${username}:${PROVISIONING_REALM}:${password}`;
  return { username, realm: PROVISIONING_REALM, ha1: { md5: hash('MD5', a1), sha256: hash('SHA-256', a1) } };
}

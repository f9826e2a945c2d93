/** hotdeskd's TLS certificate and key, read once at start for SIP over TLS and HTTPS. */
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { TlsCredentials } from '../adapters/sip-transport.js';

/** Reads the certificate and key and checks they fit; a message naming the file (or the mismatch) when they cannot be used. */
export function loadTlsCredentials(files: { certFile: string; keyFile: string }): TlsCredentials | string {
  const read = (setting: string, file: string): Buffer | string => {
    try {
      return readFileSync(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      return `${setting}: cannot read "${file}" (${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code})`;
    }
  };
  const cert = read('--tls-cert', files.certFile);
  if (typeof cert === 'string') return cert;
  const key = read('--tls-key', files.keyFile);
  if (typeof key === 'string') return key;
  try {
    createSecureContext({ cert, key });
    return { cert, key };
  } catch (error) {
    // OpenSSL's own words ("key values mismatch", "no start line"), never the key's content.
    const reason = (error as Error).message.replace(/^error:[0-9A-F]+:[^:]*:[^:]*:/i, '').trim();
    return `--tls-cert "${files.certFile}" and --tls-key "${files.keyFile}" cannot be used together (${reason}); expected a PEM certificate and its private key`;
  }
}

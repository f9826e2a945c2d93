/**
 * Opens a TLS connection and reports the handshake and the server's
 * certificate (its end of validity, whether it chains to a trusted CA), then
 * closes. Used by `hotdesk doctor` on hotdeskd's SIP-over-TLS and HTTPS ports;
 * the certificate is looked at, not required to be trusted (offices often use
 * their own CA, installed on the phones).
 */
import tls from 'node:tls';
import { isIP } from 'node:net';

export type TlsProbeResult =
  | {
      kind: 'answered';
      ms: number;
      /** ISO time the certificate ends. */
      validTo: string;
      /** Whether the system's CAs trust it; otherwise why not (e.g. DEPTH_ZERO_SELF_SIGNED_CERT). */
      trusted: true | string;
    }
  | { kind: 'timeout'; ms: number }
  | { kind: 'refused' }
  | { kind: 'error'; problem: string };

/** Never rejects. */
export function probeTls(host: string, port: number, timeoutMs = 2000): Promise<TlsProbeResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: TlsProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const socket = tls.connect(
      { host, port, rejectUnauthorized: false, ...(isIP(host) ? {} : { servername: host }) },
      () => {
        const certificate = socket.getPeerCertificate();
        const end = Date.parse(certificate.valid_to ?? '');
        if (Number.isNaN(end)) return finish({ kind: 'error', problem: 'the server sent no usable certificate' });
        const trusted = socket.authorized ? true : String(socket.authorizationError ?? 'not trusted');
        finish({ kind: 'answered', ms: Date.now() - started, validTo: new Date(end).toISOString(), trusted });
      },
    );
    const timer = setTimeout(() => finish({ kind: 'timeout', ms: timeoutMs }), timeoutMs);
    socket.on('error', (error: NodeJS.ErrnoException) =>
      finish(
        error.code === 'ECONNREFUSED' ? { kind: 'refused' } : { kind: 'error', problem: error.code ?? error.message },
      ),
    );
  });
}

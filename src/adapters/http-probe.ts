/**
 * Asks an HTTP server for one URL and reports the status (a `GET`, body
 * discarded). Used by `hotdesk doctor` to see that hotdeskd's provisioning
 * port answers; a client only.
 */
import http from 'node:http';

export type HttpProbeResult =
  | { kind: 'answered'; status: number; ms: number }
  | { kind: 'timeout'; ms: number }
  | { kind: 'refused' }
  | { kind: 'error'; problem: string };

/** GETs `url` (http: only); never rejects. */
export function probeHttp(url: string, timeoutMs = 2000): Promise<HttpProbeResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: HttpProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(result);
    };
    const request = http.get(url, { headers: { 'user-agent': 'hotdesk-doctor' } }, (response) => {
      response.resume();
      finish({ kind: 'answered', status: response.statusCode ?? 0, ms: Date.now() - started });
    });
    const timer = setTimeout(() => finish({ kind: 'timeout', ms: timeoutMs }), timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) =>
      finish(
        error.code === 'ECONNREFUSED' ? { kind: 'refused' } : { kind: 'error', problem: error.code ?? error.message },
      ),
    );
  });
}

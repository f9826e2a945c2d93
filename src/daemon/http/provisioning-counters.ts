/**
 * The provisioning service's counters: requests, files served, fetches recorded, refusals by
 * cause, template errors, and what the HTTP and HTTPS servers turned away themselves (summed).
 */
import type { HttpServerCounters } from '../../adapters/http-server.js';
import type { TargetRefusal } from '../../provisioning/parse-provisioning-target.js';
import type { ProvisioningRefusal } from '../../provisioning/decide-provisioning-request.js';

export type ProvisioningRefusalCause =
  TargetRefusal | ProvisioningRefusal['why'] | 'rate-limited' | 'unauthorized' | 'blocked' | 'no-template';

export interface ProvisioningCounters {
  /** Requests that reached the service (the HTTP server's own refusals are in `server`). */
  requests: number;
  served: number;
  /** Own-file fetches that moved a phone's applied generation forward. */
  recorded: number;
  /** Refusals by cause. */
  refused: Partial<Record<ProvisioningRefusalCause, number>>;
  /** Templates that failed to render (overrides and shipped alike). */
  templateErrors: number;
  /** What the HTTP server turned away itself: 414, malformed requests, timeouts, handler failures. */
  readonly server: HttpServerCounters;
}

/** The HTTP server's counters and the HTTPS server's when it runs (read at each look: set once started). */
export interface ServerCounterSources {
  plain: () => HttpServerCounters;
  secure: () => HttpServerCounters | undefined;
}

export function createProvisioningCounters(sources: ServerCounterSources): ProvisioningCounters {
  return {
    requests: 0,
    served: 0,
    recorded: 0,
    refused: {},
    templateErrors: 0,
    /** HTTP and HTTPS together. */
    get server() {
      const [plainCounts, secureCounts] = [sources.plain(), sources.secure()];
      if (!secureCounts) return plainCounts;
      return {
        requests: plainCounts.requests + secureCounts.requests,
        uriTooLong: plainCounts.uriTooLong + secureCounts.uriTooLong,
        malformed: plainCounts.malformed + secureCounts.malformed,
        failures: plainCounts.failures + secureCounts.failures,
        refused: plainCounts.refused + secureCounts.refused,
      };
    },
  };
}

export function countRefusal(counters: ProvisioningCounters, cause: ProvisioningRefusalCause): void {
  counters.refused[cause] = (counters.refused[cause] ?? 0) + 1;
}

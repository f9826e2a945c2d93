/** What hotdeskd is started with (startDaemon) and what it hands back. */
import type { RateLimit } from '../provisioning/rate-limiter.js';
import type { ThrottleOptions } from '../sip/auth-throttle.js';
import type { TlsCredentials } from '../adapters/sip-transport.js';
import type { Catalogue } from '../core/catalogue.js';
import type { StoreWriter } from '../adapters/json-store.js';
import type { DataPaths } from '../adapters/paths.js';
import type { Logger } from '../adapters/log.js';
import type { StartSipStack } from '../adapters/sip-stack.js';
import type { RtpPortPool } from '../adapters/rtp-socket.js';
import type { Speech } from '../adapters/speech.js';
import type { PolicyService } from './policy-service.js';
import type { ReloadReport } from './reload.js';
import type { SipService } from './sip/sip-service.js';
import type { ProvisioningService } from './http/provisioning-service.js';

export interface Daemon {
  paths: DataPaths;
  store: StoreWriter;
  /** The SIP side, when started. */
  sip: SipService | undefined;
  /** The HTTP provisioning server, when started. */
  http: ProvisioningService | undefined;
  /** Policy logouts, warning calls and store backups. */
  policies: PolicyService;
  /** SIGHUP: adopt the store file and read the prompts again (reload.ts). */
  reload(): Promise<ReloadReport>;
  stop(): Promise<void>;
}

export interface DaemonOptions {
  dataDir: string;
  log: Logger;
  catalogue?: Catalogue;
  version?: string;
  /** Speech for words no recording holds (the user's name in the emergency notification); default espeak-ng when installed. */
  speech?: Speech;
  /** Where to serve SIP; leave out to run without it (store and control socket only). */
  sip?: {
    bind: string;
    /** `undefined`: the store's `sipPort` setting; 0: any free port. */
    port: number | undefined;
    publicAddress?: string;
    digest?: ('SHA-256' | 'MD5')[];
    /** RTP ports of the login voice menu; `{ min: 0, max: 0 }` takes any free port. Default 10000–10999. */
    rtpPorts?: { min: number; max: number };
    /** Waits between check-sync NOTIFY retries. */
    checkSyncRetryMs?: readonly number[];
    /** Answer plug-and-play requests of factory-fresh pool phones (default true). */
    pnp?: boolean;
    /** SIP messages per source address (see sip-transport); null: no limit. */
    floodLimit?: RateLimit | null;
    /** Server transactions kept at once (see sip-stack). */
    maxTransactions?: number;
    /** TCP and TLS connections at once from one address (see sip-transport). */
    maxConnectionsPerAddress?: number;
    /** A TCP/TLS connection with no message for this long is closed, ms (see sip-transport). */
    idleTimeoutMs?: number;
    /** Password-guessing throttle settings (tests shorten them). */
    authThrottle?: { source?: Partial<ThrottleOptions>; account?: Partial<ThrottleOptions> };
    /** Nonces whose counts are held at once (default NONCE_COUNTS_MAX_ENTRIES; tests shrink it to turn nonces stale by eviction). */
    maxNonceCounts?: number;
    /** SIP over TLS on this port (0: any free one; `undefined`: the store's `tlsPort`, else 5061) with this certificate and key. */
    tls?: { port: number | undefined; credentials: TlsCredentials };
    /** The SIP stack to run on; default startSipStack (real sockets). Tests pass an in-memory one. */
    startStack?: StartSipStack;
    /** RTP ports for the voice menu; default a pool of real UDP sockets over `rtpPorts`. Tests pass an in-memory one. */
    rtpPool?: RtpPortPool;
  };
  /**
   * Where to serve provisioning over HTTP (port 0: any free one); leave out to run without it.
   * With `https` also over HTTPS, and (with `sip.tls` too) phones' files point them at TLS and HTTPS.
   */
  http?: {
    bind: string;
    port: number | undefined;
    publicAddress?: string;
    /** `port` undefined: the store's `httpsPort`, else 8443. */
    https?: { port: number | undefined; credentials: TlsCredentials };
    maxConnectionsPerAddress?: number;
  };
  /**
   * Store settings a flag or environment variable overrides (setting → what set it), as
   * reported to the CLI; default: `sip-port`/`http-port` when `sip.port`/`http.port` is given.
   */
  overridden?: Record<string, string>;
  /** Policy ticks every `tickMs` (default 15 s); `minuteMs` shortens a policy minute, the others the warning call (tests). */
  policies?: { tickMs?: number; minuteMs?: number; ringTimeoutMs?: number; keyWaitMs?: number };
}

export class AlreadyRunningError extends Error {
  constructor(readonly pid: number) {
    super(`hotdeskd is already running (pid ${pid})`);
  }
}

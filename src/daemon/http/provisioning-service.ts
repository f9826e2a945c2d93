/**
 * hotdeskd's HTTP provisioning: phones fetch their configuration files from
 * `GET /provisioning/<token>/<file>`. The pure modules decide (parseProvisioningTarget,
 * decideProvisioningRequest, the rate limiter, digest checks, the view model and
 * renderConfig); the files beside this one read templates, answer, log and record what phones
 * took (provisioning-handler.ts and the files it uses). This one starts and closes the servers.
 *
 * Per request, in order:
 *   rate limit per client address (429 + Retry-After)
 *   → method and path (405 + Allow: GET; 400 for odd encodings and traversal; 404 outside the tree)
 *   → digest credentials when the office has set them (401 challenge; 403 after many wrong guesses)
 *   → token, file name, User-Agent, pool, and a registered phone's own address (404, the same body whatever the cause)
 *   → render: data/templates overrides, then the shipped templates, per-model before vendor base.
 * A template error in an override is logged with its file and line, and the next template
 * is used. Bodies are never logged (they carry SIP passwords), nor is the token.
 *
 * Each fetch of a phone's own file (not a common file, not Poly's master file)
 * records the generation it carried as the phone's applied generation: a
 * `provisioning-fetched` change through the daemon's write path (stored only when it
 * moves forward; its effect tells phone-sync, every time).
 */
import type { Logger } from '../../adapters/log.js';
import type { TlsCredentials } from '../../adapters/sip-transport.js';
import {
  startHttpServer,
  type HttpRequest,
  type HttpServer,
  type HttpServerCounters,
} from '../../adapters/http-server.js';
import { SHIPPED_TEMPLATES } from '../../adapters/paths.js';
import { nodeDigestCrypto, nonceRandom, randomNonceSecret } from '../../adapters/node-crypto.js';
import type { ProvisioningModel } from '../../provisioning/config-files.js';
import { createRateLimiter, DEFAULT_RATE_LIMIT, type RateLimit } from '../../provisioning/rate-limiter.js';
import type { StoreService } from '../store-service.js';
import type { WritePath } from '../write-path.js';
import { createHttpDigest, type HttpDigestAlgorithm } from './http-digest.js';
import { createProvisioningCounters, type ProvisioningCounters } from './provisioning-counters.js';
import { createProvisioningHandler } from './provisioning-handler.js';
import type { ServedPorts, ServedTls } from './provisioning-view.js';

export type { ProvisioningCounters, ProvisioningRefusalCause } from './provisioning-counters.js';
export type { ServedPorts } from './provisioning-view.js';

export interface ProvisioningServiceOptions {
  bind: string;
  /** 0 picks a free port. */
  port: number;
  /** Read from; written only through `apply`. */
  store: StoreService;
  /** The daemon's write path (write-path.ts): records what a phone fetched. */
  apply: WritePath['apply'];
  catalogue: readonly ProvisioningModel[];
  log: Logger;
  /** The shipped templates (default: the package's templates/). */
  templatesDir?: string;
  /** Admin overrides, searched first (hotdeskd passes `<data>/templates`); none when left out. */
  overridesDir?: string;
  /** The public address `direct` phones use (hotdeskd --public-address); default `settings.address`. */
  publicAddress?: string;
  /**
   * Also serve over HTTPS on this port (0 picks a free one), the same files. Plain HTTP stays:
   * a factory-fresh phone fetches its first file over HTTP, before it trusts the office's CA.
   */
  https?: { port: number; credentials: TlsCredentials };
  /**
   * hotdeskd's SIP over TLS port. With `https` too, phones' files point them at SIP over
   * TLS on this port and at the HTTPS provisioning URL (view-model `tls`).
   */
  sipTlsPort?: number;
  /**
   * hotdeskd's SIP port (UDP and TCP), which phones' files carry instead of the `sipPort`
   * setting (a flag may override it, or the setting changed since the start). Left out: the setting.
   */
  sipPort?: number;
  /** Clock in ms (default Date.now). */
  now?: () => number;
  /** Per client address (default 20 requests/s, bursts of 40). */
  rateLimit?: RateLimit;
  /** Most connections at once from one client address, on each of HTTP and HTTPS (default 64). */
  maxConnectionsPerAddress?: number;
  /** Digest algorithms offered when credentials are set, in challenge order (default MD5, SHA-256). */
  digestAlgorithms?: readonly HttpDigestAlgorithm[];
  /**
   * Whether this address holds a live SIP registration: a bound phone's file asked for from
   * such an address (the phone itself, moved by DHCP) is logged without the fail2ban line.
   */
  isRegistered?: (address: string) => boolean;
}

export interface ProvisioningService {
  readonly port: number;
  /** The HTTPS port, when served. */
  readonly httpsPort: number | undefined;
  readonly counters: ProvisioningCounters;
  close(): Promise<void>;
}

const NO_REQUESTS: HttpServerCounters = { requests: 0, uriTooLong: 0, malformed: 0, failures: 0, refused: 0 };

export async function startProvisioningService(options: ProvisioningServiceOptions): Promise<ProvisioningService> {
  const { store, log } = options;
  let servers: { plain: HttpServer; secure: HttpServer | undefined } | undefined;
  let tls: ServedTls | undefined;
  let ports: ServedPorts = {
    httpPort: options.port,
    ...(options.sipPort !== undefined ? { sipPort: options.sipPort } : {}),
  };
  const counters = createProvisioningCounters({
    plain: () => servers?.plain.counters ?? NO_REQUESTS,
    secure: () => servers?.secure?.counters,
  });
  const handle = createProvisioningHandler({
    store,
    apply: options.apply,
    catalogue: options.catalogue,
    log,
    templatesDir: options.templatesDir ?? SHIPPED_TEMPLATES,
    overridesDir: options.overridesDir,
    publicAddress: options.publicAddress,
    isRegistered: options.isRegistered,
    now: options.now ?? Date.now,
    limiter: createRateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT),
    digest: createHttpDigest({
      auth: () => store.data.settings.provisioningAuth,
      crypto: nodeDigestCrypto,
      random: nonceRandom,
      secret: randomNonceSecret(),
      ...(options.digestAlgorithms ? { algorithms: options.digestAlgorithms } : {}),
    }),
    counters,
    served: () => ({ ports, tls }),
  });
  servers = await startServers(options, handle);
  const { plain, secure } = servers;
  ports = { httpPort: plain.port, ...(options.sipPort !== undefined ? { sipPort: options.sipPort } : {}) };
  if (secure && options.sipTlsPort !== undefined) tls = { sipPort: options.sipTlsPort, httpsPort: secure.port };
  return {
    port: plain.port,
    httpsPort: secure?.port,
    counters,
    close: async () => {
      await Promise.all([plain.close(), secure?.close()]);
    },
  };
}

/** HTTP, and HTTPS when asked for (HTTP is closed again if HTTPS cannot start). */
async function startServers(
  options: ProvisioningServiceOptions,
  handle: ReturnType<typeof createProvisioningHandler>,
): Promise<{ plain: HttpServer; secure: HttpServer | undefined }> {
  const { log } = options;
  const onError = (error: unknown, request: HttpRequest): void =>
    log.error(
      { err: error, client: request.remoteAddress, method: request.method.slice(0, 16) },
      'provisioning request failed',
    );
  const limits =
    options.maxConnectionsPerAddress !== undefined
      ? { maxConnectionsPerAddress: options.maxConnectionsPerAddress }
      : {};
  const plain = await startHttpServer({ bind: options.bind, port: options.port, handle, onError, ...limits });
  const secure = options.https
    ? await startHttpServer({
        bind: options.bind,
        port: options.https.port,
        handle,
        onError,
        tls: options.https.credentials,
        ...limits,
      }).catch(async (error: unknown) => {
        await plain.close();
        throw error;
      })
    : undefined;
  return { plain, secure };
}

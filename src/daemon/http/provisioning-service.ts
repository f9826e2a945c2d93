/**
 * hotdeskd's HTTP provisioning: phones fetch their configuration files from
 * `GET /provisioning/<token>/<file>`. The pure modules decide (parseProvisioningTarget,
 * decideProvisioningRequest, the rate limiter, digest checks, the view model and
 * renderConfig); this file reads templates, answers, logs and records what phones took.
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
  type HttpReply,
  type HttpRequest,
  type HttpServerCounters,
} from '../../adapters/http-server.js';
import { readTemplate } from '../../adapters/template-files.js';
import { SHIPPED_TEMPLATES } from '../../adapters/paths.js';
import { nodeDigestCrypto, nonceRandom, randomNonceSecret } from '../../adapters/node-crypto.js';
import type { ProvisioningModel } from '../../provisioning/config-files.js';
import { parseProvisioningTarget, type TargetRefusal } from '../../provisioning/parse-provisioning-target.js';
import {
  decideProvisioningRequest,
  type ProvisioningDecision,
  type ProvisioningRefusal,
} from '../../provisioning/decide-provisioning-request.js';
import { createRateLimiter, DEFAULT_RATE_LIMIT, type RateLimit } from '../../provisioning/rate-limiter.js';
import { buildCommonView, buildPhoneView, type ConfigView } from '../../provisioning/view-model.js';
import { renderConfig } from '../../provisioning/render.js';
import { findExtension, keyLayoutFor } from '../../store/queries.js';
import type { StoreData } from '../../store/schema.js';
import type { StoreService } from '../store-service.js';
import type { WritePath } from '../write-path.js';
import { createHttpDigest, type HttpDigestAlgorithm } from './http-digest.js';
import { logSecurityRefusal } from '../security-refusal-log.js';

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

export interface ProvisioningService {
  readonly port: number;
  /** The HTTPS port, when served. */
  readonly httpsPort: number | undefined;
  readonly counters: ProvisioningCounters;
  close(): Promise<void>;
}

const TEXT = 'text/plain; charset=utf-8';
const BODY: Readonly<Record<number, string>> = {
  400: 'bad request\n',
  401: 'authentication required\n',
  403: 'forbidden\n',
  404: 'not found\n',
  405: 'method not allowed\n',
  429: 'too many requests\n',
  500: 'internal error\n',
};

function plain(status: number, headers: Record<string, string | readonly string[]> = {}): HttpReply {
  return {
    status,
    headers: { 'Content-Type': TEXT, 'Cache-Control': 'no-store', ...headers },
    body: BODY[status] ?? '',
  };
}

type Serve = Extract<ProvisioningDecision, { kind: 'serve' }>;

/** The ports phones are told: the ones hotdeskd listens on, whatever the store says now. */
export interface ServedPorts {
  httpPort: number;
  sipPort?: number;
}

function buildView(
  data: StoreData,
  serve: Serve,
  publicAddress: string | undefined,
  tls: { sipPort: number; httpsPort: number } | undefined,
  ports: ServedPorts,
): ConfigView {
  const { phone, model } = serve;
  const settings = {
    ...data.settings,
    httpPort: ports.httpPort,
    ...(ports.sipPort !== undefined ? { sipPort: ports.sipPort } : {}),
  };
  if (serve.file === 'common' || !phone || !model) return buildCommonView({ vendor: serve.vendor, model, settings });
  const extension = phone.session ? findExtension(data, phone.session.extension) : undefined;
  return buildPhoneView({
    phone,
    model,
    settings,
    extension,
    layout: keyLayoutFor(data, extension, model.keys),
    generation: phone.desiredGeneration,
    ...(publicAddress ? { publicAddress } : {}),
    ...(tls ? { tls } : {}),
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export async function startProvisioningService(options: ProvisioningServiceOptions): Promise<ProvisioningService> {
  const { store, log } = options;
  const now = options.now ?? Date.now;
  const templatesDir = options.templatesDir ?? SHIPPED_TEMPLATES;
  const limiter = createRateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT);
  const digest = createHttpDigest({
    auth: () => store.data.settings.provisioningAuth,
    crypto: nodeDigestCrypto,
    random: nonceRandom,
    secret: randomNonceSecret(),
    ...(options.digestAlgorithms ? { algorithms: options.digestAlgorithms } : {}),
  });
  let serverCounters: HttpServerCounters = { requests: 0, uriTooLong: 0, malformed: 0, failures: 0, refused: 0 };
  let secureCounters: HttpServerCounters | undefined;
  let tls: { sipPort: number; httpsPort: number } | undefined;
  let ports: ServedPorts = {
    httpPort: options.port,
    ...(options.sipPort !== undefined ? { sipPort: options.sipPort } : {}),
  };
  const counters: ProvisioningCounters = {
    requests: 0,
    served: 0,
    recorded: 0,
    refused: {},
    templateErrors: 0,
    /** HTTP and HTTPS together. */
    get server() {
      if (!secureCounters) return serverCounters;
      const [plainCounts, secureCounts] = [serverCounters, secureCounters];
      return {
        requests: plainCounts.requests + secureCounts.requests,
        uriTooLong: plainCounts.uriTooLong + secureCounts.uriTooLong,
        malformed: plainCounts.malformed + secureCounts.malformed,
        failures: plainCounts.failures + secureCounts.failures,
        refused: plainCounts.refused + secureCounts.refused,
      };
    },
  };
  const count = (cause: ProvisioningRefusalCause): void => {
    counters.refused[cause] = (counters.refused[cause] ?? 0) + 1;
  };

  /** The first template that renders: overrides before shipped, per-model before vendor base. */
  const render = async (serve: Serve, view: ConfigView): Promise<{ text: string } | 'missing' | 'failed'> => {
    const places = [
      ...(options.overridesDir ? [{ dir: options.overridesDir, override: true }] : []),
      { dir: templatesDir, override: false },
    ];
    let failed = false;
    for (const { dir, override } of places) {
      for (const name of serve.templates) {
        const read = await readTemplate(dir, name);
        if (read.kind === 'missing') continue;
        if (read.kind === 'unreadable') {
          log.warn(
            { template: read.path, problem: read.problem },
            'cannot read provisioning template; trying the next one',
          );
          continue;
        }
        const result = renderConfig(read.file.text, view, { file: serve.file });
        if (result.ok) return { text: result.text };
        failed = true;
        counters.templateErrors++;
        const where = { template: read.file.path, line: result.error.line ?? null, error: result.error.message };
        if (override)
          log.warn(where, 'template error in an admin override; using the next template (the shipped one if no other)');
        else log.error(where, 'template error in a shipped template');
      }
    }
    return failed ? 'failed' : 'missing';
  };

  // A phone still allowed the previous token that now follows the new one is written even when its generation stays.
  const record = (phone: string, generation: number): void => {
    void options.apply({ kind: 'provisioning-fetched', phone, generation }).then(
      (written) => {
        if (written.ok && written.changed) {
          counters.recorded++;
          log.info({ phone, generation }, 'phone fetched its configuration');
        }
      },
      (error: unknown) => log.error({ err: error, phone }, 'could not record the configuration a phone fetched'),
    );
  };

  const handle = async (request: HttpRequest): Promise<HttpReply> => {
    counters.requests++;
    const client = request.remoteAddress;
    const nowMs = now();
    const taken = limiter.take(client, nowMs);
    if (!taken.allowed) {
      count('rate-limited');
      log.debug({ client }, 'provisioning request over the rate limit');
      return plain(429, { 'Retry-After': String(taken.retryAfterSeconds) });
    }
    const target = parseProvisioningTarget(request.method, request.target);
    if (!target.ok) {
      count(target.why);
      log.debug({ client, why: target.why, method: request.method.slice(0, 16) }, 'provisioning request refused');
      return plain(target.status, target.status === 405 ? { Allow: 'GET' } : {});
    }
    const auth = digest.check({
      method: request.method,
      target: request.target,
      authorization: request.headers['authorization'],
      source: client,
      nowMs,
    });
    if (auth.kind === 'blocked') {
      count('blocked');
      return plain(403);
    }
    if (auth.kind === 'challenge') {
      count('unauthorized');
      if (auth.why !== 'no-credentials' && auth.why !== 'stale')
        log.info({ client, file: target.file, why: auth.why }, 'provisioning credentials refused');
      if (auth.delayMs > 0) await sleep(auth.delayMs);
      return plain(401, { 'WWW-Authenticate': auth.challenges });
    }

    const data = store.data;
    const decision = decideProvisioningRequest({
      token: target.token,
      file: target.file,
      userAgent: request.headers['user-agent'],
      expectedToken: data.settings.provisioningToken,
      phones: data.phones,
      catalogue: options.catalogue,
      client,
      previousToken: data.settings.previousProvisioningToken,
      nowMs,
    });
    if (decision.kind === 'refuse') {
      count(decision.refusal.why);
      // The file name, never the token (the first path segment). Files hotdeskd does not write
      // (Yealink .boot, Poly directories and logs…) are asked for at every boot: debug only.
      const quiet = decision.refusal.why === 'unknown-file' || decision.refusal.why === 'no-phone-of-vendor';
      if (decision.refusal.why === 'bound-elsewhere' && !options.isRegistered?.(client)) {
        // Someone with the token and a MAC, at an address that holds no registration: fail2ban's line.
        logSecurityRefusal(
          log,
          client,
          'provisioning-file-elsewhere',
          `provisioning file of ${decision.refusal.phone} asked for from another address than the phone's: refused (404)`,
        );
      } else
        log[quiet ? 'debug' : 'info'](
          { client, file: target.file, ...decision.refusal },
          'provisioning request refused (404)',
        );
      return plain(404);
    }
    const rendered = await render(decision, buildView(data, decision, options.publicAddress, tls, ports));
    if (rendered === 'missing' || rendered === 'failed') {
      count('no-template');
      // Missing is normal (no Grandstream or Fanvil common file is shipped); failed was logged per template.
      if (rendered === 'missing')
        log.debug({ client, file: target.file, templates: decision.templates }, 'no template for this file (404)');
      return rendered === 'missing' ? plain(404) : plain(500);
    }
    counters.served++;
    const phone = decision.phone;
    if (decision.unrecognisedUserAgent)
      log.info(
        { client, file: target.file, userAgent: String(request.headers['user-agent']).slice(0, 128) },
        'unrecognised User-Agent',
      );
    log.debug({ client, file: target.file, phone: phone?.name }, 'provisioning file served');
    // Under the previous token the file tells the phone the new URL; it has its configuration once it fetches there.
    if (decision.previousToken && decision.ownFile && phone)
      log.info(
        { phone: phone.name, client },
        'phone fetched its file with the previous provisioning URL: told the new one',
      );
    return {
      status: 200,
      headers: {
        'Content-Type': decision.contentType,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      },
      body: rendered.text,
      ...(decision.ownFile && phone && !decision.previousToken
        ? { onSent: () => record(phone.name, phone.desiredGeneration) }
        : {}),
    };
  };

  const onError = (error: unknown, request: HttpRequest): void =>
    log.error(
      { err: error, client: request.remoteAddress, method: request.method.slice(0, 16) },
      'provisioning request failed',
    );
  const limits =
    options.maxConnectionsPerAddress !== undefined
      ? { maxConnectionsPerAddress: options.maxConnectionsPerAddress }
      : {};
  const server = await startHttpServer({ bind: options.bind, port: options.port, handle, onError, ...limits });
  serverCounters = server.counters;
  const secure = options.https
    ? await startHttpServer({
        bind: options.bind,
        port: options.https.port,
        handle,
        onError,
        tls: options.https.credentials,
        ...limits,
      }).catch(async (error: unknown) => {
        await server.close();
        throw error;
      })
    : undefined;
  secureCounters = secure?.counters;
  ports = { httpPort: server.port, ...(options.sipPort !== undefined ? { sipPort: options.sipPort } : {}) };
  if (secure && options.sipTlsPort !== undefined) tls = { sipPort: options.sipTlsPort, httpsPort: secure.port };
  return {
    port: server.port,
    httpsPort: secure?.port,
    counters,
    close: async () => {
      await Promise.all([server.close(), secure?.close()]);
    },
  };
}

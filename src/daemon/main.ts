/**
 * hotdeskd's composition root: the only place that wires adapters together,
 * owns the writer lock, and handles signals.
 */
import type { RateLimit } from '../provisioning/rate-limiter.js';
import type { ThrottleOptions } from '../sip/auth-throttle.js';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { TlsCredentials } from '../adapters/sip-transport.js';
import { join } from 'node:path';
import type { Server } from 'node:net';
import { applyChange, type Change } from '../store/changes.js';
import type { Catalogue } from '../core/catalogue.js';
import { provisioningUrl } from '../store/queries.js';
import { allBindings } from '../sip/location.js';
import { openStoreWriter, StoreFileError, type StoreWriter } from '../adapters/json-store.js';
import { tryLock, unlock } from '../adapters/lock-file.js';
import {
  startControlServer,
  type ControlResponse,
  type Pong,
  type Served,
  type SipBlock,
  type SipDigestFailure,
} from '../adapters/control-socket.js';
import { cliCommand } from '../adapters/cli-command.js';
import { DEFAULT_HTTPS_PORT, DEFAULT_TLS_PORT } from '../core/model.js';
import { dataPaths, PACKAGE_ROOT, resolveDataDir, type DataPaths } from '../adapters/paths.js';
import { loadCatalogue } from '../adapters/catalogue-files.js';
import { sha256Models } from '../core/catalogue.js';
import { digestForAccount } from '../core/digest-choice.js';
import { randomToken } from '../adapters/secrets.js';
import { primaryAddress } from '../adapters/network.js';
import { createLogger, type Logger } from '../adapters/log.js';
import { CommanderError, ConfigError, parseDaemonConfig } from './config.js';
import { createStoreService } from './store-service.js';
import { backupDirOf, startPolicyService, type PolicyService } from './policy-service.js';
import { logNewPinAlerts } from './pin-alert-log.js';
import { logAuthBlocked, logAuthBlockedKnownSource } from './auth-block-log.js';
import { createReloader, loadReloadablePrompts, type ReloadablePrompts, type ReloadReport } from './reload.js';
import { startSipService, type SipService } from './sip/sip-service.js';
import { createDigestAuthenticator, type AuthBlock, type DigestFailure } from './sip/authenticator.js';
import { nodeDigestCrypto, nonceRandom, randomNonceSecret } from '../adapters/node-crypto.js';
import { ensureDataDir, modeText } from '../adapters/data-dir.js';
import { loadPromptLibrary } from '../adapters/prompt-files.js';
import { createRtpPortPool, type RtpPortPool } from '../adapters/rtp-socket.js';
import { startSipStack, type StartSipStack } from '../adapters/sip-stack.js';
import { hashPin, verifyPin } from '../adapters/pin-hash.js';
import { startProvisioningService, type ProvisioningService } from './http/provisioning-service.js';
import { createEmergencyService, type EmergencyService } from './emergency-service.js';
import { createSpeech, type Speech } from '../adapters/speech.js';

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

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

/** Starts the daemon: lock, store, control socket. Throws on a refusal to start. */
export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const paths = dataPaths(options.dataDir);
  const dirState = await ensureDataDir(paths.dir);
  if (dirState.kind === 'tightened')
    options.log.warn(
      { dir: paths.dir, was: modeText(dirState.from) },
      'data directory was readable by others: now mode 0700',
    );
  if (dirState.kind === 'loose') {
    options.log.warn(
      { dir: paths.dir, mode: modeText(dirState.mode), owner: dirState.uid },
      'data directory is readable by others and not ours to change: make it mode 0700',
    );
  }
  const lock = await tryLock(paths.lock);
  if (!lock.acquired) throw new AlreadyRunningError(lock.owner.pid);
  let server: Server | undefined;
  let sip: SipService | undefined;
  let http: ProvisioningService | undefined;
  let reloadablePrompts: ReloadablePrompts | undefined;
  /** Emergency calls: record, alert, notify (emergency-service.ts); set once the SIP side is up. */
  let emergency: EmergencyService | undefined;
  try {
    const catalogue = options.catalogue ?? loadCatalogue();
    const sha256Capable = sha256Models(catalogue);
    const store = await openStoreWriter(
      paths.store,
      paths.dir,
      () => ({ address: primaryAddress(), provisioningToken: randomToken() }),
      {
        onAuditArchiveError: (error) =>
          options.log.warn(
            { error: error.message },
            'audit entries could not be archived; the store keeps them for now',
          ),
      },
    );
    const service = createStoreService(store);
    /** The one path of every change (control socket, login calls): applied in order, then carried out. */
    const applyInOrder = async (change: Change): Promise<ControlResponse> => {
      let effects: { switched: string[]; bumped: string[] } = { switched: [], bumped: [] };
      const response = await service.update((data): { next?: typeof data; value: ControlResponse } => {
        const now = new Date().toISOString();
        const outcome = applyChange(data, change, { now, catalogue });
        if (!outcome.ok) return { value: { ok: false, reason: outcome.reason } };
        options.log.info({ change: change.kind }, 'store changed');
        const { data: next, result } = outcome.value;
        logNewPinAlerts(options.log, change, data, next, now);
        const before = new Map(data.phones.map((phone) => [phone.name, phone.desiredGeneration]));
        const switched = result.kind === 'sessions' ? result.reprovision : [];
        const bumped = next.phones
          .filter((phone) => before.get(phone.name) !== phone.desiredGeneration && !switched.includes(phone.name))
          .map((phone) => phone.name);
        effects = { switched, bumped };
        return { next, value: { ok: true, result } };
      });
      if (effects.switched.length > 0) sip?.switchPhones(effects.switched);
      if (effects.bumped.length > 0) sip?.reprovision(effects.bumped);
      return response;
    };
    const version = options.version ?? packageVersion();
    // The real ports (also when asked for port 0): hotdesk doctor checks them.
    const pong = (): Pong => ({
      pid: process.pid,
      version,
      ...(sip ? { sip: { host: sip.stack.transport.host, port: sip.stack.transport.port } } : {}),
      ...(http && options.http ? { http: { host: options.http.bind, port: http.port } } : {}),
      ...(sip?.stack.transport.tlsPort !== undefined
        ? { sipTls: { host: sip.stack.transport.host, port: sip.stack.transport.tlsPort } }
        : {}),
      ...(http?.httpsPort !== undefined && options.http
        ? { https: { host: options.http.bind, port: http.httpsPort } }
        : {}),
      served: served(),
    });
    const overridden =
      options.overridden ??
      Object.fromEntries([
        ...(options.sip?.port !== undefined ? [['sip-port', '--sip-port']] : []),
        ...(options.http?.port !== undefined ? [['http-port', '--http-port']] : []),
        ...(options.sip?.tls && options.sip.tls.port !== undefined ? [['tls-port', '--tls-port']] : []),
        ...(options.http?.https && options.http.https.port !== undefined ? [['https-port', '--https-port']] : []),
      ]);
    // Read from the store at start; the services keep them until a restart (doctor: "restart needed").
    let fromStore: Served['fromStore'] = {};
    const givenPublicAddress = options.sip?.publicAddress ?? options.http?.publicAddress;
    const served = (): Served => ({
      address: store.data.settings.address,
      ...(givenPublicAddress !== undefined ? { publicAddress: givenPublicAddress } : {}),
      ...(sip ? { sipPort: sip.stack.transport.port } : {}),
      ...(http ? { httpPort: http.port } : {}),
      ...(sip?.stack.transport.tlsPort !== undefined ? { tlsPort: sip.stack.transport.tlsPort } : {}),
      ...(http?.httpsPort !== undefined ? { httpsPort: http.httpsPort } : {}),
      fromStore,
      overridden,
    });
    server = await startControlServer(paths.socket, async (request): Promise<ControlResponse> => {
      switch (request.kind) {
        case 'ping':
          return { ok: true, pong: pong() };
        case 'blocks':
          return { ok: true, blocks: sipBlocks(sip?.authenticator.blocked(Date.now()) ?? []) };
        case 'digest-failures':
          return { ok: true, digestFailures: (sip?.authenticator.digestFailures() ?? []).map(digestFailureView) };
        case 'unblock': {
          const lifted = sip?.authenticator.unblock(request.target, Date.now()) ?? [];
          if (lifted.length > 0)
            options.log.info({ target: request.target }, 'SIP authentication block lifted by an admin');
          return { ok: true, blocks: sipBlocks(lifted) };
        }
        case 'change':
          return applyInOrder(request.change);
      }
    });
    const listening = server;
    if (options.sip) {
      // Listening on every address: phones are told the office address (settings) unless --public-address says otherwise.
      const wildcard = options.sip.bind === '0.0.0.0' || options.sip.bind === '::';
      const publicAddress = options.sip.publicAddress ?? (wildcard ? store.data.settings.address : undefined);
      const {
        digest,
        rtpPorts = { min: 10000, max: 10999 },
        checkSyncRetryMs,
        pnp = true,
        authThrottle,
        maxNonceCounts,
        port = store.data.settings.sipPort,
        tls,
        startStack = startSipStack,
        rtpPool,
        ...rest
      } = options.sip;
      const listen = {
        ...rest,
        port,
        ...(tls ? { tls: { ...tls, port: tls.port ?? store.data.settings.tlsPort ?? DEFAULT_TLS_PORT } } : {}),
      };
      reloadablePrompts = await loadReloadablePrompts(() =>
        loadPromptLibrary({ overrideDir: join(paths.dir, 'prompts'), log: options.log }),
      );
      const prompts = reloadablePrompts.library;
      const pool = rtpPool ?? createRtpPortPool({ bind: listen.bind, ...rtpPorts, log: options.log });
      sip = await startSipService({
        startStack,
        ...listen,
        ...(publicAddress ? { publicAddress } : {}),
        log: options.log,
        store: service,
        submit: applyInOrder,
        ivr: { pool, prompts, verifyPin, dummyHash: await hashPin(randomToken()) },
        vendorOf: (model) => catalogue.find((entry) => entry.id === model)?.vendor ?? model.split('-')[0] ?? model,
        ...(checkSyncRetryMs ? { checkSyncRetryMs } : {}),
        onEmergency: (event) => void emergency?.dialled(event),
        ...(pnp ? { pnp: { provisioningUrl: () => provisioningUrl(service.data, http?.port) } } : {}),
        authenticator: (realm) =>
          createDigestAuthenticator({
            realm,
            store: () => service.data,
            crypto: nodeDigestCrypto,
            random: nonceRandom,
            secret: randomNonceSecret(),
            algorithmsFor: (account) =>
              digestForAccount(
                { ...service.data, sha256Models: sha256Capable, ...(digest ? { officeFlag: digest } : {}) },
                account,
              ),
            ...(authThrottle ? { throttle: authThrottle } : {}),
            ...(maxNonceCounts !== undefined ? { maxNonceCounts } : {}),
            onBlocked: (source, knownGood) =>
              knownGood ? logAuthBlockedKnownSource(options.log, source) : logAuthBlocked(options.log, source),
            onAccountBlocked: (account, source) =>
              options.log.warn(
                { event: 'sip-account-blocked', account, lastSource: source },
                'SIP authentication blocked for this account from new addresses after repeated failures',
              ),
          }),
      }).catch((error: unknown) => {
        // The port tried (the store's when no flag gave one), for the one-line refusal in run().
        if (error instanceof Error)
          Object.assign(error, { sipPort: port, ...(listen.tls ? { tlsPort: listen.tls.port } : {}) });
        throw error;
      });
    }
    const announcer = sip;
    emergency = createEmergencyService({
      store: service,
      log: options.log,
      submit: applyInOrder,
      ...(announcer ? { announce: (extension, announcement) => announcer.announce(extension, announcement) } : {}),
      speak: (options.speech ?? createSpeech({ log: options.log })).speak,
    });
    if (options.http) {
      const wildcard = options.http.bind === '0.0.0.0' || options.http.bind === '::';
      const publicAddress = options.http.publicAddress ?? (wildcard ? store.data.settings.address : undefined);
      http = await startProvisioningService({
        bind: options.http.bind,
        port: options.http.port ?? store.data.settings.httpPort,
        store: service,
        catalogue,
        log: options.log,
        overridesDir: join(paths.dir, 'templates'),
        ...(publicAddress ? { publicAddress } : {}),
        ...(options.http.https
          ? {
              https: {
                ...options.http.https,
                port: options.http.https.port ?? store.data.settings.httpsPort ?? DEFAULT_HTTPS_PORT,
              },
            }
          : {}),
        ...(options.http.maxConnectionsPerAddress !== undefined
          ? { maxConnectionsPerAddress: options.http.maxConnectionsPerAddress }
          : {}),
        ...(sip?.stack.transport.tlsPort !== undefined ? { sipTlsPort: sip.stack.transport.tlsPort } : {}),
        ...(sip ? { sipPort: sip.stack.transport.port } : {}),
        onFetched: (phone) => sip?.phoneSync.fetched(phone),
        isRegistered: (address) => {
          const now = Date.now();
          return (
            sip !== undefined &&
            allBindings(sip.location()).some((binding) => binding.source.address === address && binding.expiresAt > now)
          );
        },
      }).catch((error: unknown) => {
        // The HTTPS port tried (the store's when no flag gave one), for the one-line refusal in run().
        if (error instanceof Error && options.http?.https)
          Object.assign(error, {
            httpsPort: options.http.https.port ?? store.data.settings.httpsPort ?? DEFAULT_HTTPS_PORT,
          });
        throw error;
      });
    }
    const sipService = sip;
    const httpService = http;
    const policies = startPolicyService({
      store: service,
      log: options.log,
      submit: applyInOrder,
      storeFile: paths.store,
      backupDir: backupDirOf(paths.dir),
      ...(sipService
        ? { activity: (phone: string) => sipService.phoneActivity(phone), warn: sipService.warnPhone }
        : {}),
      ...options.policies,
    });
    // Phones that were told to fetch a configuration before a restart are told again.
    sipService?.reconcile();
    // Listening on every address without --public-address, the services took the address setting at start.
    const tookAddress = (listen: { bind: string; publicAddress?: string } | undefined): boolean =>
      Boolean(listen && !listen.publicAddress && (listen.bind === '0.0.0.0' || listen.bind === '::'));
    fromStore = {
      ...(tookAddress(options.sip) || tookAddress(options.http) ? { address: store.data.settings.address } : {}),
      ...(options.sip && options.sip.port === undefined && sipService
        ? { sipPort: sipService.stack.transport.port }
        : {}),
      ...(options.http && options.http.port === undefined && httpService ? { httpPort: httpService.port } : {}),
      ...(options.sip?.tls && options.sip.tls.port === undefined && sipService?.stack.transport.tlsPort !== undefined
        ? { tlsPort: sipService.stack.transport.tlsPort }
        : {}),
      ...(options.http?.https && options.http.https.port === undefined && httpService?.httpsPort !== undefined
        ? { httpsPort: httpService.httpsPort }
        : {}),
    };
    const reload = createReloader({
      storeFile: paths.store,
      store: service,
      log: options.log,
      ...(reloadablePrompts ? { prompts: reloadablePrompts } : {}),
      fixedAtStart: {
        ...(tookAddress(options.sip) || tookAddress(options.http) ? { address: store.data.settings.address } : {}),
        ...(options.http && options.http.port === undefined && httpService ? { httpPort: httpService.port } : {}),
        ...(fromStore.sipPort !== undefined ? { sipPort: fromStore.sipPort } : {}),
      },
      afterStore: () => sipService?.reconcile(),
    });
    return {
      paths,
      store,
      sip: sipService,
      http: httpService,
      policies,
      reload,
      async stop() {
        policies.close();
        await httpService?.close();
        await sipService?.close();
        await new Promise<void>((resolve) => listening.close(() => resolve()));
        await service.flush();
        await unlock(paths.lock);
      },
    };
  } catch (error) {
    server?.close();
    await http?.close().catch(() => undefined);
    await sip?.close().catch(() => undefined);
    await unlock(paths.lock);
    throw error;
  }
}

/** Reads the certificate and key and checks they fit; a message naming the file (or the mismatch) when they cannot be used. */
function loadTlsCredentials(files: { certFile: string; keyFile: string }): TlsCredentials | string {
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

function digestFailureView(failure: DigestFailure): SipDigestFailure {
  return {
    account: failure.account,
    offered: failure.offered,
    kind: failure.kind,
    ...(failure.algorithm !== undefined ? { algorithm: failure.algorithm } : {}),
    source: failure.source,
    at: new Date(failure.atMs).toISOString(),
  };
}

function sipBlocks(blocks: readonly AuthBlock[]): SipBlock[] {
  return blocks.map((block) => ({ kind: block.kind, key: block.key, until: new Date(block.untilMs).toISOString() }));
}

/** The provisioning URL with its token left out: the banner goes to terminals and logs (hotdesk provisioning shows it whole). */
function withoutToken(url: string): string {
  return url.replace(/\/provisioning\/[^/]+\/$/, '/provisioning/…/');
}

function banner(daemon: Daemon): string {
  const { settings, phones, extensions } = daemon.store.data;
  // Not bare `hotdesk`: after `npm start` in a checkout it is not on PATH.
  const hotdesk = cliCommand({ dataDir: daemon.paths.dir });
  const lines = [
    `hotdeskd running (pid ${process.pid})`,
    `  data:     ${daemon.paths.store}`,
    `  control:  ${daemon.paths.socket}`,
    ...(daemon.sip
      ? [`  sip:      udp+tcp ${daemon.sip.stack.transport.host}:${daemon.sip.stack.transport.port}`]
      : []),
    ...(daemon.sip?.stack.transport.tlsPort !== undefined
      ? [`  sip:      tls ${daemon.sip.stack.transport.host}:${daemon.sip.stack.transport.tlsPort}`]
      : []),
    `  phones:   provisioning URL ${withoutToken(provisioningUrl(daemon.store.data, daemon.http?.port))}   (whole, with its token: hotdesk provisioning)`,
    ...(daemon.http?.httpsPort !== undefined
      ? [
          `  phones:   over HTTPS ${withoutToken(provisioningUrl(daemon.store.data, daemon.http.httpsPort)).replace(/^http:/, 'https:')}`,
        ]
      : []),
  ];
  if (extensions.length === 0 || phones.length === 0) {
    lines.push('', 'Next steps for a new office:');
    if (extensions.length === 0)
      lines.push(
        `  ${hotdesk} extension add 100 --name "Ada Lovelace" --password - --pin - --hotdesk   (- asks for each secret)`,
      );
    if (phones.length === 0)
      lines.push(
        `  ${hotdesk} add-phone --model yealink-t54w --mac 00:15:65:aa:bb:cc   (${hotdesk} models lists the models)`,
      );
  }
  lines.push(
    `  address phones are given: ${settings.address} (change with ${hotdesk} settings set address HOST)`,
    'Press Ctrl-C to stop.',
  );
  return `${lines.join('\n')}\n`;
}

/** Entry point for bin/hotdeskd. Resolves to the process exit code. */
export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const version = packageVersion();
  let config;
  try {
    config = parseDaemonConfig(argv, env, version);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof ConfigError) {
      process.stderr.write(`hotdeskd: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  let credentials: TlsCredentials | undefined;
  if (config.tls) {
    const loaded = loadTlsCredentials(config.tls);
    if (typeof loaded === 'string') {
      process.stderr.write(`hotdeskd: ${loaded}\n`);
      return 1;
    }
    credentials = loaded;
  }
  const log = createLogger({ level: config.logLevel });
  let daemon: Daemon;
  try {
    daemon = await startDaemon({
      dataDir: resolveDataDir(config.data, env),
      log,
      version,
      overridden: config.overridden,
      sip: {
        bind: config.bind,
        port: config.sipPort,
        ...(config.digest ? { digest: config.digest } : {}),
        rtpPorts: config.rtpPorts,
        pnp: config.pnp,
        floodLimit:
          config.sipFloodLimit === 0 ? null : { perSecond: config.sipFloodLimit, burst: config.sipFloodLimit * 2 },
        maxConnectionsPerAddress: config.connectionsPerAddress,
        idleTimeoutMs: config.tcpIdleTimeout * 1000,
        ...(config.publicAddress ? { publicAddress: config.publicAddress } : {}),
        ...(credentials ? { tls: { port: config.tlsPort, credentials } } : {}),
      },
      http: {
        bind: config.bind,
        port: config.httpPort,
        ...(config.publicAddress ? { publicAddress: config.publicAddress } : {}),
        ...(credentials ? { https: { port: config.httpsPort, credentials } } : {}),
        maxConnectionsPerAddress: config.connectionsPerAddress,
      },
    });
  } catch (error) {
    if (error instanceof AlreadyRunningError || error instanceof StoreFileError) {
      process.stderr.write(`hotdeskd: ${error.message}\n`);
      return 1;
    }
    // The system said no (EACCES on the data directory, a port in use…): one line naming what, no stack trace.
    const failure = error as NodeJS.ErrnoException & {
      port?: number;
      sipPort?: number;
      tlsPort?: number;
      httpsPort?: number;
    };
    const sipPort = failure.sipPort ?? config.sipPort;
    const tlsPort = failure.tlsPort ?? config.tlsPort;
    const httpsPort = failure.httpsPort ?? config.httpsPort;
    if (
      failure.code === 'EADDRINUSE' ||
      (failure.code === 'EACCES' && (failure.syscall === 'bind' || failure.syscall === 'listen'))
    ) {
      const what =
        failure.code === 'EADDRINUSE' ? 'the port is in use (another hotdeskd or PBX?)' : 'permission denied';
      const http = failure.port !== undefined && failure.sipPort === undefined && failure.syscall === 'listen';
      const secure =
        config.tls && failure.syscall === 'listen' && failure.port !== sipPort && failure.port !== config.httpPort;
      const [service, port, flag] =
        secure && failure.port === tlsPort
          ? ['SIP over TLS', tlsPort, '--tls-port']
          : secure && failure.port === httpsPort
            ? ['HTTPS provisioning', httpsPort, '--https-port']
            : http
              ? ['HTTP provisioning', failure.port, '--http-port']
              : ['SIP', sipPort, '--sip-port'];
      process.stderr.write(
        `hotdeskd: cannot listen for ${service} on ${config.bind}:${port}: ${what}; choose another with ${flag}\n`,
      );
      return 1;
    }
    if (typeof failure.code === 'string' && failure.syscall) {
      process.stderr.write(`hotdeskd: cannot start: ${failure.message}\n`);
      return 1;
    }
    throw error;
  }
  return new Promise((resolve) => {
    // SIGHUP (systemctl reload hotdeskd): take up the store file and prompts again; sockets stay open.
    // Once stopping, a SIGHUP is ignored (not the default action, which would end the process mid-stop).
    let stopping = false;
    const reload = (): void => {
      if (!stopping) void daemon.reload();
    };
    const shutdown = (signal: string): void => {
      log.info({ signal }, 'stopping');
      stopping = true;
      void daemon.stop().then(() => resolve(0));
    };
    process.on('SIGHUP', reload);
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    // Announce only now: whoever waits for the banner may send SIGTERM at once, and it must be handled.
    process.stdout.write(banner(daemon));
    log.info({ data: daemon.paths.dir }, 'started');
  });
}

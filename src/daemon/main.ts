/**
 * hotdeskd's composition root: the only place that wires adapters together,
 * owns the writer lock, and handles signals. Every store write goes through the
 * write path (write-path.ts) and its effects through one executor (effects.ts).
 */
import type { Server } from 'node:net';
import { openStoreWriter } from '../adapters/json-store.js';
import { tryLock, unlock } from '../adapters/lock-file.js';
import { startControlServer, type Served } from '../adapters/control-socket.js';
import { dataPaths, resolveDataDir, type DataPaths } from '../adapters/paths.js';
import { loadCatalogue } from '../adapters/catalogue-files.js';
import { sha256Models } from '../core/catalogue.js';
import { randomToken } from '../adapters/secrets.js';
import { primaryAddress } from '../adapters/network.js';
import { createLogger, type Logger } from '../adapters/log.js';
import { limitHeapGrowth } from '../adapters/heap-growth.js';
import { ensureDataDir, modeText } from '../adapters/data-dir.js';
import { createSpeech } from '../adapters/speech.js';
import { createStoreService, type StoreService } from './store-service.js';
import { backupDirOf, startPolicyService } from './policy-service.js';
import { createReloader, type ReloadablePrompts } from './reload.js';
import type { SipService } from './sip/sip-service.js';
import type { ProvisioningService } from './http/provisioning-service.js';
import { createEmergencyService, type EmergencyService } from './emergency-service.js';
import { AlreadyRunningError, type Daemon, type DaemonOptions } from './daemon-options.js';
import { createCarryOut, type EffectTargets } from './effects.js';
import { createWritePath, type WritePath } from './write-path.js';
import { createControlHandler } from './control-handler.js';
import { fromStoreOf, pongView, type Listening, type ServedViewsOptions } from './served.js';
import { startSipSide } from './sip-side.js';
import { startHttpSide } from './http-side.js';
import { banner } from './banner.js';
import { listenOptions, packageVersion, parseCliArgs, startFailureMessage } from './cli-args.js';

export { AlreadyRunningError, packageVersion, type Daemon, type DaemonOptions };

/** What has been started so far: closed again when a later step fails. */
interface Parts {
  server?: Server;
  sip?: SipService;
  http?: ProvisioningService;
}

async function prepareDataDir(dir: string, log: Logger): Promise<void> {
  const dirState = await ensureDataDir(dir);
  if (dirState.kind === 'tightened')
    log.warn({ dir, was: modeText(dirState.from) }, 'data directory was readable by others: now mode 0700');
  if (dirState.kind === 'loose') {
    log.warn(
      { dir, mode: modeText(dirState.mode), owner: dirState.uid },
      'data directory is readable by others and not ours to change: make it mode 0700',
    );
  }
}

const listeningOf = (parts: Parts): Listening => ({
  ...(parts.sip
    ? {
        sip: {
          host: parts.sip.stack.transport.host,
          port: parts.sip.stack.transport.port,
          tlsPort: parts.sip.stack.transport.tlsPort,
        },
      }
    : {}),
  ...(parts.http ? { http: { port: parts.http.port, httpsPort: parts.http.httpsPort } } : {}),
});

/** The phone side of the effects: the SIP service's phone-sync (its public methods). */
const phoneTargets = (sip: SipService): EffectTargets => ({
  switchPhones: (phones) => sip.switchPhones(phones),
  reprovision: (phones) => sip.reprovision(phones),
  reconcile: () => sip.reconcile(),
  fetched: (phone) => sip.phoneSync.fetched(phone),
});

interface Wiring {
  options: DaemonOptions;
  paths: DataPaths;
  parts: Parts;
  service: StoreService;
  write: WritePath;
}

/** SIP (with the emergency service it reports to) and HTTP, each when asked for. */
async function startServices(
  w: Wiring,
  catalogue: ReturnType<typeof loadCatalogue>,
): Promise<ReloadablePrompts | undefined> {
  const { options, parts, service, write } = w;
  const log = options.log;
  let emergency: EmergencyService | undefined;
  let prompts: ReloadablePrompts | undefined;
  if (options.sip) {
    const started = await startSipSide({
      sip: options.sip,
      dataDir: w.paths.dir,
      log,
      store: service,
      write,
      catalogue,
      sha256Models: sha256Models(catalogue),
      onEmergency: (event) => void emergency?.dialled(event),
      httpPort: () => parts.http?.port,
    });
    parts.sip = started.sip;
    prompts = started.prompts;
  }
  const announcer = parts.sip;
  emergency = createEmergencyService({
    store: service,
    log,
    submit: write.submit,
    ...(announcer ? { announce: (extension, announcement) => announcer.announce(extension, announcement) } : {}),
    speak: (options.speech ?? createSpeech({ log })).speak,
  });
  if (options.http) {
    const http = { http: options.http, dataDir: w.paths.dir, log, store: service, write, catalogue };
    parts.http = await startHttpSide({ ...http, sip: parts.sip });
  }
  return prompts;
}

async function wire(options: DaemonOptions, paths: DataPaths, parts: Parts): Promise<Daemon> {
  const { log } = options;
  const catalogue = options.catalogue ?? loadCatalogue();
  const store = await openStoreWriter(
    paths.store,
    paths.dir,
    () => ({ address: primaryAddress(), provisioningToken: randomToken() }),
    {
      onAuditArchiveError: (error) =>
        log.warn({ error: error.message }, 'audit entries could not be archived; the store keeps them for now'),
    },
  );
  const service = createStoreService(store);
  const carryOut = createCarryOut({ log, targets: () => (parts.sip ? phoneTargets(parts.sip) : undefined) });
  const write = createWritePath({ store: service, catalogue, log, carryOut });
  let fromStore: Served['fromStore'] = {};
  const views: ServedViewsOptions = {
    options,
    data: () => store.data,
    listening: () => listeningOf(parts),
    fromStore: () => fromStore,
    pid: process.pid,
    version: options.version ?? packageVersion(),
  };
  const control = createControlHandler({
    log,
    pong: () => pongView(views),
    authenticator: () => parts.sip?.authenticator,
    submit: write.submit,
  });
  const server = (parts.server = await startControlServer(paths.socket, control));
  const prompts = await startServices({ options, paths, parts, service, write }, catalogue);
  const { sip, http } = parts;
  const policies = startPolicyService({
    store: service,
    log,
    submit: write.submit,
    storeFile: paths.store,
    backupDir: backupDirOf(paths.dir),
    ...(sip ? { activity: (phone: string) => sip.phoneActivity(phone), warn: sip.warnPhone } : {}),
    ...options.policies,
  });
  // Phones that were told to fetch a configuration before a restart are told again.
  sip?.reconcile();
  fromStore = fromStoreOf(options, listeningOf(parts), store.data.settings.address);
  const { address, httpPort, sipPort } = fromStore;
  const reload = createReloader({
    storeFile: paths.store,
    store: service,
    apply: write.apply,
    log,
    ...(prompts ? { prompts } : {}),
    fixedAtStart: {
      ...(address !== undefined ? { address } : {}),
      ...(httpPort !== undefined ? { httpPort } : {}),
      ...(sipPort !== undefined ? { sipPort } : {}),
    },
  });
  return {
    paths,
    store,
    sip,
    http,
    policies,
    reload,
    async stop() {
      policies.close();
      await http?.close();
      await sip?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await service.flush();
      await unlock(paths.lock);
    },
  };
}

/** Starts the daemon: lock, store, control socket, then SIP and HTTP as asked. Throws on a refusal to start. */
export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const paths = dataPaths(options.dataDir);
  await prepareDataDir(paths.dir, options.log);
  const lock = await tryLock(paths.lock);
  if (!lock.acquired) throw new AlreadyRunningError(lock.owner.pid);
  const parts: Parts = {};
  try {
    return await wire(options, paths, parts);
  } catch (error) {
    parts.server?.close();
    await parts.http?.close().catch(() => undefined);
    await parts.sip?.close().catch(() => undefined);
    await unlock(paths.lock);
    throw error;
  }
}

/** Entry point for bin/hotdeskd. Resolves to the process exit code. */
export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const version = packageVersion();
  const parsed = parseCliArgs(argv, env, version);
  if (typeof parsed === 'number') return parsed;
  const { config, credentials } = parsed;
  // Memory stays near its live size under load (heap-growth.ts); a flag given to node wins.
  limitHeapGrowth();
  const log = createLogger({ level: config.logLevel });
  let daemon: Daemon;
  try {
    const dataDir = resolveDataDir(config.data, env);
    daemon = await startDaemon({ dataDir, log, version, ...listenOptions(config, credentials) });
  } catch (error) {
    const message = startFailureMessage(error, config);
    if (message === undefined) throw error;
    process.stderr.write(`hotdeskd: ${message}\n`);
    return 1;
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

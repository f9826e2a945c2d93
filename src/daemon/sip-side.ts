/** Starts hotdeskd's SIP side (startSipService) with its prompts, RTP ports and digest authenticator. */
import { join } from 'node:path';
import { loadPromptLibrary } from '../adapters/prompt-files.js';
import { createRtpPortPool } from '../adapters/rtp-socket.js';
import { startSipStack } from '../adapters/sip-stack.js';
import { hashPin, verifyPin } from '../adapters/pin-hash.js';
import { randomToken } from '../adapters/secrets.js';
import { nodeDigestCrypto, nonceRandom, randomNonceSecret } from '../adapters/node-crypto.js';
import type { Logger } from '../adapters/log.js';
import type { Catalogue } from '../core/catalogue.js';
import { DEFAULT_TLS_PORT } from '../core/model.js';
import { digestForAccount } from '../core/digest-choice.js';
import { provisioningUrl } from '../store/queries.js';
import { startSipService, type SipService, type SipServiceOptions } from './sip/sip-service.js';
import { createDigestAuthenticator } from './sip/authenticator.js';
import { logAuthBlocked, logAuthBlockedKnownSource } from './auth-block-log.js';
import { loadReloadablePrompts, type ReloadablePrompts } from './reload.js';
import type { DaemonOptions } from './daemon-options.js';
import type { StoreService } from './store-service.js';
import { accountIndex } from '../store/account-index.js';
import type { WritePath } from './write-path.js';

export interface SipSideOptions {
  sip: NonNullable<DaemonOptions['sip']>;
  dataDir: string;
  log: Logger;
  store: StoreService;
  write: WritePath;
  catalogue: Catalogue;
  sha256Models: ReadonlySet<string>;
  onEmergency: NonNullable<SipServiceOptions['onEmergency']>;
  /** The HTTP port phones are sent to by plug-and-play, once HTTP runs. */
  httpPort: () => number | undefined;
}

function authenticatorFor(options: SipSideOptions) {
  const { store, log } = options;
  const { digest, authThrottle, maxNonceCounts } = options.sip;
  return (realm: () => string) =>
    createDigestAuthenticator({
      realm,
      store: () => store.data,
      crypto: nodeDigestCrypto,
      random: nonceRandom,
      secret: randomNonceSecret(),
      algorithmsFor: (account) => {
        // Only the account's own extension and phones: the same answer without a search of the store.
        const data = store.data;
        const index = accountIndex(data);
        const extension = account === undefined ? undefined : index.extension(account);
        const phone = account === undefined ? undefined : index.phone(account);
        return digestForAccount(
          {
            extensions: extension ? [extension] : [],
            phones: account === undefined ? [] : extension ? index.phonesOf(account) : phone ? [phone] : [],
            settings: data.settings,
            sha256Models: options.sha256Models,
            ...(digest ? { officeFlag: digest } : {}),
          },
          account,
        );
      },
      ...(authThrottle ? { throttle: authThrottle } : {}),
      ...(maxNonceCounts !== undefined ? { maxNonceCounts } : {}),
      onBlocked: (source, knownGood) =>
        knownGood ? logAuthBlockedKnownSource(log, source) : logAuthBlocked(log, source),
      onAccountBlocked: (account, source) =>
        log.warn(
          { event: 'sip-account-blocked', account, lastSource: source },
          'SIP authentication blocked for this account from new addresses after repeated failures',
        ),
    });
}

export async function startSipSide(options: SipSideOptions): Promise<{ sip: SipService; prompts: ReloadablePrompts }> {
  const { store, log, catalogue } = options;
  const settings = store.data.settings;
  // Listening on every address: phones are told the office address (settings) unless --public-address says otherwise.
  const wildcard = options.sip.bind === '0.0.0.0' || options.sip.bind === '::';
  const publicAddress = options.sip.publicAddress ?? (wildcard ? settings.address : undefined);
  const {
    digest: _digest,
    rtpPorts = { min: 10000, max: 10999 },
    checkSyncRetryMs,
    pnp = true,
    authThrottle: _authThrottle,
    maxNonceCounts: _maxNonceCounts,
    port = settings.sipPort,
    tls,
    startStack = startSipStack,
    rtpPool,
    ...rest
  } = options.sip;
  const listen = {
    ...rest,
    port,
    ...(tls ? { tls: { ...tls, port: tls.port ?? settings.tlsPort ?? DEFAULT_TLS_PORT } } : {}),
  };
  const prompts = await loadReloadablePrompts(() =>
    loadPromptLibrary({ overrideDir: join(options.dataDir, 'prompts'), log }),
  );
  const pool = rtpPool ?? createRtpPortPool({ bind: listen.bind, ...rtpPorts, log });
  const sip = await startSipService({
    startStack,
    ...listen,
    ...(publicAddress ? { publicAddress } : {}),
    log,
    store,
    submit: options.write.submit,
    saveBindings: (bindings) => options.write.apply({ kind: 'save-bindings', bindings }),
    ivr: { pool, prompts: prompts.library, verifyPin, dummyHash: await hashPin(randomToken()) },
    vendorOf: (model) => catalogue.find((entry) => entry.id === model)?.vendor ?? model.split('-')[0] ?? model,
    ...(checkSyncRetryMs ? { checkSyncRetryMs } : {}),
    onEmergency: options.onEmergency,
    ...(pnp ? { pnp: { provisioningUrl: () => provisioningUrl(store.data, options.httpPort()) } } : {}),
    authenticator: authenticatorFor(options),
  }).catch((error: unknown) => {
    // The port tried (the store's when no flag gave one), for the one-line refusal in run().
    if (error instanceof Error)
      Object.assign(error, { sipPort: port, ...(listen.tls ? { tlsPort: listen.tls.port } : {}) });
    throw error;
  });
  return { sip, prompts };
}

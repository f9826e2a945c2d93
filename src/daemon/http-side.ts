/** Starts hotdeskd's HTTP(S) provisioning side (startProvisioningService) on the ports asked for or stored. */
import { join } from 'node:path';
import type { Logger } from '../adapters/log.js';
import type { Catalogue } from '../core/catalogue.js';
import { DEFAULT_HTTPS_PORT } from '../core/model.js';
import { allBindings } from '../sip/location.js';
import { startProvisioningService, type ProvisioningService } from './http/provisioning-service.js';
import type { DaemonOptions } from './daemon-options.js';
import type { SipService } from './sip/sip-service.js';
import type { StoreService } from './store-service.js';
import type { WritePath } from './write-path.js';

export interface HttpSideOptions {
  http: NonNullable<DaemonOptions['http']>;
  dataDir: string;
  log: Logger;
  store: StoreService;
  write: WritePath;
  catalogue: Catalogue;
  sip: SipService | undefined;
}

export function startHttpSide(options: HttpSideOptions): Promise<ProvisioningService> {
  const { http, store, sip } = options;
  const settings = store.data.settings;
  const wildcard = http.bind === '0.0.0.0' || http.bind === '::';
  const publicAddress = http.publicAddress ?? (wildcard ? settings.address : undefined);
  const httpsPort = http.https ? (http.https.port ?? settings.httpsPort ?? DEFAULT_HTTPS_PORT) : undefined;
  return startProvisioningService({
    bind: http.bind,
    port: http.port ?? settings.httpPort,
    store,
    apply: options.write.apply,
    catalogue: options.catalogue,
    log: options.log,
    overridesDir: join(options.dataDir, 'templates'),
    ...(publicAddress ? { publicAddress } : {}),
    ...(http.https && httpsPort !== undefined ? { https: { ...http.https, port: httpsPort } } : {}),
    ...(http.maxConnectionsPerAddress !== undefined ? { maxConnectionsPerAddress: http.maxConnectionsPerAddress } : {}),
    ...(sip?.stack.transport.tlsPort !== undefined ? { sipTlsPort: sip.stack.transport.tlsPort } : {}),
    ...(sip ? { sipPort: sip.stack.transport.port } : {}),
    isRegistered: (address) => {
      const now = Date.now();
      return (
        sip !== undefined &&
        allBindings(sip.location()).some((binding) => binding.source.address === address && binding.expiresAt > now)
      );
    },
  }).catch((error: unknown) => {
    // The HTTPS port tried (the store's when no flag gave one), for the one-line refusal in run().
    if (error instanceof Error && httpsPort !== undefined) Object.assign(error, { httpsPort });
    throw error;
  });
}

/** What hotdeskd prints once it is up: where it listens and, for a new office, what to do next. */
import { cliCommand } from '../adapters/cli-command.js';
import type { DataPaths } from '../adapters/paths.js';
import { provisioningUrl } from '../store/queries.js';
import type { StoreData } from '../store/schema.js';

/** The parts of a running daemon the banner shows. */
export interface BannerSource {
  paths: DataPaths;
  store: { readonly data: StoreData };
  sip: { stack: { transport: { host: string; port: number; tlsPort?: number | undefined } } } | undefined;
  http: { port: number; httpsPort?: number | undefined } | undefined;
}

/** The provisioning URL with its token left out: the banner goes to terminals and logs (hotdesk provisioning shows it whole). */
function withoutToken(url: string): string {
  return url.replace(/\/provisioning\/[^/]+\/$/, '/provisioning/…/');
}

export function banner(daemon: BannerSource, pid: number = process.pid): string {
  const { settings, phones, extensions } = daemon.store.data;
  // Not bare `hotdesk`: after `npm start` in a checkout it is not on PATH.
  const hotdesk = cliCommand({ dataDir: daemon.paths.dir });
  const lines = [
    `hotdeskd running (pid ${pid})`,
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

/**
 * What the running daemon tells `hotdesk doctor`/`status` about itself over the
 * control socket: the ports it really listens on (also when asked for port 0),
 * which settings it took from the store at start, and which a flag overrode.
 */
import type { Pong, Served } from '../adapters/control-socket.js';
import type { StoreData } from '../store/schema.js';
import type { DaemonOptions } from './daemon-options.js';

/** The listening side, as the views need it. */
export interface Listening {
  sip?: { host: string; port: number; tlsPort: number | undefined } | undefined;
  http?: { port: number; httpsPort: number | undefined } | undefined;
}

type Where = Pick<DaemonOptions, 'sip' | 'http' | 'overridden'>;

/** Store settings a flag overrides: as given, else the ports given in the options. */
export function overriddenOf(options: Where): Record<string, string> {
  return (
    options.overridden ??
    Object.fromEntries([
      ...(options.sip?.port !== undefined ? [['sip-port', '--sip-port']] : []),
      ...(options.http?.port !== undefined ? [['http-port', '--http-port']] : []),
      ...(options.sip?.tls && options.sip.tls.port !== undefined ? [['tls-port', '--tls-port']] : []),
      ...(options.http?.https && options.http.https.port !== undefined ? [['https-port', '--https-port']] : []),
    ])
  );
}

/** Listening on every address without --public-address, a service took the address setting at start. */
export function tookAddress(listen: { bind: string; publicAddress?: string } | undefined): boolean {
  return Boolean(listen && !listen.publicAddress && (listen.bind === '0.0.0.0' || listen.bind === '::'));
}

/** Settings read from the store at start; the services keep them until a restart (doctor: "restart needed"). */
export function fromStoreOf(options: Where, listening: Listening, address: string): Served['fromStore'] {
  const { sip, http } = listening;
  return {
    ...(tookAddress(options.sip) || tookAddress(options.http) ? { address } : {}),
    ...(options.sip && options.sip.port === undefined && sip ? { sipPort: sip.port } : {}),
    ...(options.http && options.http.port === undefined && http ? { httpPort: http.port } : {}),
    ...(options.sip?.tls && options.sip.tls.port === undefined && sip?.tlsPort !== undefined
      ? { tlsPort: sip.tlsPort }
      : {}),
    ...(options.http?.https && options.http.https.port === undefined && http?.httpsPort !== undefined
      ? { httpsPort: http.httpsPort }
      : {}),
  };
}

export interface ServedViewsOptions {
  options: Where;
  data: () => StoreData;
  listening: () => Listening;
  fromStore: () => Served['fromStore'];
  pid: number;
  version: string;
}

export function servedView(views: ServedViewsOptions): Served {
  const { sip, http } = views.listening();
  const given = views.options.sip?.publicAddress ?? views.options.http?.publicAddress;
  return {
    address: views.data().settings.address,
    ...(given !== undefined ? { publicAddress: given } : {}),
    ...(sip ? { sipPort: sip.port } : {}),
    ...(http ? { httpPort: http.port } : {}),
    ...(sip?.tlsPort !== undefined ? { tlsPort: sip.tlsPort } : {}),
    ...(http?.httpsPort !== undefined ? { httpsPort: http.httpsPort } : {}),
    fromStore: views.fromStore(),
    overridden: overriddenOf(views.options),
  };
}

/** The answer to `ping`: pid, version and the real ports (hotdesk doctor checks them). */
export function pongView(views: ServedViewsOptions): Pong {
  const { sip, http } = views.listening();
  const httpHost = views.options.http?.bind;
  return {
    pid: views.pid,
    version: views.version,
    ...(sip ? { sip: { host: sip.host, port: sip.port } } : {}),
    ...(http && httpHost !== undefined ? { http: { host: httpHost, port: http.port } } : {}),
    ...(sip?.tlsPort !== undefined ? { sipTls: { host: sip.host, port: sip.tlsPort } } : {}),
    ...(http?.httpsPort !== undefined && httpHost !== undefined
      ? { https: { host: httpHost, port: http.httpsPort } }
      : {}),
    served: servedView(views),
  };
}

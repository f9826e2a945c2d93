/**
 * hotdeskd's configuration: defaults ← environment (HOTDESK_*) ← flags,
 * validated once. Errors name the setting, the value and what was expected.
 */
import { isIP } from 'node:net';
import { Command, CommanderError } from 'commander';
import { parseDigestList, type DigestName } from '../core/digest-choice.js';

export interface DaemonConfig {
  /** Data directory; `undefined` means the embedded default (resolved by the caller). */
  data: string | undefined;
  logLevel: string;
  /** SIP over UDP and TCP; `undefined` means the store's `sipPort` (5060 by default); 0 picks a free port. */
  sipPort: number | undefined;
  bind: string;
  /** Address for Via/Contact/Record-Route when phones see hotdeskd at another address (NAT). */
  publicAddress: string | undefined;
  /** Digest algorithms offered office-wide, most preferred first; absent: the store setting, else MD5 (core/digest-choice). */
  digest?: DigestName[];
  /** UDP ports for the login IVR's RTP, inclusive; one even port per call. */
  rtpPorts: { min: number; max: number };
  /** HTTP provisioning port; `undefined` means the store's `httpPort` (8088 by default); 0 picks a free port. */
  httpPort: number | undefined;
  /** Answer multicast plug-and-play SUBSCRIBEs from factory-fresh phones in the pool. */
  pnp: boolean;
  /** SIP messages per second per source address before the rest are dropped (twice that at once); 0: no limit. */
  sipFloodLimit: number;
  /** SIP over TLS and HTTPS provisioning with this certificate and key (PEM files, read at start); `undefined`: off. */
  tls: { certFile: string; keyFile: string } | undefined;
  /** SIP over TLS port (used with `tls`); `undefined`: the store's `tlsPort` (5061 by default); 0 picks a free port. */
  tlsPort: number | undefined;
  /** HTTPS provisioning port (used with `tls`); `undefined`: the store's `httpsPort` (8443 by default); 0 picks a free port. */
  httpsPort: number | undefined;
  /** Connections at once from one address, for SIP over TCP/TLS and for HTTP(S) provisioning each. */
  connectionsPerAddress: number;
  /** Seconds a SIP TCP/TLS connection may carry no message before it is closed (the first within 30 s at most). */
  tcpIdleTimeout: number;
  /** Store settings a flag or environment variable overrides: setting (`sip-port`) → what set it (`--sip-port`, `HOTDESK_SIP_PORT`). */
  overridden: Record<string, string>;
}

export class ConfigError extends Error {
  constructor(setting: string, value: string, expected: string) {
    super(`${setting}: "${value}" is not valid (expected ${expected})`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function daemonProgram(version: string): Command {
  return new Command('hotdeskd')
    .description('hot-desking server: SIP registrar and proxy, login IVR, phone provisioning')
    .version(version)
    .option('--data <dir>', 'data directory (store, lock, control socket); env HOTDESK_DATA')
    .option(
      '--sip-port <port>',
      "SIP port for UDP and TCP, 0 for any free port (default: the store's, 5060); env HOTDESK_SIP_PORT",
    )
    .option('--bind <address>', 'address to listen on (default 0.0.0.0); env HOTDESK_BIND')
    .option(
      '--public-address <host>',
      'address phones reach hotdeskd at, for Via/Record-Route behind NAT; env HOTDESK_PUBLIC_ADDRESS',
    )
    .option(
      '--digest <list>',
      'digest algorithms offered office-wide: md5, sha-256,md5 or sha-256 (default: hotdesk settings digest, else md5); extensions and phone models may have their own; env HOTDESK_DIGEST',
    )
    .option(
      '--rtp-ports <range>',
      'UDP ports for the login voice menu, as A-B (default 10000-10999); env HOTDESK_RTP_PORTS',
    )
    .option(
      '--http-port <port>',
      "HTTP provisioning port, 0 for any free port (default: the store's, 8088); env HOTDESK_HTTP_PORT",
    )
    .option(
      '--sip-flood-limit <n>',
      'SIP messages per second from one address before the rest are dropped, 0 for no limit (default 200); env HOTDESK_SIP_FLOOD_LIMIT',
    )
    .option(
      '--tls-cert <file>',
      'PEM certificate (chain) for SIP over TLS and HTTPS provisioning, with --tls-key; env HOTDESK_TLS_CERT',
    )
    .option('--tls-key <file>', 'PEM private key of --tls-cert; env HOTDESK_TLS_KEY')
    .option(
      '--tls-port <port>',
      "SIP over TLS port, 0 for any free port (default: the store's, 5061); env HOTDESK_TLS_PORT",
    )
    .option(
      '--https-port <port>',
      "HTTPS provisioning port, 0 for any free port (default: the store's, 8443); env HOTDESK_HTTPS_PORT",
    )
    .option(
      '--connections-per-address <n>',
      'connections at once from one address, for SIP over TCP/TLS and for HTTP(S) each (default 64); env HOTDESK_CONNECTIONS_PER_ADDRESS',
    )
    .option(
      '--tcp-idle-timeout <seconds>',
      'close a SIP TCP/TLS connection that carried no message for this long (default 3632: the longest registration, 3600, plus 32); the first must come within 30 s; env HOTDESK_TCP_IDLE_TIMEOUT',
    )
    .option('--no-pnp', 'do not answer plug-and-play requests from factory-fresh phones; env HOTDESK_PNP=off')
    .option('--log-level <level>', `log level: ${LOG_LEVELS.join(', ')}; env HOTDESK_LOG_LEVEL`)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
}

function parsePort(setting: string, text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new ConfigError(setting, text, 'a port from 0 to 65535');
  return Number(text);
}

interface DaemonFlags {
  data?: string;
  logLevel?: string;
  sipPort?: string;
  bind?: string;
  publicAddress?: string;
  digest?: string;
  rtpPorts?: string;
  httpPort?: string;
  sipFloodLimit?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsPort?: string;
  httpsPort?: string;
  connectionsPerAddress?: string;
  tcpIdleTimeout?: string;
  pnp: boolean;
}

/** A setting's value from its flag, else its HOTDESK_* variable, with the name of whichever gave it. */
type Pick = (flag: string | undefined, name: string) => [string, string | undefined];

/** Log level, SIP port, addresses, digest, RTP ports and HTTP port, each with what set it. */
function parseListening(flags: DaemonFlags, pick: Pick) {
  const [logSetting, logLevel = 'info'] = pick(flags.logLevel, 'log-level');
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(logSetting, logLevel, LOG_LEVELS.join(', '));
  const [portSetting, portText] = pick(flags.sipPort, 'sip-port');
  const sipPort = portText === undefined ? undefined : parsePort(portSetting, portText);
  const [bindSetting, bind = '0.0.0.0'] = pick(flags.bind, 'bind');
  if (!isIP(bind)) throw new ConfigError(bindSetting, bind, 'an IPv4 or IPv6 address');
  const [publicSetting, publicAddress] = pick(flags.publicAddress, 'public-address');
  if (publicAddress !== undefined && !/^[A-Za-z0-9.:-]{1,253}$/.test(publicAddress)) {
    throw new ConfigError(publicSetting, publicAddress, 'a host name or IP address');
  }
  const [digestSetting, digestText] = pick(flags.digest, 'digest');
  const digest = digestText === undefined ? undefined : parseDigestList(digestText);
  if (digestText !== undefined && !digest)
    throw new ConfigError(digestSetting, digestText, 'md5, sha-256,md5 or sha-256');
  const [rtpSetting, rtpText = '10000-10999'] = pick(flags.rtpPorts, 'rtp-ports');
  const rtpPorts = parsePortRange(rtpText);
  if (!rtpPorts) throw new ConfigError(rtpSetting, rtpText, 'A-B with 1024 <= A < B <= 65535, at least two ports');
  const [httpSetting, httpText] = pick(flags.httpPort, 'http-port');
  const httpPort = httpText === undefined ? undefined : parsePort(httpSetting, httpText);
  return { logLevel, sipPort, portSetting, bind, publicAddress, digest, rtpPorts, httpPort, httpSetting };
}

function parsePnp(flag: boolean, env: NodeJS.ProcessEnv): boolean {
  const pnpEnv = env['HOTDESK_PNP'];
  if (flag && pnpEnv !== undefined && !/^(on|off|1|0|true|false|yes|no)$/i.test(pnpEnv)) {
    throw new ConfigError('HOTDESK_PNP', pnpEnv, 'on or off');
  }
  return flag && !(pnpEnv !== undefined && /^(off|0|false|no)$/i.test(pnpEnv));
}

/** The TLS certificate and key (both or neither), the TLS and HTTPS ports, each with what set it. */
function parseTls(flags: DaemonFlags, pick: Pick) {
  const [certSetting, certFile] = pick(flags.tlsCert, 'tls-cert');
  const [keySetting, keyFile] = pick(flags.tlsKey, 'tls-key');
  if ((certFile === undefined) !== (keyFile === undefined) || certFile === '' || keyFile === '') {
    const [setting, value] = certFile ? [certSetting, certFile] : [keySetting, keyFile ?? ''];
    throw new ConfigError(
      setting,
      value,
      'both --tls-cert and --tls-key (HOTDESK_TLS_CERT, HOTDESK_TLS_KEY) or neither',
    );
  }
  const tls = certFile && keyFile ? { certFile, keyFile } : undefined;
  const [tlsPortSetting, tlsPortText] = pick(flags.tlsPort, 'tls-port');
  const tlsPort = tlsPortText === undefined ? undefined : parsePort(tlsPortSetting, tlsPortText);
  const [httpsSetting, httpsText] = pick(flags.httpsPort, 'https-port');
  const httpsPort = httpsText === undefined ? undefined : parsePort(httpsSetting, httpsText);
  return { tls, tlsPort, tlsPortSetting, httpsPort, httpsSetting };
}

/** Connections at once per address and the TCP idle timeout. */
function parseConnectionLimits(flags: DaemonFlags, pick: Pick) {
  const [perAddressSetting, perAddressText = '64'] = pick(flags.connectionsPerAddress, 'connections-per-address');
  if (!/^\d{1,5}$/.test(perAddressText) || Number(perAddressText) < 1)
    throw new ConfigError(perAddressSetting, perAddressText, 'a whole number of connections, at least 1');
  const [idleSetting, idleText = '3632'] = pick(flags.tcpIdleTimeout, 'tcp-idle-timeout');
  if (!/^\d{1,6}$/.test(idleText) || Number(idleText) < 1)
    throw new ConfigError(idleSetting, idleText, 'a whole number of seconds, at least 1');
  return { connectionsPerAddress: Number(perAddressText), tcpIdleTimeout: Number(idleText) };
}

export function parseDaemonConfig(argv: string[], env: NodeJS.ProcessEnv, version: string): DaemonConfig {
  const program = daemonProgram(version);
  program.parse(argv, { from: 'user' });
  const flags = program.opts<DaemonFlags>();
  const pick: Pick = (flag, name) =>
    flag !== undefined
      ? [`--${name}`, flag]
      : [`HOTDESK_${name.toUpperCase().replace(/-/g, '_')}`, env[`HOTDESK_${name.toUpperCase().replace(/-/g, '_')}`]];

  const { logLevel, sipPort, portSetting, bind, publicAddress, digest, rtpPorts, httpPort, httpSetting } =
    parseListening(flags, pick);
  const [floodSetting, floodText = '200'] = pick(flags.sipFloodLimit, 'sip-flood-limit');
  if (!/^\d{1,6}$/.test(floodText))
    throw new ConfigError(floodSetting, floodText, 'a whole number of messages per second, 0 for no limit');
  const sipFloodLimit = Number(floodText);
  const pnp = parsePnp(flags.pnp, env);
  const { tls, tlsPort, tlsPortSetting, httpsPort, httpsSetting } = parseTls(flags, pick);
  const { connectionsPerAddress, tcpIdleTimeout } = parseConnectionLimits(flags, pick);
  const overridden: Record<string, string> = {};
  if (sipPort !== undefined) overridden['sip-port'] = portSetting;
  if (httpPort !== undefined) overridden['http-port'] = httpSetting;
  if (tlsPort !== undefined) overridden['tls-port'] = tlsPortSetting;
  if (httpsPort !== undefined) overridden['https-port'] = httpsSetting;
  return {
    data: flags.data ?? env['HOTDESK_DATA'],
    logLevel,
    sipPort,
    bind,
    publicAddress,
    ...(digest ? { digest } : {}),
    rtpPorts,
    httpPort,
    pnp,
    sipFloodLimit,
    tls,
    tlsPort,
    httpsPort,
    connectionsPerAddress,
    tcpIdleTimeout,
    overridden,
  };
}

function parsePortRange(text: string): DaemonConfig['rtpPorts'] | undefined {
  const match = /^(\d{1,5})-(\d{1,5})$/.exec(text.trim());
  if (!match) return undefined;
  const min = Number(match[1]);
  const max = Number(match[2]);
  return min >= 1024 && max <= 65535 && max > min ? { min, max } : undefined;
}

export { CommanderError };

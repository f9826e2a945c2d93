/**
 * From hotdeskd's command line and environment to what startDaemon takes, and back
 * from a refusal to start to the one line that says why: no stack traces for
 * what the admin can fix (a bad flag, a port in use, a file that cannot be read).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StoreFileError } from '../adapters/json-store.js';
import { PACKAGE_ROOT } from '../adapters/paths.js';
import type { TlsCredentials } from '../adapters/sip-transport.js';
import { CommanderError, ConfigError, parseDaemonConfig, type DaemonConfig } from './config.js';
import { AlreadyRunningError, type DaemonOptions } from './daemon-options.js';
import { loadTlsCredentials } from './tls-credentials.js';

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The settings and certificate to start with, or the exit code (after the message) when there is nothing to start. */
export function parseCliArgs(
  argv: string[],
  env: NodeJS.ProcessEnv,
  version: string,
): { config: DaemonConfig; credentials: TlsCredentials | undefined } | number {
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
  if (!config.tls) return { config, credentials: undefined };
  const loaded = loadTlsCredentials(config.tls);
  if (typeof loaded === 'string') {
    process.stderr.write(`hotdeskd: ${loaded}\n`);
    return 1;
  }
  return { config, credentials: loaded };
}

/** The SIP and HTTP sides as the settings ask for them. */
export function listenOptions(
  config: DaemonConfig,
  credentials: TlsCredentials | undefined,
): Pick<DaemonOptions, 'sip' | 'http' | 'overridden'> {
  return {
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
  };
}

/** The one line saying why hotdeskd could not start, or undefined for an error that is a bug (thrown on). */
export function startFailureMessage(error: unknown, config: DaemonConfig): string | undefined {
  if (error instanceof AlreadyRunningError || error instanceof StoreFileError) return error.message;
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
    const what = failure.code === 'EADDRINUSE' ? 'the port is in use (another hotdeskd or PBX?)' : 'permission denied';
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
    return `cannot listen for ${service} on ${config.bind}:${port}: ${what}; choose another with ${flag}`;
  }
  if (typeof failure.code === 'string' && failure.syscall) return `cannot start: ${failure.message}`;
  return undefined;
}

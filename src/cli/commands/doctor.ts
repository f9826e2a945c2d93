import type { Command } from 'commander';
import { stat } from 'node:fs/promises';
import type { CliContext } from '../context.js';
import { CliExit } from '../context.js';
import { readStore, StoreFileError } from '../../adapters/json-store.js';
import { ControlError, NoDaemonError, sendControl, type Listening } from '../../adapters/control-socket.js';
import { probeSipOptions } from '../../adapters/sip-probe.js';
import { probeHttp } from '../../adapters/http-probe.js';
import { probeTls } from '../../adapters/tls-probe.js';
import { localAddresses, lookupHost } from '../../adapters/network.js';
import { isIP } from 'node:net';
import { checkInstallation, doctorExitCode, type CheckStatus, type InstallationFacts } from '../check-installation.js';
import { EXIT_USAGE } from '../reason-messages.js';

/** Where to reach a server that listens on `host` from this machine (every address: loopback). */
function reachable(listening: Listening): string {
  if (listening.host === '0.0.0.0' || listening.host === '') return '127.0.0.1';
  if (listening.host === '::') return '::1';
  return listening.host;
}

const hostPort = (host: string, port: number): string => `${host.includes(':') ? `[${host}]` : host}:${port}`;

/** `sip:HOST[:PORT][;transport=udp|tcp]` → where to send OPTIONS, or why not. */
function trunkTarget(uri: string): { host: string; port: number; transport: 'udp' | 'tcp' } | { skipped: string } {
  const match = /^(sips?):([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\])(?::(\d{1,5}))?(?:;transport=(udp|tcp))?$/i.exec(uri);
  if (!match) return { skipped: 'not a sip:HOST[:PORT] address' };
  if (match[1]!.toLowerCase() === 'sips') return { skipped: 'sips: (TLS) is not probed' };
  return {
    host: match[2]!,
    port: match[3] ? Number(match[3]) : 5060,
    transport: (match[4]?.toLowerCase() as 'udp' | 'tcp' | undefined) ?? 'udp',
  };
}

async function gatherFacts(ctx: CliContext, cliVersion: string, timeoutMs: number): Promise<InstallationFacts> {
  const file = ctx.paths.store;
  let store: InstallationFacts['store'];
  try {
    const data = await readStore(file);
    const mode = data ? (await stat(file).catch(() => undefined))?.mode : undefined;
    store = data ? { kind: 'ok', data, ...(mode !== undefined ? { mode } : {}) } : { kind: 'missing' };
  } catch (error) {
    store = { kind: 'unreadable', problem: error instanceof StoreFileError ? error.message : (error as Error).message };
  }

  let daemon: InstallationFacts['daemon'];
  try {
    const response = await sendControl(ctx.paths.socket, { kind: 'ping' }, timeoutMs);
    daemon =
      response.ok && 'pong' in response
        ? { kind: 'running', pong: response.pong }
        : { kind: 'unreachable', problem: 'it gave an unexpected answer to ping' };
  } catch (error) {
    if (error instanceof NoDaemonError) daemon = { kind: 'absent' };
    else if (error instanceof ControlError) daemon = { kind: 'unreachable', problem: error.message };
    else daemon = { kind: 'unreachable', problem: (error as NodeJS.ErrnoException).code ?? (error as Error).message };
  }

  const probes: Promise<void>[] = [];
  const facts: InstallationFacts = { now: new Date().toISOString(), cliVersion, storeFile: file, store, daemon };
  if (daemon.kind === 'running' && daemon.pong.sip) {
    probes.push(
      sendControl(ctx.paths.socket, { kind: 'digest-failures' }, timeoutMs)
        .then(
          (response) =>
            void (response.ok && 'digestFailures' in response
              ? (facts.digestFailures = response.digestFailures)
              : undefined),
        )
        .catch(() => undefined),
    );
  }
  if (daemon.kind === 'running' && daemon.pong.sip) {
    const host = reachable(daemon.pong.sip);
    const port = daemon.pong.sip.port;
    probes.push(
      probeSipOptions({ host, port, timeoutMs, userAgent: `hotdesk-doctor/${cliVersion}` }).then((result) => {
        facts.sip = { target: `udp ${hostPort(host, port)}`, result };
      }),
    );
  }
  for (const [what, listening] of [
    ['sip-tls', daemon.kind === 'running' ? daemon.pong.sipTls : undefined],
    ['https', daemon.kind === 'running' ? daemon.pong.https : undefined],
  ] as const) {
    if (!listening) continue;
    const host = reachable(listening);
    const target = hostPort(host, listening.port);
    probes.push(
      probeTls(host, listening.port, timeoutMs).then(
        (result) => void (facts.tls = [...(facts.tls ?? []), { what, target, result }]),
      ),
    );
  }
  if (daemon.kind === 'running' && daemon.pong.http) {
    const url = `http://${hostPort(reachable(daemon.pong.http), daemon.pong.http.port)}/`;
    probes.push(probeHttp(url, timeoutMs).then((result) => void (facts.http = { url, result })));
  }
  facts.localAddresses = localAddresses();
  const address = store.kind === 'ok' ? store.data.settings.address : undefined;
  if (address !== undefined && isIP(address) === 0) {
    probes.push(lookupHost(address, timeoutMs).then((found) => void (facts.addressResolves = found)));
  }
  const trunk = store.kind === 'ok' ? store.data.settings.trunk : null;
  if (trunk) {
    const target = trunkTarget(trunk.uri);
    if ('skipped' in target) facts.trunk = { uri: trunk.uri, skipped: target.skipped };
    else {
      probes.push(
        probeSipOptions({ ...target, timeoutMs, userAgent: `hotdesk-doctor/${cliVersion}` }).then((result) => {
          facts.trunk = { uri: trunk.uri, result };
        }),
      );
    }
  }
  await Promise.all(probes);
  // The clock is read after the probes: a trunk's Date header is compared with it.
  facts.now = new Date().toISOString();
  return facts;
}

const LABEL: Record<CheckStatus, string> = { ok: 'ok', warning: 'warning', problem: 'problem' };

export function registerDoctor(program: Command, context: () => CliContext): void {
  program
    .command('doctor')
    .description('check a running installation (daemon, ports, trunk, dial codes, phones, clock) and say what to fix')
    .option('--json', 'print JSON')
    .option('--timeout <seconds>', 'how long to wait for each answer (default 2)')
    .action(async (options: { json?: boolean; timeout?: string }) => {
      const ctx = context();
      const seconds = options.timeout === undefined ? 2 : Number(options.timeout);
      if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 60) {
        throw new CliExit(EXIT_USAGE, `--timeout: "${options.timeout}" is not valid (expected seconds from 0.1 to 60)`);
      }
      const facts = await gatherFacts(ctx, program.version() ?? '', Math.round(seconds * 1000));
      const checks = checkInstallation(facts, ctx.catalogue);
      const code = doctorExitCode(checks);
      if (options.json) ctx.out.json({ ok: code === 0, checks });
      else {
        const { colour } = ctx.out;
        const paint: Record<CheckStatus, (text: string) => string> = {
          ok: colour.green,
          warning: colour.yellow,
          problem: colour.red,
        };
        for (const check of checks) {
          ctx.out.line(`${paint[check.status](LABEL[check.status].padEnd(8))} ${check.message}`);
          if (check.fix) ctx.out.line(`${' '.repeat(9)}fix: ${check.fix}`);
        }
        const count = (status: CheckStatus): number => checks.filter((check) => check.status === status).length;
        const problems = count('problem');
        const warnings = count('warning');
        ctx.out.line(
          problems + warnings === 0 ? 'all checks passed' : `${problems} problem(s), ${warnings} warning(s)`,
        );
      }
      if (code !== 0) throw new CliExit(code);
    });
}

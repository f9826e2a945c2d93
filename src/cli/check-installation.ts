/**
 * `hotdesk doctor`'s verdicts: what was found about a running installation
 * (the store, the daemon's answer to ping, the probes of its ports and of the
 * trunk, the clock) in, a list of checks out, each ok / warning / problem with
 * what to do about it. Pure: the command gathers the facts.
 */
import type { TlsProbeResult } from '../adapters/tls-probe.js';
import type { Catalogue } from '../core/catalogue.js';
import { DEFAULT_HTTPS_PORT, DEFAULT_TLS_PORT } from '../core/model.js';
import { findDialCodeConflicts } from '../core/dial-codes.js';
import { activePinAlerts, describePinAlert } from '../core/pin-alerts.js';
import { statusRows } from '../store/queries.js';
import type { StoreData } from '../store/schema.js';
import type { Pong, Served, SipDigestFailure } from '../adapters/control-socket.js';
import type { SipProbeResult } from '../adapters/sip-probe.js';
import type { HttpProbeResult } from '../adapters/http-probe.js';
import { checkEmergencyDialling } from '../core/emergency-dialling.js';
import { describeOffice, hasDeskLocation } from '../core/civic-location.js';

export type CheckStatus = 'ok' | 'warning' | 'problem';

export interface DoctorCheck {
  /**
   * Stable identifier (for --json): daemon, sip, http, store, address, trunk, dial-codes, phones, pin-alerts,
   * time-zone, emergency-dialling, emergency-location, clock.
   */
  name: string;
  status: CheckStatus;
  message: string;
  /** What to do, for a warning or a problem. */
  fix?: string;
}

export interface InstallationFacts {
  /** ISO time of the check. */
  now: string;
  cliVersion: string;
  storeFile: string;
  store: { kind: 'ok'; data: StoreData; mode?: number } | { kind: 'missing' } | { kind: 'unreadable'; problem: string };
  daemon: { kind: 'running'; pong: Pong } | { kind: 'absent' } | { kind: 'unreachable'; problem: string };
  /** OPTIONS to the daemon's SIP port (when it runs and serves SIP). */
  sip?: { target: string; result: SipProbeResult };
  /** GET / on the daemon's HTTP port (when it runs and serves HTTP). */
  http?: { url: string; result: HttpProbeResult };
  /** TLS handshakes with the daemon's SIP-over-TLS and HTTPS ports (when it serves them). */
  tls?: { what: 'sip-tls' | 'https'; target: string; result: TlsProbeResult }[];
  /** OPTIONS to the trunk (when one is set); `skipped` says why it was not sent. */
  trunk?: { uri: string; result: SipProbeResult } | { uri: string; skipped: string };
  /** Accounts whose phones failed with the digest algorithm offered (from the running daemon). */
  digestFailures?: SipDigestFailure[];
  /** This machine's addresses (os.networkInterfaces()); left out: the address is not compared with them. */
  localAddresses?: string[];
  /** What the `address` setting resolves to, when it is a host name. */
  addressResolves?: string[];
}

/** A trunk or daemon clock this far from ours is worth a word. */
const CLOCK_SKEW_MS = 60_000;
/** The audit trail may be this far ahead of the clock (another machine's CLI, rounding) before it is a problem. */
const CLOCK_BACK_MS = 5 * 60_000;

const ok = (name: string, message: string): DoctorCheck => ({ name, status: 'ok', message });
const warning = (name: string, message: string, fix: string): DoctorCheck => ({
  name,
  status: 'warning',
  message,
  fix,
});
const problem = (name: string, message: string, fix: string): DoctorCheck => ({
  name,
  status: 'problem',
  message,
  fix,
});

/** Why a probe got no answer, in words that follow "does not answer …: ". */
function silence(result: Exclude<SipProbeResult | HttpProbeResult | TlsProbeResult, { kind: 'answered' }>): string {
  switch (result.kind) {
    case 'timeout':
      return `no answer within ${result.ms / 1000} s`;
    case 'refused':
      return 'refused (nothing listens on that port)';
    case 'error':
      return result.problem;
  }
}

/** Accounts whose phones did not authenticate with the digest algorithm they were offered. */
export function checkDigest(facts: InstallationFacts): DoctorCheck | undefined {
  const failures = facts.digestFailures;
  if (!failures) return undefined;
  if (failures.length === 0)
    return ok('digest', 'no phone failed to authenticate with the digest algorithm offered to it');
  const what = (failure: SipDigestFailure): string => {
    const offered = failure.offered.map((name) => name.toLowerCase()).join(',');
    return failure.kind === 'unoffered-algorithm'
      ? `${failure.account} answered ${failure.algorithm ?? '?'} to a ${offered} challenge (from ` +
          `${failure.source}, ${failure.at})`
      : `${failure.account} did not answer a ${offered} challenge (from ${failure.source}, ${failure.at})`;
  };
  return warning(
    'digest',
    `phones failed to authenticate with the digest algorithm offered: ${failures.map(what).join('; ')}`,
    'offer MD5 to those accounts: hotdesk extension set NUMBER --digest md5 (or hotdesk settings set digest md5)',
  );
}

function checkDaemon(facts: InstallationFacts): DoctorCheck {
  const { daemon } = facts;
  switch (daemon.kind) {
    case 'running':
      if (daemon.pong.version !== facts.cliVersion) {
        return warning(
          'daemon',
          `hotdeskd runs (pid ${daemon.pong.pid}) but is version ${daemon.pong.version}, this hotdesk is ` +
            `${facts.cliVersion}`,
          'restart hotdeskd after an upgrade: systemctl restart hotdeskd',
        );
      }
      return ok('daemon', `hotdeskd runs (pid ${daemon.pong.pid}, version ${daemon.pong.version})`);
    case 'absent':
      return problem(
        'daemon',
        'hotdeskd is not running: phones cannot register, log in or fetch their configuration',
        'start it: systemctl start hotdeskd (or hotdeskd --data DIR); journalctl -u hotdeskd shows why it stopped',
      );
    case 'unreachable':
      return problem(
        'daemon',
        `hotdeskd's control socket: ${daemon.problem}`,
        'run hotdesk doctor as the user hotdeskd runs as: sudo -u hotdesk hotdesk doctor',
      );
  }
}

function checkSipPort(facts: InstallationFacts): DoctorCheck | undefined {
  if (facts.daemon.kind !== 'running') return undefined;
  if (!facts.sip)
    return warning(
      'sip',
      'hotdeskd serves no SIP',
      'start hotdeskd normally (SIP is served unless it was started for tests)',
    );
  const { target, result } = facts.sip;
  if (result.kind === 'answered')
    return ok('sip', `SIP answers OPTIONS on ${target} (${result.status} ${result.reason})`);
  return problem(
    'sip',
    `SIP does not answer OPTIONS on ${target}: ${silence(result)}`,
    "check hotdeskd's --bind and --sip-port, and the firewall (UDP and TCP to that port)",
  );
}

function checkHttpPort(facts: InstallationFacts): DoctorCheck | undefined {
  if (facts.daemon.kind !== 'running') return undefined;
  if (!facts.http)
    return warning(
      'http',
      'hotdeskd serves no provisioning over HTTP',
      'start hotdeskd normally (provisioning is served unless it was started for tests)',
    );
  const { url, result } = facts.http;
  if (result.kind === 'answered' && result.status === 404)
    return ok('http', `provisioning answers on ${url} (404 for /, as it should)`);
  if (result.kind === 'answered') {
    return warning(
      'http',
      `${url} answers ${result.status}, not hotdeskd's 404 for /: something else may serve that port`,
      "check what listens there (ss -ltnp) and hotdeskd's --http-port",
    );
  }
  return problem(
    'http',
    `provisioning does not answer on ${url}: ${silence(result)}`,
    "check hotdeskd's --bind and --http-port, and the firewall (TCP to that port)",
  );
}

/** A certificate ending within this many days is worth a warning. */
const CERTIFICATE_WARN_DAYS = 30;

function checkTls(facts: InstallationFacts): DoctorCheck[] {
  const probes = [...(facts.tls ?? [])].sort((a, b) => (a.what === b.what ? 0 : a.what === 'sip-tls' ? -1 : 1));
  return probes.map(({ what, target, result }) => {
    const label = what === 'sip-tls' ? 'SIP over TLS' : 'HTTPS provisioning';
    const port = what === 'sip-tls' ? '--tls-port' : '--https-port';
    if (result.kind !== 'answered') {
      return problem(
        what,
        `${label} does not answer on ${target}: ${silence(result)}`,
        `check hotdeskd's --bind and ${port}, and the firewall (TCP to that port)`,
      );
    }
    const daysLeft = (Date.parse(result.validTo) - Date.parse(facts.now)) / 86_400_000;
    const until = `${result.validTo.slice(0, 10)}`;
    const renew = 'put a renewed certificate and key where --tls-cert and --tls-key point, then restart hotdeskd';
    if (daysLeft <= 0)
      return problem(what, `${label} on ${target}: its certificate expired on ${until}; phones refuse it`, renew);
    if (daysLeft < CERTIFICATE_WARN_DAYS)
      return warning(
        what,
        `${label} on ${target}: its certificate ends on ${until}, in ${Math.floor(daysLeft)} day(s)`,
        renew,
      );
    const trust =
      result.trusted === true
        ? 'trusted by this machine'
        : `not trusted by this machine (${result.trusted}): phones need its CA installed`;
    return ok(what, `${label} answers on ${target}; certificate valid until ${until}, ${trust}`);
  });
}

function checkTrunk(facts: InstallationFacts, data: StoreData): DoctorCheck {
  const trunk = facts.trunk;
  if (!data.settings.trunk || !trunk) {
    const numbers = data.settings.emergencyNumbers.join(', ');
    return warning(
      'trunk',
      `no trunk: emergency numbers${numbers ? ` (${numbers})` : ''} and outside numbers cannot be reached`,
      'hotdesk trunk set sip:HOST[:PORT] (your provider or PBX)',
    );
  }
  if ('skipped' in trunk)
    return warning(
      'trunk',
      `trunk ${trunk.uri} not checked: ${trunk.skipped}`,
      'check it by hand with a test call to an outside number',
    );
  const { result } = trunk;
  if (result.kind !== 'answered') {
    return problem(
      'trunk',
      `trunk ${trunk.uri} does not answer OPTIONS: ${silence(result)}`,
      'check its address and port (hotdesk trunk show, hotdesk trunk set sip:HOST[:PORT]), the firewall, and ' +
        'that the provider accepts this address',
    );
  }
  const answer = `trunk ${trunk.uri} answers OPTIONS (${result.status} ${result.reason}, ${result.ms} ms)`;
  const theirs = result.date ? Date.parse(result.date) : NaN;
  const skew = Number.isNaN(theirs) ? 0 : Date.parse(facts.now) - theirs;
  if (Math.abs(skew) > CLOCK_SKEW_MS) {
    return warning(
      'trunk',
      `${answer}, but its clock and ours differ by ${Math.round(Math.abs(skew) / 1000)} s`,
      "set this machine's clock right: timedatectl set-ntp true",
    );
  }
  return ok('trunk', answer);
}

function checkStore(facts: InstallationFacts): DoctorCheck {
  const { store } = facts;
  switch (store.kind) {
    case 'missing':
      return warning(
        'store',
        `no store yet at ${facts.storeFile}`,
        'start hotdeskd once (it creates the store), or check --data / HOTDESK_DATA',
      );
    case 'unreadable':
      return problem(
        'store',
        `the store cannot be read: ${store.problem}`,
        'fix the file, or stop hotdeskd and restore the newest copy from data/backups/',
      );
    case 'ok': {
      const { data } = store;
      if (store.mode !== undefined && (store.mode & 0o077) !== 0) {
        return warning(
          'store',
          `${facts.storeFile} may be read by other users (mode ${(store.mode & 0o777).toString(8)}); it holds ` +
            `SIP passwords`,
          `chmod 600 ${facts.storeFile}`,
        );
      }
      return ok(
        'store',
        `store ${facts.storeFile}: ${data.extensions.length} extension(s), ${data.phones.length} phone(s)`,
      );
    }
  }
}

const isIp = (text: string): boolean =>
  /^\d{1,3}(\.\d{1,3}){3}$/.test(text) || (text.includes(':') && /^[0-9a-f:.]+$/i.test(text));
const sameAddress = (a: string, b: string): boolean =>
  a.toLowerCase().replace(/^::ffff:/, '') === b.toLowerCase().replace(/^::ffff:/, '');

/**
 * The address phones are given must be one they can reach: never loopback, and one of this
 * machine's (os.networkInterfaces()) unless it is hotdeskd's --public-address (NAT).
 */
function checkAddress(facts: InstallationFacts, data: StoreData): DoctorCheck {
  const { address } = data.settings;
  if (/^(127\.|::1$|localhost$|0\.0\.0\.0$|::$)/i.test(address)) {
    return problem(
      'address',
      `phones are told to reach hotdeskd at ${address}, which is no address a phone can reach`,
      "hotdesk settings set address HOST (this machine's address on the office LAN)",
    );
  }
  const served = facts.daemon.kind === 'running' ? facts.daemon.pong.served : undefined;
  const publicAddress = served?.publicAddress;
  if (publicAddress !== undefined && sameAddress(publicAddress, address)) {
    return ok('address', `phones are told to reach hotdeskd at ${address}, its --public-address (NAT)`);
  }
  const own = facts.localAddresses;
  if (own) {
    const candidates = isIp(address) ? [address] : (facts.addressResolves ?? []);
    const lan = own.filter((candidate) => !/^(127\.|::1$|fe80:)/i.test(candidate));
    if (!candidates.some((candidate) => own.some((mine) => sameAddress(mine, candidate)))) {
      const what = isIp(address)
        ? 'which is not an address of this machine'
        : candidates.length === 0
          ? 'a name that does not resolve here'
          : `which resolves to ${candidates.join(', ')}, not an address of this machine`;
      return warning(
        'address',
        `phones are told to reach hotdeskd at ${address}, ` +
          `${what}${lan.length > 0 ? ` (this machine has ${lan.join(', ')})` : ''}`,
        `hotdesk settings set address ${lan[0] ?? 'HOST'}, then restart hotdeskd; behind NAT, start hotdeskd ` +
          `with --public-address ${address}`,
      );
    }
  }
  return ok('address', `phones are told to reach hotdeskd at ${address}${own ? ', an address of this machine' : ''}`);
}

type PortKey = 'sipPort' | 'httpPort' | 'tlsPort' | 'httpsPort';
const PORT_KEYS: readonly PortKey[] = ['sipPort', 'httpPort', 'tlsPort', 'httpsPort'];
const PORT_NAMES: Record<PortKey, string> = {
  sipPort: 'sip-port',
  httpPort: 'http-port',
  tlsPort: 'tls-port',
  httpsPort: 'https-port',
};
/** A port setting as the store holds it, with the defaults of those a store may lack. */
const stored = (data: StoreData, key: PortKey): number =>
  key === 'tlsPort'
    ? (data.settings.tlsPort ?? DEFAULT_TLS_PORT)
    : key === 'httpsPort'
      ? (data.settings.httpsPort ?? DEFAULT_HTTPS_PORT)
      : data.settings[key];

/**
 * What phones' files carry against what hotdeskd listens on: the ports it serves, settings
 * changed since it started ("restart needed"), and flags that override the store.
 */
export function checkServedPorts(facts: InstallationFacts, data: StoreData): DoctorCheck | undefined {
  if (facts.daemon.kind !== 'running') return undefined;
  const { pong } = facts.daemon;
  const served = pong.served;
  const listening = {
    sipPort: pong.sip?.port,
    httpPort: pong.http?.port,
    tlsPort: pong.sipTls?.port,
    httpsPort: pong.https?.port,
  };
  // A hotdeskd too old to say what it serves writes the stored ports into phones' files.
  const told: Pick<Served, PortKey | 'fromStore' | 'overridden'> = served ?? {
    sipPort: data.settings.sipPort,
    httpPort: data.settings.httpPort,
    ...(listening.tlsPort !== undefined ? { tlsPort: stored(data, 'tlsPort') } : {}),
    ...(listening.httpsPort !== undefined ? { httpsPort: stored(data, 'httpsPort') } : {}),
    fromStore: {},
    overridden: {},
  };
  const names = PORT_NAMES;
  const wrong = PORT_KEYS.filter(
    (key) => listening[key] !== undefined && told[key] !== undefined && told[key] !== listening[key],
  );
  if (wrong.length > 0) {
    const listed = wrong.map((key) => `${names[key]} ${told[key]} (hotdeskd listens on ${listening[key]})`).join(', ');
    return problem(
      'ports',
      `phones' files carry ${listed}: phones would go where hotdeskd does not listen`,
      `${wrong.map((key) => `hotdesk settings set ${names[key]} ${listening[key]}`).join('; ')}, then restart ` +
        `hotdeskd (systemctl restart hotdeskd)`,
    );
  }
  const pending: string[] = [];
  const fixes: string[] = [];
  for (const key of PORT_KEYS) {
    const took = told.fromStore[key];
    if (took !== undefined && stored(data, key) !== took) {
      pending.push(`${names[key]} is ${stored(data, key)} in the store, hotdeskd listens on ${took}`);
      fixes.push(`hotdesk settings set ${names[key]} ${took} (to keep ${took})`);
    }
  }
  if (told.fromStore.address !== undefined && data.settings.address !== told.fromStore.address) {
    pending.push(
      `address is ${data.settings.address} in the store, hotdeskd announces ${told.fromStore.address} in SIP`,
    );
    fixes.push(`hotdesk settings set address ${told.fromStore.address} (to keep it)`);
  }
  if (pending.length > 0) {
    return problem(
      'ports',
      `restart needed: ${pending.join('; ')}`,
      `restart hotdeskd: systemctl restart hotdeskd (or undo the change: ${fixes.join('; ')})`,
    );
  }
  const ports = [
    ...(told.sipPort !== undefined ? [`SIP ${told.sipPort} (UDP and TCP)`] : []),
    ...(told.httpPort !== undefined ? [`HTTP ${told.httpPort}`] : []),
    ...(served?.tlsPort !== undefined ? [`SIP over TLS ${served.tlsPort}`] : []),
    ...(served?.httpsPort !== undefined ? [`HTTPS ${served.httpsPort}`] : []),
  ];
  const overrides = PORT_KEYS.filter(
    (key) =>
      served?.overridden[names[key]] !== undefined && served[key] !== undefined && served[key] !== stored(data, key),
  ).map(
    (key) => `${served!.overridden[names[key]]} ${served![key]} over the stored ${names[key]} ${stored(data, key)}`,
  );
  return ok(
    'ports',
    `phones' files carry the ports hotdeskd listens on: ` +
      `${ports.join(', ')}${overrides.length > 0 ? ` (${overrides.join(', ')})` : ''}`,
  );
}

function checkDialCodes(data: StoreData): DoctorCheck {
  const conflicts = findDialCodeConflicts(data.settings.dialCodes);
  if (conflicts.length === 0) return ok('dial-codes', 'no dial code gets in the way of hot-desk login');
  const listed = conflicts.map(([name, code]) => `${name}=${code}`).join(', ');
  return problem(
    'dial-codes',
    `dial code(s) ${listed} start with *7: phones refuse hot-desk login (*77*EXT*) as "forbidden"`,
    `remove or change them: ${conflicts.map(([name]) => `hotdesk dial-codes remove ${name}`).join('; ')}`,
  );
}

function checkPhones(data: StoreData, catalogue: Catalogue): DoctorCheck {
  const rows = statusRows(data, catalogue);
  const behind = rows.filter((row) => row.outOfStep).map((row) => row.name);
  if (rows.length === 0) return ok('phones', 'no phones yet');
  if (behind.length === 0) return ok('phones', `all ${rows.length} phone(s) have their latest configuration`);
  return warning(
    'phones',
    `${behind.length} phone(s) out of step (not fetched their latest configuration): ${behind.join(', ')}`,
    'check they are on and reach the provisioning URL (hotdesk provisioning); hotdeskd keeps telling them to ' +
      'fetch it; hotdesk status shows SYNC pending',
  );
}

function checkPinAlerts(data: StoreData, now: string): DoctorCheck {
  const alerts = activePinAlerts(data.audit, now);
  if (alerts.length === 0) return ok('pin-alerts', 'no failed-PIN burst going on');
  return warning(
    'pin-alerts',
    alerts.map((alert) => describePinAlert(alert)).join('; '),
    'someone keeps entering wrong PINs: hotdesk audit --kind login-failed --since 1h shows who and where; a ' +
      'user who forgot the PIN needs hotdesk extension set EXT --pin',
  );
}

/** The time in `zone` as `YYYY-MM-DD HH:MM`; `undefined` when the zone is not one Intl knows. */
function localTime(now: string, zone: string): string | undefined {
  try {
    const parts = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(new Date(now));
    const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
    return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
  } catch {
    return undefined;
  }
}

function checkTimeZone(data: StoreData, now: string): DoctorCheck {
  const zone = data.settings.timeZone;
  const local = localTime(now, zone);
  if (local === undefined) {
    return problem(
      'time-zone',
      `the office time zone "${zone}" is not a time zone this system knows; policy times cannot be placed`,
      'hotdesk settings set time-zone Area/City (an IANA name, e.g. Europe/Berlin)',
    );
  }
  return ok('time-zone', `office time zone ${zone}: it is ${local} there`);
}

function checkClock(data: StoreData | undefined, now: string): DoctorCheck {
  const nowMs = Date.parse(now);
  if (nowMs < Date.parse('2024-01-01T00:00:00Z')) {
    return problem(
      'clock',
      `the clock says ${now}, which cannot be right`,
      'set the clock: timedatectl set-ntp true (or check chrony / systemd-timesyncd)',
    );
  }
  const newest = data?.audit.reduce<string | undefined>(
    (latest, entry) => (latest === undefined || entry.at > latest ? entry.at : latest),
    undefined,
  );
  if (newest !== undefined && Date.parse(newest) - nowMs > CLOCK_BACK_MS) {
    return problem(
      'clock',
      `the clock says ${now}, but the audit trail has an entry from ${newest}: the clock went back or is wrong`,
      'set the clock right: timedatectl set-ntp true (or check chrony / systemd-timesyncd)',
    );
  }
  return ok('clock', `the clock says ${now}${newest ? ', after the newest audit entry' : ''}`);
}

/**
 * The extensions called when an emergency number is dialled (`hotdesk emergency notify`), read
 * defensively: the store member `emergency.notify` may be absent, or from a newer hotdesk.
 */
export function notifyExtensions(data: StoreData): string[] {
  const notify = (data as StoreData & { emergency?: { notify?: unknown } }).emergency?.notify;
  return Array.isArray(notify) ? notify.filter((entry): entry is string => typeof entry === 'string') : [];
}

/**
 * Kari's Law: emergency numbers dialled directly, without a prefix, and someone on site told
 * (core/emergency-dialling.ts).
 */
function checkEmergencyNumbers(data: StoreData): DoctorCheck[] {
  const findings = checkEmergencyDialling({
    emergencyNumbers: data.settings.emergencyNumbers,
    extensions: data.extensions.map((ext) => ext.number),
    notify: notifyExtensions(data),
  });
  if (findings.length === 0) {
    const told = notifyExtensions(data);
    return [
      ok(
        'emergency-dialling',
        `emergency numbers ${data.settings.emergencyNumbers.join(', ')} are dialled directly; ` +
          `${told.join(', ')} ${told.length === 1 ? 'is' : 'are'} told when one is`,
      ),
    ];
  }
  return findings.map((finding) =>
    (finding.level === 'problem' ? problem : warning)('emergency-dialling', finding.message, finding.fix),
  );
}

/** Where desks are: every hot-desk phone should have one, and a trunk sending locations needs the office address. */
function checkEmergencyLocation(data: StoreData): DoctorCheck[] {
  const { civicAddress, trunk, emergencyNumbers } = data.settings;
  const checks: DoctorCheck[] = [];
  const missing = data.phones.filter((phone) => !hasDeskLocation(phone.location)).map((phone) => phone.name);
  if (missing.length > 0 && (civicAddress !== undefined || emergencyNumbers.length > 0)) {
    checks.push(
      warning(
        'emergency-location',
        `${missing.length} hot-desk phone(s) have no desk location, so an emergency call from them cannot say ` +
          `where the desk is: ${missing.join(', ')}`,
        `hotdesk phone set ${missing[0]} --building B --floor F --room R (each phone)`,
      ),
    );
  }
  if (trunk?.emergencyLocation === 'pidf-lo' && civicAddress?.country === undefined) {
    checks.push(
      warning(
        'emergency-location',
        civicAddress === undefined
          ? 'emergency calls carry the desk location (trunk --emergency-location pidf-lo), but the office has ' +
              'no civic address: only building, floor and room are sent'
          : 'emergency calls carry the desk location, but the office civic address has no country',
        'hotdesk settings set civic-address country=US region=… city=… street=… number=… postal-code=…',
      ),
    );
  }
  if (checks.length > 0) return checks;
  const office = describeOffice(civicAddress);
  const where = data.phones.length === 0 ? 'no phones yet' : `every hot-desk phone has a desk location`;
  return [ok('emergency-location', office ? `${where}; office address ${office}` : where)];
}

/** Every check, in the order they are printed. */
export function checkInstallation(facts: InstallationFacts, catalogue: Catalogue): DoctorCheck[] {
  const data = facts.store.kind === 'ok' ? facts.store.data : undefined;
  const checks: (DoctorCheck | undefined)[] = [
    checkDaemon(facts),
    checkSipPort(facts),
    checkHttpPort(facts),
    ...checkTls(facts),
    checkDigest(facts),
    checkStore(facts),
  ];
  if (data) {
    checks.push(
      checkServedPorts(facts, data),
      checkAddress(facts, data),
      checkTrunk(facts, data),
      checkDialCodes(data),
      checkPhones(data, catalogue),
      checkPinAlerts(data, facts.now),
      checkTimeZone(data, facts.now),
    );
    checks.push(...checkEmergencyNumbers(data), ...checkEmergencyLocation(data));
  }
  checks.push(checkClock(data, facts.now));
  return checks.filter((check): check is DoctorCheck => check !== undefined);
}

/** Exit status of `hotdesk doctor`: 1 when any check found a problem. */
export function doctorExitCode(checks: readonly DoctorCheck[]): number {
  return checks.some((check) => check.status === 'problem') ? 1 : 0;
}

import type { Command } from 'commander';
import { parseLanguage } from '../../core/extension-rules.js';
import { DEFAULT_HTTPS_PORT, DEFAULT_TLS_PORT } from '../../core/model.js';
import { provisioningUrl } from '../../store/queries.js';
import { DEFAULT_OFFICE_DIGEST, formatDigestList, parseDigestList } from '../../core/digest-choice.js';
import type { Change } from '../../store/changes.js';
import { CliExit, type CliContext } from '../context.js';
import { callbackMinutesOf, checkCallbackMinutes } from '../../core/emergency-calls.js';
import { EXIT_REFUSED, EXIT_USAGE, reasonMessage } from '../reason-messages.js';
import { CIVIC_FIELDS, parseCivicAssignments, type CivicAddress, type CivicField } from '../../core/civic-location.js';
import { askServed, readServed, STORED_NOTE } from '../served-settings.js';
import type { Served } from '../../adapters/control-socket.js';

const SETTABLE = [
  'address',
  'sip-domain',
  'http-port',
  'sip-port',
  'tls-port',
  'https-port',
  'language',
  'time-zone',
  'leading-zero',
  'digest',
  'emergency-callback-minutes',
  'civic-address',
] as const;

/** Settings hotdeskd reads only when it starts. */
const NEEDS_RESTART = new Set(['http-port', 'sip-port', 'tls-port', 'https-port']);

type PortSetting = 'http-port' | 'sip-port' | 'tls-port' | 'https-port';
const PORT_KEY = {
  'http-port': 'httpPort',
  'sip-port': 'sipPort',
  'tls-port': 'tlsPort',
  'https-port': 'httpsPort',
} as const;

/**
 * How a port row reads: what hotdeskd serves, and the stored value when that differs (a flag, or a restart to
 * come).
 */
export function portRow(name: PortSetting, stored: number, served: Served | undefined): string {
  const serving = served?.[PORT_KEY[name]];
  if (!served || serving === undefined || serving === stored) return String(stored);
  const flag = served.overridden[name];
  if (flag !== undefined) return `${serving} (set by hotdeskd's ${flag}; stored: ${stored})`;
  return `${serving} (stored: ${stored}, restart needed: hotdeskd listens on ${serving} until it restarts)`;
}

/** What `settings set` adds for a setting hotdeskd reads at start. */
export function restartNotice(name: string, value: string, served: Served | undefined): string {
  if (!served)
    return (
      `${name} ${value}: hotdeskd listens on it when it starts (unless its --${name} or ` +
      `HOTDESK_${name.toUpperCase().replace('-', '_')} says otherwise)`
    );
  const flag = served.overridden[name];
  if (flag !== undefined)
    return (
      `${name} ${value} is stored, but the running hotdeskd's ${flag} overrides it; phones keep being told ` +
      `the port it listens on`
    );
  return (
    `${name} takes effect when hotdeskd restarts (systemctl restart hotdeskd); until then phones keep the ` +
    `port it listens on`
  );
}

/**
 * `civic-address country=US city=Springfield "street=Main Street" …` (`field=` clears a field,
 * `none` the whole address) → the change, or a refusal naming the word that is wrong.
 */
export function civicAddressChange(words: readonly string[]): Change {
  if (words.length === 1 && words[0] === 'none')
    return { kind: 'set-civic-address', set: {}, cleared: Object.keys(CIVIC_FIELDS) as CivicField[] };
  const parsed = parseCivicAssignments(words);
  if (parsed.kind === 'invalid')
    throw new CliExit(
      EXIT_REFUSED,
      reasonMessage({
        kind: 'invalid-setting',
        name: 'civic-address',
        value: words.join(' '),
        expected: parsed.problem,
      }),
    );
  return { kind: 'set-civic-address', set: parsed.set, cleared: parsed.cleared };
}

/** The office address spelt as `settings set civic-address` takes it (a word with a space quoted). */
export function formatCivicAddress(address: CivicAddress | undefined): string {
  const words = (Object.keys(CIVIC_FIELDS) as CivicField[]).flatMap((field) =>
    address?.[field] === undefined ? [] : [`${field}=${address[field]}`],
  );
  return words.length === 0
    ? 'none'
    : words.map((word) => (/[\s"'\\$`]/.test(word) ? `'${word.replace(/'/g, `'\\''`)}'` : word)).join(' ');
}

export function settingChange(name: string, value: string): Change {
  switch (name) {
    case 'address':
      return { kind: 'set-settings', address: value };
    case 'sip-domain':
      return { kind: 'set-settings', sipDomain: value };
    case 'http-port':
    case 'sip-port':
    case 'tls-port':
    case 'https-port': {
      const port = Number(value);
      if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
        throw new CliExit(
          EXIT_REFUSED,
          reasonMessage({ kind: 'invalid-setting', name, value, expected: 'a port from 1 to 65535' }),
        );
      }
      return { kind: 'set-settings', [PORT_KEY[name]]: port };
    }
    case 'leading-zero': {
      if (value !== 'yes' && value !== 'no')
        throw new CliExit(EXIT_REFUSED, reasonMessage({ kind: 'invalid-setting', name, value, expected: 'yes or no' }));
      return { kind: 'set-settings', allowLeadingZero: value === 'yes' };
    }
    case 'language': {
      const language = parseLanguage(value);
      if (!language) throw new CliExit(EXIT_REFUSED, reasonMessage({ kind: 'invalid-language', value }));
      return { kind: 'set-settings', defaultLanguage: language };
    }
    case 'time-zone':
      try {
        new Intl.DateTimeFormat('en', { timeZone: value });
      } catch {
        throw new CliExit(
          EXIT_REFUSED,
          reasonMessage({ kind: 'invalid-setting', name, value, expected: 'an IANA time zone such as Europe/Rome' }),
        );
      }
      return { kind: 'set-settings', timeZone: value };
    case 'digest': {
      const digest = parseDigestList(value);
      if (!digest)
        throw new CliExit(
          EXIT_REFUSED,
          reasonMessage({ kind: 'invalid-setting', name, value, expected: 'md5, sha-256,md5 or sha-256' }),
        );
      return { kind: 'set-settings', digest };
    }
    case 'emergency-callback-minutes': {
      const minutes = Number(value);
      const problem = /^\d+$/.test(value) ? checkCallbackMinutes(minutes) : checkCallbackMinutes(Number.NaN);
      if (problem)
        throw new CliExit(EXIT_REFUSED, reasonMessage({ kind: 'invalid-setting', name, value, expected: problem }));
      return { kind: 'set-emergency-callback', minutes };
    }
    default:
      throw new CliExit(EXIT_USAGE, `unknown setting "${name}" (settable: ${SETTABLE.join(', ')})`);
  }
}

export function registerSettings(program: Command, context: () => CliContext): void {
  const settings = program
    .command('settings')
    .description(
      'office settings: the address phones are given, SIP domain, ports, language, time zone, emergency ' +
        'callback window',
    )
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const ctx = context();
      const stored = await ctx.read();
      // Ports as a running hotdeskd serves them, else as stored (said so).
      const { data: servedData, served } = await readServed(ctx, stored);
      const { address, sipDomain, httpPort, sipPort, defaultLanguage, timeZone } = stored.settings;
      const tlsPort = stored.settings.tlsPort ?? DEFAULT_TLS_PORT;
      const httpsPort = stored.settings.httpsPort ?? DEFAULT_HTTPS_PORT;
      const digest = formatDigestList(stored.settings.digest ?? DEFAULT_OFFICE_DIGEST);
      const emergencyCallbackMinutes = callbackMinutesOf(stored.emergency);
      const shown = {
        address,
        sipDomain,
        httpPort,
        sipPort,
        tlsPort,
        httpsPort,
        defaultLanguage,
        timeZone,
        digest,
        emergencyCallbackMinutes,
        provisioningUrl: provisioningUrl(servedData),
        ...(stored.settings.civicAddress ? { civicAddress: stored.settings.civicAddress } : {}),
        /** What the running hotdeskd serves; null when none runs. */
        served: served
          ? {
              sipPort: served.sipPort ?? null,
              httpPort: served.httpPort ?? null,
              tlsPort: served.tlsPort ?? null,
              httpsPort: served.httpsPort ?? null,
              overridden: served.overridden,
            }
          : null,
      };
      if (options.json) return ctx.out.json(shown);
      // Each row is spelled as `settings set` takes it.
      const rows: [string, string][] = [
        ['address', address],
        ['sip-domain', sipDomain],
        ['http-port', portRow('http-port', httpPort, served)],
        ['sip-port', portRow('sip-port', sipPort, served)],
        ['tls-port', portRow('tls-port', tlsPort, served)],
        ['https-port', portRow('https-port', httpsPort, served)],
        ['language', defaultLanguage],
        ['time-zone', timeZone],
        ['leading-zero', stored.settings.allowLeadingZero === true ? 'yes' : 'no'],
        ['digest', digest],
        ['emergency-callback-minutes', String(emergencyCallbackMinutes)],
        ['provisioning-url', provisioningUrl(servedData)],
      ];
      // The office address for emergency calls, once one is set.
      if (stored.settings.civicAddress)
        rows.splice(-1, 0, ['civic-address', formatCivicAddress(stored.settings.civicAddress)]);
      for (const [name, value] of rows) ctx.out.line(`${name.padEnd(16)} ${value}`);
      if (!served) ctx.out.line(STORED_NOTE);
    });

  settings
    .command('set')
    .description(`change a setting: ${SETTABLE.join(', ')}`)
    .argument('<name>', 'setting name')
    .argument('<value...>', 'new value (civic-address: FIELD=VALUE words, see hotdesk(1))')
    .action(async (name: string, values: string[]) => {
      const ctx = context();
      if (name === 'civic-address') return ctx.report(civicAddressChange(values));
      if (values.length > 1)
        throw new CliExit(EXIT_USAGE, `${name} takes one value, not ${values.length} (quote a value with spaces)`);
      const value = values[0]!;
      await ctx.report(settingChange(name, value));
      if (NEEDS_RESTART.has(name)) ctx.out.line(restartNotice(name, value, await askServed(ctx)));
    });
}

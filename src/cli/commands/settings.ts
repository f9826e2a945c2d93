import type { Command } from 'commander';
import { parseLanguage } from '../../core/extension-rules.js';
import { provisioningUrl } from '../../store/queries.js';
import { DEFAULT_OFFICE_DIGEST, formatDigestList, parseDigestList } from '../../core/digest-choice.js';
import type { Change } from '../../store/changes.js';
import { CliExit, type CliContext } from '../context.js';
import { callbackMinutesOf, checkCallbackMinutes } from '../../core/emergency-calls.js';
import { EXIT_REFUSED, EXIT_USAGE, reasonMessage } from '../reason-messages.js';
import { CIVIC_FIELDS, parseCivicAssignments, type CivicAddress, type CivicField } from '../../core/civic-location.js';

const SETTABLE = ['address', 'sip-domain', 'http-port', 'sip-port', 'language', 'time-zone', 'leading-zero', 'digest', 'emergency-callback-minutes', 'civic-address'] as const;

/** Settings hotdeskd reads only when it starts. */
const NEEDS_RESTART = new Set(['http-port', 'sip-port']);

/**
 * `civic-address country=US city=Springfield "street=Main Street" …` (`field=` clears a field,
 * `none` the whole address) → the change, or a refusal naming the word that is wrong.
 */
export function civicAddressChange(words: readonly string[]): Change {
  if (words.length === 1 && words[0] === 'none') return { kind: 'set-civic-address', set: {}, cleared: Object.keys(CIVIC_FIELDS) as CivicField[] };
  const parsed = parseCivicAssignments(words);
  if (parsed.kind === 'invalid') throw new CliExit(EXIT_REFUSED, reasonMessage({ kind: 'invalid-setting', name: 'civic-address', value: words.join(' '), expected: parsed.problem }));
  return { kind: 'set-civic-address', set: parsed.set, cleared: parsed.cleared };
}

/** The office address spelt as `settings set civic-address` takes it (a word with a space quoted). */
export function formatCivicAddress(address: CivicAddress | undefined): string {
  const words = (Object.keys(CIVIC_FIELDS) as CivicField[]).flatMap((field) => (address?.[field] === undefined ? [] : [`${field}=${address[field]}`]));
  return words.length === 0 ? 'none' : words.map((word) => (/[\s"'\\$`]/.test(word) ? `'${word.replace(/'/g, `'\\''`)}'` : word)).join(' ');
}

export function settingChange(name: string, value: string): Change {
  switch (name) {
    case 'address':
      return { kind: 'set-settings', address: value };
    case 'sip-domain':
      return { kind: 'set-settings', sipDomain: value };
    case 'http-port':
    case 'sip-port': {
      const port = Number(value);
      if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
        throw new CliExit(EXIT_REFUSED, reasonMessage({ kind: 'invalid-setting', name, value, expected: 'a port from 1 to 65535' }));
      }
      return name === 'http-port' ? { kind: 'set-settings', httpPort: port } : { kind: 'set-settings', sipPort: port };
    }
    case 'leading-zero': {
      if (value !== 'yes' && value !== 'no') throw new CliExit(EXIT_REFUSED, reasonMessage({ kind: 'invalid-setting', name, value, expected: 'yes or no' }));
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
        throw new CliExit(EXIT_REFUSED, reasonMessage({ kind: 'invalid-setting', name, value, expected: 'an IANA time zone such as Europe/Rome' }));
      }
      return { kind: 'set-settings', timeZone: value };
    case 'digest': {
      const digest = parseDigestList(value);
      if (!digest) throw new CliExit(EXIT_REFUSED, reasonMessage({ kind: 'invalid-setting', name, value, expected: 'md5, sha-256,md5 or sha-256' }));
      return { kind: 'set-settings', digest };
    }
    case 'emergency-callback-minutes': {
      const minutes = Number(value);
      const problem = /^\d+$/.test(value) ? checkCallbackMinutes(minutes) : checkCallbackMinutes(Number.NaN);
      if (problem) throw new CliExit(EXIT_REFUSED, reasonMessage({ kind: 'invalid-setting', name, value, expected: problem }));
      return { kind: 'set-emergency-callback', minutes };
    }
    default:
      throw new CliExit(EXIT_USAGE, `unknown setting "${name}" (settable: ${SETTABLE.join(', ')})`);
  }
}

export function registerSettings(program: Command, context: () => CliContext): void {
  const settings = program
    .command('settings')
    .description('office settings: the address phones are given, SIP domain, ports, language, time zone, emergency callback window')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const ctx = context();
      const data = await ctx.read();
      const { address, sipDomain, httpPort, sipPort, defaultLanguage, timeZone } = data.settings;
      const digest = formatDigestList(data.settings.digest ?? DEFAULT_OFFICE_DIGEST);
      const emergencyCallbackMinutes = callbackMinutesOf(data.emergency);
      const shown = {
        address,
        sipDomain,
        httpPort,
        sipPort,
        defaultLanguage,
        timeZone,
        digest,
        emergencyCallbackMinutes,
        provisioningUrl: provisioningUrl(data),
        ...(data.settings.civicAddress ? { civicAddress: data.settings.civicAddress } : {}),
      };
      if (options.json) return ctx.out.json(shown);
      // Each row is spelled as `settings set` takes it.
      const rows: [string, string][] = [
        ['address', address],
        ['sip-domain', sipDomain],
        ['http-port', String(httpPort)],
        ['sip-port', String(sipPort)],
        ['language', defaultLanguage],
        ['time-zone', timeZone],
        ['leading-zero', data.settings.allowLeadingZero === true ? 'yes' : 'no'],
        ['digest', digest],
        ['emergency-callback-minutes', String(emergencyCallbackMinutes)],
        ['provisioning-url', provisioningUrl(data)],
      ];
      // The office address for emergency calls, once one is set.
      if (data.settings.civicAddress) rows.splice(-1, 0, ['civic-address', formatCivicAddress(data.settings.civicAddress)]);
      for (const [name, value] of rows) ctx.out.line(`${name.padEnd(16)} ${value}`);
    });

  settings
    .command('set')
    .description(`change a setting: ${SETTABLE.join(', ')}`)
    .argument('<name>', 'setting name')
    .argument('<value...>', 'new value (civic-address: FIELD=VALUE words, see hotdesk(1))')
    .action(async (name: string, values: string[]) => {
      const ctx = context();
      if (name === 'civic-address') return ctx.report(civicAddressChange(values));
      if (values.length > 1) throw new CliExit(EXIT_USAGE, `${name} takes one value, not ${values.length} (quote a value with spaces)`);
      await ctx.report(settingChange(name, values[0]!));
      if (NEEDS_RESTART.has(name)) ctx.out.line(`${name} takes effect when hotdeskd restarts (systemctl restart hotdeskd); until then phones keep the port it listens on`);
    });
}

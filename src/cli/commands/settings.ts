import type { Command } from 'commander';
import { parseLanguage } from '../../core/extension-rules.js';
import { provisioningUrl } from '../../store/queries.js';
import { DEFAULT_OFFICE_DIGEST, formatDigestList, parseDigestList } from '../../core/digest-choice.js';
import type { Change } from '../../store/changes.js';
import { CliExit, type CliContext } from '../context.js';
import { EXIT_REFUSED, EXIT_USAGE, reasonMessage } from '../reason-messages.js';

const SETTABLE = ['address', 'sip-domain', 'http-port', 'language', 'time-zone', 'digest'] as const;

export function settingChange(name: string, value: string): Change {
  switch (name) {
    case 'address':
      return { kind: 'set-settings', address: value };
    case 'sip-domain':
      return { kind: 'set-settings', sipDomain: value };
    case 'http-port': {
      const port = Number(value);
      if (!/^\d+$/.test(value)) throw new CliExit(EXIT_REFUSED, reasonMessage({ kind: 'invalid-setting', name, value, expected: 'a port from 1 to 65535' }));
      return { kind: 'set-settings', httpPort: port };
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
    default:
      throw new CliExit(EXIT_USAGE, `unknown setting "${name}" (settable: ${SETTABLE.join(', ')})`);
  }
}

export function registerSettings(program: Command, context: () => CliContext): void {
  const settings = program
    .command('settings')
    .description('office settings: the address phones are given, SIP domain, ports, language, time zone')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const ctx = context();
      const data = await ctx.read();
      const { address, sipDomain, httpPort, sipPort, defaultLanguage, timeZone } = data.settings;
      const digest = formatDigestList(data.settings.digest ?? DEFAULT_OFFICE_DIGEST);
      const shown = { address, sipDomain, httpPort, sipPort, defaultLanguage, timeZone, digest, provisioningUrl: provisioningUrl(data) };
      if (options.json) return ctx.out.json(shown);
      for (const [name, value] of Object.entries(shown)) ctx.out.line(`${name.padEnd(16)} ${value}`);
    });

  settings
    .command('set')
    .description(`change a setting: ${SETTABLE.join(', ')}`)
    .argument('<name>', 'setting name')
    .argument('<value>', 'new value')
    .action(async (name: string, value: string) => {
      const ctx = context();
      await ctx.report(settingChange(name, value));
    });
}

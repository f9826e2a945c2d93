import { resolveSecret } from '../secret-option.js';
import type { Command } from 'commander';
import { checkPin } from '../../core/pin-policy.js';
import { checkExtensionNumber, parseLanguage } from '../../core/extension-rules.js';
import { parseDigestList } from '../../core/digest-choice.js';
import type { Extension, Language } from '../../core/model.js';
import type { StoreData } from '../../store/schema.js';
import { hashPin } from '../../adapters/pin-hash.js';
import { CliExit, type CliContext } from '../context.js';
import { EXIT_REFUSED, reasonMessage } from '../reason-messages.js';

function checkedNumber(number: string): string {
  if (checkExtensionNumber(number))
    throw new CliExit(EXIT_REFUSED, reasonMessage({ kind: 'invalid-extension', value: number }));
  return number;
}

function checkedLanguage(value: string | undefined): Language | undefined {
  if (value === undefined) return undefined;
  const language = parseLanguage(value);
  if (!language) throw new CliExit(EXIT_REFUSED, reasonMessage({ kind: 'invalid-language', value }));
  return language;
}

/** Checks the PIN policy and hashes the PIN here, so the PIN itself never leaves this process. */
async function checkedPinHash(pin: string, number: string): Promise<string> {
  const problem = checkPin(pin, number);
  if (problem) throw new CliExit(EXIT_REFUSED, reasonMessage({ kind: 'weak-pin', detail: problem }));
  return hashPin(pin);
}

interface ExtensionOptions {
  name?: string;
  password?: string;
  pin?: string;
  hotdesk?: boolean;
  language?: string;
  hotdeskTakeover?: boolean;
  digest?: string;
  json?: boolean;
}

export function registerExtension(program: Command, context: () => CliContext): void {
  const extension = program.command('extension').description('manage extensions (users)');

  extension
    .command('add')
    .description('add an extension')
    .argument('<number>', 'extension number, 2 to 8 digits')
    .requiredOption('--name <name>', 'display name shown on phones')
    .requiredOption(
      '--password <secret>',
      'SIP password (at least 8 characters); - reads it from stdin or a prompt (recommended)',
    )
    .requiredOption(
      '--pin <pin>',
      'hot-desk PIN the user types to log in on hot-desk phones (stored hashed); - reads it from stdin or a ' +
        'prompt (recommended)',
    )
    .option('--hotdesk', 'allow this extension to log in on hot-desk phones', false)
    .option('--language <lang>', 'prompt language: en, de or it (default: the office default)')
    .option('--json', 'print JSON')
    .action(async (number: string, options: ExtensionOptions) => {
      const ctx = context();
      checkedNumber(number);
      const language = checkedLanguage(options.language) ?? (await ctx.read()).settings.defaultLanguage;
      // With both as `-`, the password is the first line of stdin and the PIN the second.
      const password = await resolveSecret(ctx.io, options.password!, 'SIP password');
      const pinHash = await checkedPinHash(await resolveSecret(ctx.io, options.pin!, 'PIN'), number);
      await ctx.change({
        kind: 'add-extension',
        number,
        name: options.name!,
        sipPassword: password,
        pinHash,
        hotdesk: Boolean(options.hotdesk),
        language,
      });
      if (options.json)
        return ctx.out.json({ number, name: options.name!.trim(), hotdesk: Boolean(options.hotdesk), language });
      ctx.out.line(
        `added extension ${number} (${options.name!.trim()})${options.hotdesk ? ', hot desking enabled' : ''}`,
      );
    });

  extension
    .command('set')
    .description('change an extension')
    .argument('<number>', 'extension number')
    .option('--name <name>', 'display name')
    .option('--password <secret>', 'SIP password; - reads it from stdin or a prompt (recommended)')
    .option('--pin <pin>', 'hot-desk PIN; - reads it from stdin or a prompt (recommended)')
    .option('--hotdesk', 'allow hot desking')
    .option('--no-hotdesk', 'forbid hot desking')
    .option('--language <lang>', 'prompt language: en, de or it')
    .option('--hotdesk-takeover', 'a login as this user elsewhere may end their other sessions (the default)')
    .option('--no-hotdesk-takeover', "never end this user's sessions by a login elsewhere or by office policies")
    .option(
      '--digest <list>',
      'digest algorithms this account is challenged with: md5, sha-256,md5 or sha-256; "default": the phone ' +
        "model's or the office's",
    )
    .action(async (number: string, options: ExtensionOptions) => {
      const ctx = context();
      const language = checkedLanguage(options.language);
      const password = await resolveSecret(ctx.io, options.password, 'SIP password');
      const pin = await resolveSecret(ctx.io, options.pin, 'PIN');
      const digest =
        options.digest === undefined
          ? undefined
          : options.digest.trim().toLowerCase() === 'default'
            ? null
            : parseDigestList(options.digest);
      if (digest === undefined && options.digest !== undefined) {
        throw new CliExit(
          EXIT_REFUSED,
          reasonMessage({
            kind: 'invalid-setting',
            name: 'digest',
            value: options.digest,
            expected: 'md5, sha-256,md5, sha-256 or default',
          }),
        );
      }
      const pinHash = pin !== undefined ? await checkedPinHash(pin, number) : undefined;
      await ctx.report({
        kind: 'set-extension',
        number,
        ...(options.name !== undefined ? { name: options.name } : {}),
        ...(password !== undefined ? { sipPassword: password } : {}),
        ...(pinHash !== undefined ? { pinHash } : {}),
        ...(options.hotdesk !== undefined ? { hotdesk: options.hotdesk } : {}),
        ...(language !== undefined ? { language } : {}),
        ...(options.hotdeskTakeover !== undefined ? { hotdeskTakeover: options.hotdeskTakeover } : {}),
        ...(digest !== undefined ? { digest } : {}),
      });
    });

  extension
    .command('remove')
    .description('remove an extension (logs it out of every phone)')
    .argument('<number>', 'extension number')
    .action(async (number: string) => {
      const ctx = context();
      await ctx.report({ kind: 'remove-extension', number });
    });

  extension
    .command('show')
    .description('one extension: name, hot desking, takeover, language, BLF list, phones (never passwords or PINs)')
    .argument('<number>', 'extension number')
    .option('--json', 'print JSON')
    .action(async (number: string, options: { json?: boolean }) => {
      const ctx = context();
      const data = await ctx.read();
      const ext = data.extensions.find((candidate) => candidate.number === number);
      if (!ext) throw new CliExit(EXIT_REFUSED, reasonMessage({ kind: 'unknown-extension', extension: number }));
      const view = extensionView(data, ext);
      if (options.json) return ctx.out.json(view);
      const yesNo = (value: boolean) => (value ? 'yes' : 'no');
      ctx.out.line(`extension ${view.number} (${view.name})`);
      ctx.out.line(`  hot desking:   ${yesNo(view.hotdesk)}`);
      ctx.out.line(
        `  takeover:      ${view.hotdeskTakeover ? 'yes' : 'no (a login elsewhere or a policy never ends a session)'}`,
      );
      ctx.out.line(`  language:      ${view.language}`);
      ctx.out.line(`  BLF:           ${view.blf.map((target) => target ?? '-').join(' ') || '-'}`);
      ctx.out.line(`  logged in on:  ${view.loggedInOn.join(', ') || '-'}`);
      ctx.out.line(`  pinned phones: ${view.pinnedOn.join(', ') || '-'}`);
    });

  extension
    .command('list')
    .description('list extensions (never shows passwords or PINs)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const ctx = context();
      const data = await ctx.read();
      const rows = data.extensions.map((ext) => extensionView(data, ext));
      if (options.json) return ctx.out.json(rows);
      if (rows.length === 0) return ctx.out.line('no extensions yet (hotdesk extension add adds one)');
      ctx.out.table(
        ['EXT', 'NAME', 'HOTDESK', 'TAKEOVER', 'LANG', 'BLF', 'LOGGED IN ON'],
        rows.map((row) => [
          row.number,
          row.name,
          row.hotdesk ? 'yes' : 'no',
          row.hotdeskTakeover ? 'yes' : 'no',
          row.language,
          String(row.blf.filter((target) => target !== null).length),
          row.loggedInOn.map((phone) => (row.pinnedOn.includes(phone) ? `${phone} (pinned)` : phone)).join(', ') || '-',
        ]),
      );
    });
}

/** What `extension show` and `extension list` print of an extension: never its password or PIN. */
function extensionView(data: StoreData, ext: Extension) {
  return {
    number: ext.number,
    name: ext.name,
    hotdesk: ext.hotdesk,
    hotdeskTakeover: ext.hotdeskTakeover !== false,
    language: ext.language,
    blf: ext.blf,
    loggedInOn: data.phones.filter((phone) => phone.session?.extension === ext.number).map((phone) => phone.name),
    pinnedOn: data.phones.filter((phone) => phone.pinned === ext.number).map((phone) => phone.name),
  };
}

import { Option, type Command } from 'commander';
import { CONNECTION_MODES, type Connection, type Phone } from '../../core/model.js';
import { formatMac, parseMac } from '../../core/mac.js';
import { findModel, suggestModels } from '../../core/catalogue.js';
import { findPhone, provisioningUrl } from '../../store/queries.js';
import type { StoreData } from '../../store/schema.js';
import { randomPassword } from '../../adapters/secrets.js';
import { readServed, STORED_NOTE } from '../served-settings.js';
import { CliExit, type CliContext } from '../context.js';
import { EXIT_REFUSED, EXIT_USAGE, reasonMessage } from '../reason-messages.js';
import { describeDesk, DESK_FIELDS } from '../../core/civic-location.js';
import type { DeskLocationFields } from '../../store/location-changes.js';

interface AddPhoneOptions {
  model?: string;
  mac?: string;
  connection?: (typeof CONNECTION_MODES)[number];
  sbc?: string;
  json?: boolean;
}

export function buildConnection(mode: string | undefined, sbc: string | undefined): Connection {
  if (mode === 'sbc') {
    if (!sbc) throw new CliExit(EXIT_USAGE, '--connection sbc needs --sbc HOST:PORT');
    return { mode: 'sbc', sbc };
  }
  if (sbc) throw new CliExit(EXIT_USAGE, '--sbc goes with --connection sbc');
  return mode === 'direct' ? { mode: 'direct' } : { mode: 'lan' };
}

function describePhone(phone: Phone): Record<string, unknown> {
  return {
    name: phone.name,
    model: phone.model,
    mac: formatMac(phone.mac),
    connection: phone.connection.mode,
    ...(phone.connection.mode === 'sbc' ? { sbc: phone.connection.sbc } : {}),
    state: phone.session ? 'logged-in' : 'idle',
    extension: phone.session?.extension ?? null,
    ...(phone.pinned !== undefined ? { pinned: phone.pinned } : {}),
    ...(phone.location ? { location: phone.location } : {}),
    ...(phone.emergencyCallback ? { emergencyCallback: phone.emergencyCallback } : {}),
  };
}

interface PhoneSetOptions {
  pinned?: string | false;
  building?: string;
  floor?: string;
  room?: string;
  emergencyCallback?: string;
  json?: boolean;
}

/** The location part of `phone set`'s change: an empty value clears a field. */
function locationFields(options: PhoneSetOptions): DeskLocationFields {
  const value = (given: string | undefined) => (given === undefined ? undefined : given === '' ? null : given);
  const location = Object.fromEntries(
    DESK_FIELDS.flatMap((field) => (options[field] === undefined ? [] : [[field, value(options[field])]])),
  );
  return {
    ...(Object.keys(location).length > 0 ? { location } : {}),
    ...(options.emergencyCallback !== undefined ? { emergencyCallback: value(options.emergencyCallback) } : {}),
  };
}

/** What a phone's STATE column says: idle, logged in, or pinned. */
function phoneState(phone: Phone): string {
  if (phone.pinned !== undefined && phone.session?.extension === phone.pinned) return `pinned: ${phone.pinned}`;
  return phone.session ? `logged in: ${phone.session.extension}` : 'idle';
}

/**
 * `data`: the store with what a running hotdeskd serves laid over it (served-settings); `fromDaemon` false: the
 * stored settings.
 */
export function printAddedPhone(
  context: CliContext,
  phone: Phone,
  data: StoreData,
  json: boolean | undefined,
  fromDaemon = true,
): void {
  const url = provisioningUrl(data);
  const { out } = context;
  if (json) return out.json({ ...describePhone(phone), provisioningUrl: url, dhcpOption66: url });
  out.line(
    `${out.colour.bold(phone.name)} added: ${phone.model}, MAC ${formatMac(phone.mac)}, ${phone.connection.mode}`,
  );
  out.line('');
  out.line(`Provisioning URL: ${url}`);
  out.line('Point the phone at it in one of these ways:');
  out.line(`  - DHCP option 66 on the office DHCP server: ${url}`);
  out.line(`  - or type it into the phone's web page (auto provisioning / server URL) and reboot it`);
  if (!fromDaemon) out.line(STORED_NOTE);
  const auth = data.settings.provisioningAuth;
  if (auth)
    out.line(
      `The phone must also be given the provisioning user name ${auth.username} and its password (hotdesk ` +
        `provisioning).`,
    );
}

export function registerPhones(program: Command, context: () => CliContext): void {
  program
    .command('add-phone')
    .description(
      'add a desk phone to the hot-desk pool and print its provisioning URL (no flags on a terminal: a wizard)',
    )
    .option('--model <id>', 'catalogue model id, e.g. yealink-t54w (see hotdesk models)')
    .option('--mac <mac>', 'MAC address in any common spelling')
    .addOption(
      new Option('--connection <mode>', 'how the phone reaches hotdeskd').choices(CONNECTION_MODES).default('lan'),
    )
    .option('--sbc <host:port>', 'the SBC a phone with --connection sbc goes through')
    .option('--json', 'print JSON')
    .action(async (options: AddPhoneOptions, command: Command) => {
      const ctx = context();
      const noFlags = command.args.length === 0 && !options.model && !options.mac && !options.sbc;
      if (noFlags && ctx.io.stdin.isTTY && ctx.io.stdout.isTTY && !options.json) {
        const { runAddPhoneWizard } = await import('../../tui/run.js');
        const pool = (await ctx.read()).phones;
        const picked = await runAddPhoneWizard(
          ctx.catalogue,
          ctx.io,
          new Map(pool.map((phone) => [phone.mac, phone.name])),
        );
        // After Esc the wizard's last frame said "Cancelled, nothing added." already: one line, not two.
        if (picked === 'cancelled') throw new CliExit(EXIT_REFUSED);
        if (!picked) throw new CliExit(EXIT_REFUSED, 'cancelled, nothing added');
        options = { ...options, ...picked };
      }
      if (!options.model) throw new CliExit(EXIT_USAGE, 'add-phone needs --model ID (hotdesk models lists them)');
      if (!options.mac) throw new CliExit(EXIT_USAGE, 'add-phone needs --mac MAC');
      // Check what can be checked here first, so a typo gets an answer without touching the store.
      if (!parseMac(options.mac))
        throw new CliExit(EXIT_REFUSED, reasonMessage({ kind: 'invalid-mac', value: options.mac }));
      if (!findModel(ctx.catalogue, options.model)) {
        const suggestions = suggestModels(ctx.catalogue, options.model);
        throw new CliExit(EXIT_REFUSED, reasonMessage({ kind: 'unknown-model', value: options.model, suggestions }));
      }
      const connection = buildConnection(options.connection, options.sbc);
      const result = await ctx.change({
        kind: 'add-phone',
        model: options.model,
        mac: options.mac,
        connection,
        idlePassword: randomPassword(),
      });
      if (result.kind !== 'phone') throw new Error('add-phone answered without a phone');
      // The URL with the port a running hotdeskd really serves, else the stored one (said so).
      const { data, served } = await readServed(ctx);
      printAddedPhone(ctx, result.phone, data, options.json, served !== undefined);
    });

  program
    .command('remove-phone')
    .description('take a phone out of the hot-desk pool')
    .argument('<name|mac>', 'phone name (HD0001) or MAC')
    .action(async (target: string) => {
      const ctx = context();
      await ctx.report({ kind: 'remove-phone', phone: target });
    });

  program
    .command('phones')
    .description('list the hot-desk phones')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const ctx = context();
      const data = await ctx.read();
      if (options.json) return ctx.out.json(data.phones.map(describePhone));
      if (data.phones.length === 0) return ctx.out.line('no hot-desk phones yet (hotdesk add-phone adds one)');
      // Desk locations (for emergency calls) get their columns once any phone has one.
      const located = data.phones.some((phone) => phone.location || phone.emergencyCallback);
      ctx.out.table(
        ['NAME', 'MODEL', 'MAC', 'CONNECTION', 'STATE', ...(located ? ['LOCATION', 'CALLBACK'] : [])],
        data.phones.map((phone) => [
          phone.name,
          phone.model,
          formatMac(phone.mac),
          phone.connection.mode === 'sbc' ? `sbc ${phone.connection.sbc}` : phone.connection.mode,
          phoneState(phone),
          ...(located ? [describeDesk(phone.location) || '-', phone.emergencyCallback ?? '-'] : []),
        ]),
      );
    });

  const phone = program.command('phone').description('change one hot-desk phone');
  phone
    .command('set')
    .description(
      'pin a phone to an extension (logged in as it, and it stays so) or unpin it; set where the desk is for ' +
        'emergency calls',
    )
    .argument('<name|mac>', 'phone name (HD0001) or MAC')
    .option(
      '--pinned <ext>',
      'log the phone in as EXT now and keep it so: no other login, no logout, no takeover or policy',
    )
    .option('--no-pinned', 'unpin the phone: it stays logged in, and hotdesk logout or any login may then end that')
    .option('--building <text>', 'the building the desk is in, sent with emergency calls ("" clears it)')
    .option('--floor <text>', 'the floor the desk is on ("" clears it)')
    .option('--room <text>', 'the room the desk is in ("" clears it)')
    .option(
      '--emergency-callback <number>',
      'the desk\'s own emergency callback number (ELIN), E.164 such as +15551234567 ("" clears it)',
    )
    .option('--json', 'print JSON')
    .action(async (target: string, options: PhoneSetOptions) => {
      const ctx = context();
      const location = locationFields(options);
      if (options.pinned === undefined && Object.keys(location).length === 0) {
        throw new CliExit(
          EXIT_USAGE,
          'phone set needs --pinned EXT, --no-pinned, or a location (--building, --floor, --room, ' +
            '--emergency-callback)',
        );
      }
      const pinned = options.pinned === undefined ? undefined : options.pinned === false ? null : options.pinned;
      const result = await ctx.change({
        kind: 'set-phone',
        phone: target,
        ...(pinned !== undefined ? { pinned } : {}),
        ...location,
      });
      const after = findPhone(await ctx.read(), target);
      const name = after?.name ?? target.toUpperCase();
      if (options.json) {
        const sessions =
          result.kind === 'sessions'
            ? { released: result.released, reprovision: result.reprovision }
            : { released: [], reprovision: [] };
        return ctx.out.json({
          phone: name,
          pinned: after?.pinned ?? null,
          extension: after?.session?.extension ?? null,
          ...(after?.location ? { location: after.location } : {}),
          ...(after?.emergencyCallback ? { emergencyCallback: after.emergencyCallback } : {}),
          ...sessions,
        });
      }
      if (pinned !== undefined) {
        ctx.out.line(
          pinned === null
            ? `${name} is not pinned${after?.session ? ` (still logged in as ${after.session.extension})` : ''}`
            : `${name} is pinned to ${pinned}`,
        );
      }
      if (Object.keys(location).length > 0) {
        const where = describeDesk(after?.location) || 'no location set';
        ctx.out.line(
          `${name}: ${where}${after?.emergencyCallback ? `, emergency callback ${after.emergencyCallback}` : ''}`,
        );
      }
      if (result.kind === 'sessions')
        for (const released of result.released) ctx.out.line(`  ${released.extension} logged out of ${released.phone}`);
    });
}

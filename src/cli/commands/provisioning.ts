import { resolveSecret } from '../secret-option.js';
import type { Command } from 'commander';
import type { StoreData } from '../../store/schema.js';
import { provisioningUrl } from '../../store/queries.js';
import {
  buildProvisioningAuth,
  checkProvisioningPassword,
  checkProvisioningUsername,
} from '../../core/provisioning-auth.js';
import { nodeDigestCrypto } from '../../adapters/node-crypto.js';
import { randomToken } from '../../adapters/secrets.js';
import { CliExit, type CliContext } from '../context.js';
import { EXIT_REFUSED, reasonMessage } from '../reason-messages.js';
import { readServed, STORED_NOTE } from '../served-settings.js';

/** The digest algorithms hotdeskd offers phones for the provisioning tree, in challenge order. */
const ALGORITHMS = ['MD5', 'SHA-256'];

export function describeProvisioning(data: StoreData, nowMs = Date.now()): Record<string, unknown> {
  const url = provisioningUrl(data);
  const auth = data.settings.provisioningAuth;
  const previous = data.settings.previousProvisioningToken;
  const stillTaken = previous && previous.phones.length > 0 && Date.parse(previous.until) > nowMs;
  return {
    provisioningUrl: url,
    dhcpOption66: url,
    auth: auth ? { username: auth.username, realm: auth.realm, algorithms: ALGORITHMS } : null,
    // After a rotation: who may still use the old URL, and until when (never the old token itself).
    ...(stillTaken ? { previousUrl: { until: previous.until, phones: previous.phones } } : {}),
  };
}

function refuseSetting(name: string, value: string, expected: string): never {
  throw new CliExit(EXIT_REFUSED, reasonMessage({ kind: 'invalid-setting', name, value, expected }));
}

export function registerProvisioning(program: Command, context: () => CliContext): void {
  const provisioning = program
    .command('provisioning')
    .description('how phones fetch their configuration: the URL, the DHCP option 66 value, HTTP credentials')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const ctx = context();
      // What a running hotdeskd really serves (its ports), else the stored settings, said so.
      const { data, served } = await readServed(ctx);
      const shown = describeProvisioning(data);
      const { address, sipPort } = data.settings;
      const sipServer = `${address.includes(':') ? `[${address}]` : address}:${sipPort}`;
      if (options.json) return ctx.out.json({ ...shown, sipServer, source: served ? 'hotdeskd' : 'store' });
      const auth = data.settings.provisioningAuth;
      ctx.out.line(`provisioning URL   ${shown['provisioningUrl']}`);
      ctx.out.line(`DHCP option 66     ${shown['dhcpOption66']}`);
      ctx.out.line(`SIP server         ${sipServer} (UDP and TCP)`);
      if (served?.tlsPort !== undefined)
        ctx.out.line(`SIP over TLS       ${address.includes(':') ? `[${address}]` : address}:${served.tlsPort}`);
      if (served?.httpsPort !== undefined)
        ctx.out.line(`over HTTPS         ${provisioningUrl(data, served.httpsPort).replace(/^http:/, 'https:')}`);
      ctx.out.line(
        `authentication     ${auth ? `on: HTTP digest, user ${auth.username}, realm "${auth.realm}"` : 'off'}`,
      );
      const previous = shown['previousUrl'] as { until: string; phones: string[] } | undefined;
      if (previous)
        ctx.out.line(
          `previous URL       still taken until ${previous.until} from ${previous.phones.join(', ')} (not yet ` +
            `fetched under the new one)`,
        );
      if (!served) ctx.out.line(STORED_NOTE);
    });

  provisioning
    .command('rotate-token')
    .description(
      'a new provisioning token: phones already provisioned are told to fetch their file, which carries the new URL',
    )
    .option(
      '--grace <days>',
      'days the old URL keeps working for those phones until each has fetched under the new one (default 14; 0: ' +
        'it stops now)',
      '14',
    )
    .action(async (options: { grace: string }) => {
      const ctx = context();
      if (!/^\d{1,3}$/.test(options.grace))
        refuseSetting('--grace', options.grace, 'a whole number of days from 0 to 365');
      await ctx.report({ kind: 'rotate-provisioning-token', token: randomToken(), graceDays: Number(options.grace) });
      ctx.out.line(`provisioning URL   ${provisioningUrl((await readServed(ctx)).data)}`);
      ctx.out.line('Give DHCP option 66 (and any phone that was given the URL by hand) the new URL.');
    });

  provisioning
    .command('release')
    .description(
      "let a phone's files be fetched from any address again, until it registers anew (they are served only " +
        'where it registered from)',
    )
    .argument('<phone>', 'the phone (HD0001, or its MAC)')
    .action(async (phone: string) => {
      const ctx = context();
      await ctx.report({ kind: 'provisioning-release', phone });
    });

  const auth = provisioning
    .command('auth')
    .description('HTTP digest credentials phones must give to fetch their configuration');

  auth
    .command('set')
    .description('require credentials for the whole provisioning tree (only their digest hashes are stored)')
    .requiredOption('--username <name>', 'user name the phones give')
    .requiredOption(
      '--password <secret>',
      'password the phones give (8 to 128 printable characters); - reads it from stdin or a prompt (recommended)',
    )
    .action(async (options: { username: string; password: string }) => {
      const ctx = context();
      const password = await resolveSecret(ctx.io, options.password, 'provisioning password');
      const userProblem = checkProvisioningUsername(options.username);
      if (userProblem) refuseSetting('--username', options.username, userProblem);
      const passwordProblem = checkProvisioningPassword(password);
      if (passwordProblem) refuseSetting('--password', '(hidden)', passwordProblem);
      await ctx.report({
        kind: 'set-provisioning-auth',
        auth: buildProvisioningAuth(options.username, password, nodeDigestCrypto.hash),
      });
      ctx.out.line('Give each phone this user name and password on its provisioning page, next to the server URL');
      ctx.out.line('(Yealink: Settings → Auto Provision); until then it cannot fetch its configuration.');
    });

  auth
    .command('remove')
    .description('let phones fetch their configuration without credentials again')
    .action(async () => {
      const ctx = context();
      await ctx.report({ kind: 'remove-provisioning-auth' });
    });
}

import { resolveSecret } from '../secret-option.js';
import type { Command } from 'commander';
import type { StoreData } from '../../store/schema.js';
import { provisioningUrl } from '../../store/queries.js';
import { buildProvisioningAuth, checkProvisioningPassword, checkProvisioningUsername } from '../../core/provisioning-auth.js';
import { nodeDigestCrypto } from '../../adapters/node-crypto.js';
import { CliExit, type CliContext } from '../context.js';
import { EXIT_REFUSED, reasonMessage } from '../reason-messages.js';
import { readServed, STORED_NOTE } from '../served-settings.js';

/** The digest algorithms hotdeskd offers phones for the provisioning tree, in challenge order. */
const ALGORITHMS = ['MD5', 'SHA-256'];

export function describeProvisioning(data: StoreData): Record<string, unknown> {
  const url = provisioningUrl(data);
  const auth = data.settings.provisioningAuth;
  return {
    provisioningUrl: url,
    dhcpOption66: url,
    auth: auth ? { username: auth.username, realm: auth.realm, algorithms: ALGORITHMS } : null,
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
      if (served?.tlsPort !== undefined) ctx.out.line(`SIP over TLS       ${address.includes(':') ? `[${address}]` : address}:${served.tlsPort}`);
      if (served?.httpsPort !== undefined) ctx.out.line(`over HTTPS         ${provisioningUrl(data, served.httpsPort).replace(/^http:/, 'https:')}`);
      ctx.out.line(`authentication     ${auth ? `on: HTTP digest, user ${auth.username}, realm "${auth.realm}"` : 'off'}`);
      if (!served) ctx.out.line(STORED_NOTE);
    });

  const auth = provisioning.command('auth').description('HTTP digest credentials phones must give to fetch their configuration');

  auth
    .command('set')
    .description('require credentials for the whole provisioning tree (only their digest hashes are stored)')
    .requiredOption('--username <name>', 'user name the phones give')
    .requiredOption('--password <secret>', 'password the phones give (8 to 128 printable characters); - reads it from stdin or a prompt (recommended)')
    .action(async (options: { username: string; password: string }) => {
      const ctx = context();
      const password = await resolveSecret(ctx.io, options.password, 'provisioning password');
      const userProblem = checkProvisioningUsername(options.username);
      if (userProblem) refuseSetting('--username', options.username, userProblem);
      const passwordProblem = checkProvisioningPassword(password);
      if (passwordProblem) refuseSetting('--password', '(hidden)', passwordProblem);
      await ctx.report({ kind: 'set-provisioning-auth', auth: buildProvisioningAuth(options.username, password, nodeDigestCrypto.hash) });
      ctx.out.line("Give each phone this user name and password on its provisioning page, next to the server URL");
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

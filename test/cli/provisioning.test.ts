/**
 * `hotdesk provisioning` and `provisioning auth set|remove`, run in process
 * (no daemon: the CLI writes the store under the lock), and what add-phone
 * prints once credentials are set.
 */
import t from 'tap';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { run } from '../../src/cli/main.js';
import { loadStoreFile, tempData } from '../support/temp-data.js';

async function hotdesk(dir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const code = await run(['--data', dir, ...args], {
    stdout,
    stderr,
    stdin: new PassThrough(),
    env: { NO_COLOR: '1' },
  });
  return { code, stdout: out, stderr: err };
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

t.test('show, set and remove the provisioning credentials', async (t) => {
  const paths = await tempData(t);
  await hotdesk(paths.dir, ['settings', 'set', 'address', '192.0.2.10']);
  const shown = await hotdesk(paths.dir, ['provisioning']);
  t.equal(shown.code, 0);
  const url = /^provisioning URL {3}(http:\/\/192\.0\.2\.10:8088\/provisioning\/[\w-]+\/)$/m.exec(shown.stdout)?.[1];
  t.ok(url, 'the URL');
  t.match(shown.stdout, `DHCP option 66     ${url}`);
  t.match(shown.stdout, /^authentication {5}off$/m);

  const set = await hotdesk(paths.dir, [
    'provisioning',
    'auth',
    'set',
    '--username',
    'phones',
    '--password',
    'correct horse',
  ]);
  t.equal(set.code, 0, set.stderr);
  t.match(set.stdout, /phones now need user name phones/);
  const data = await loadStoreFile(paths.store);
  t.same(data.settings.provisioningAuth, {
    username: 'phones',
    realm: 'hotdesk provisioning',
    ha1: {
      md5: md5('phones:hotdesk provisioning:correct horse'),
      sha256: sha256('phones:hotdesk provisioning:correct horse'),
    },
  });
  t.notMatch(await readFile(paths.store, 'utf8'), /correct horse/, 'the password is not stored');

  const json = await hotdesk(paths.dir, ['provisioning', '--json']);
  t.same(JSON.parse(json.stdout), {
    provisioningUrl: url,
    dhcpOption66: url,
    auth: { username: 'phones', realm: 'hotdesk provisioning', algorithms: ['MD5', 'SHA-256'] },
    sipServer: '192.0.2.10:5060',
    source: 'store',
  });
  t.match((await hotdesk(paths.dir, ['provisioning'])).stdout, /^authentication {5}on: HTTP digest, user phones/m);

  const added = await hotdesk(paths.dir, ['add-phone', '--model', 'yealink-t54w', '--mac', '001565aabbcc']);
  t.match(
    added.stdout,
    /provisioning user name phones and its password/,
    'add-phone says the phone needs the credentials',
  );

  const short = await hotdesk(paths.dir, [
    'provisioning',
    'auth',
    'set',
    '--username',
    'phones',
    '--password',
    'short',
  ]);
  t.same([short.code, short.stdout], [1, '']);
  t.match(short.stderr, /--password: "\(hidden\)" is not valid \(expected 8 to 128 characters\)/);
  t.notMatch(short.stderr, /short/, 'the password is not echoed');
  const badUser = await hotdesk(paths.dir, [
    'provisioning',
    'auth',
    'set',
    '--username',
    'a:b',
    '--password',
    'correct horse',
  ]);
  t.equal(badUser.code, 1);
  const missing = await hotdesk(paths.dir, ['provisioning', 'auth', 'set', '--username', 'phones']);
  t.equal(missing.code, 2, 'a missing option is a usage error');

  const removed = await hotdesk(paths.dir, ['provisioning', 'auth', 'remove']);
  t.equal(removed.code, 0);
  t.match(removed.stdout, /no credentials any more/);
  t.equal((await loadStoreFile(paths.store)).settings.provisioningAuth, undefined);
  t.match((await hotdesk(paths.dir, ['provisioning'])).stdout, /^authentication {5}off$/m);
  t.match(
    (await loadStoreFile(paths.store)).audit.map((entry) => entry.detail).join('\n'),
    /provisioning auth for user phones\n[\s\S]*provisioning auth removed/,
  );
});

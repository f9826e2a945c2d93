/**
 * The package as an admin installs it: `npm pack`, a global install of the
 * tarball into a scratch prefix, then `hotdesk --version`, `hotdeskd --help`,
 * `man -w hotdeskd` and (where systemd-analyze exists) `systemd-analyze verify`
 * on the installed unit, all from that prefix. Slow (npm pack builds).
 */
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, childEnv } from '../support/run-cli.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; man: string[] };

const found = (command: string): boolean =>
  spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

t.test('npm pack installs globally with both programs and the man pages', async (t) => {
  // Outside the checkout, so nothing resolves from its node_modules.
  const dir = mkdtempSync(join(tmpdir(), 'hotdesk-pack-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const prefix = join(dir, 'prefix');
  const env = {
    ...childEnv(),
    PATH: `${join(prefix, 'bin')}:${process.env['PATH'] ?? ''}`,
    MANPATH: join(prefix, 'share', 'man'),
  };
  // `env -u NODE_OPTIONS`: tap's loader, put back by its spawn hook, must not reach npm or the installed programs.
  const run = (cwd: string, command: string, ...args: string[]): string =>
    execFileSync('env', ['-u', 'NODE_OPTIONS', command, ...args], {
      cwd,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const npm = (...args: string[]): string => run(ROOT, 'npm', ...args, '--no-audit', '--no-fund', '--loglevel=error');

  npm('pack', '--pack-destination', dir);
  const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'));
  t.ok(tarball, 'npm pack made a tarball');
  // --prefer-offline: the dependencies come from the npm cache when they are there.
  npm('install', '--global', '--prefix', prefix, '--prefer-offline', join(dir, tarball!));

  t.equal(run(dir, join(prefix, 'bin', 'hotdesk'), '--version').trim(), pkg.version, 'hotdesk --version');
  t.match(run(dir, join(prefix, 'bin', 'hotdeskd'), '--help'), /^Usage: hotdeskd/m, 'hotdeskd --help');
  t.match(run(dir, join(prefix, 'bin', 'hotdesk'), '--help'), /^Usage: hotdesk/m, 'hotdesk --help');

  t.same(
    pkg.man.map((page) => page.replace(/^man\//, '')).sort(),
    readdirSync(join(ROOT, 'man')).sort(),
    'every page in man/ is in the "man" field',
  );
  for (const [name, section] of [
    ['hotdeskd', '8'],
    ['hotdesk', '1'],
    ['hotdesk.json', '5'],
  ] as const) {
    const where = run(dir, 'man', '-w', section, name).trim();
    t.ok(where.startsWith(join(prefix)), `man -w ${section} ${name} finds the installed page (${where})`);
  }

  // systemd-analyze verify checks ExecStart= exists and runs `man` for each Documentation=man: page.
  const unit = readFileSync(
    join(prefix, 'lib', 'node_modules', 'hotdesk', 'templates', 'systemd', 'hotdeskd.service'),
    'utf8',
  );
  const installed = join(dir, 'hotdeskd.service');
  writeFileSync(installed, unit.replace(/^ExecStart=.*$/m, `ExecStart=${join(prefix, 'bin', 'hotdeskd')}`));
  if (found('systemd-analyze')) {
    const verify = spawnSync('env', ['-u', 'NODE_OPTIONS', 'systemd-analyze', 'verify', installed], {
      env,
      encoding: 'utf8',
    });
    t.equal(verify.status, 0, `systemd-analyze verify passes: ${verify.stderr}`);
    t.equal(verify.stderr.trim(), '', 'with nothing to say');
  } else {
    t.pass('systemd-analyze is not on this machine: the unit is checked by test/service/systemd-unit.test.ts only');
  }
});

/**
 * How the banner spells the admin CLI: `hotdesk` only when that name on PATH
 * is this installation's, else a path that works from where hotdeskd runs;
 * `--data DIR` when the data directory is not the embedded default.
 */
import t from 'tap';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cliCommand } from '../../src/adapters/cli-command.js';
import { PACKAGE_ROOT, resolveDataDir } from '../../src/adapters/paths.js';
import { tempDir } from '../support/temp-data.js';

t.test('on PATH, beside it, or elsewhere', async (t) => {
  const dir = await tempDir(t);
  const root = join(dir, 'checkout');
  const bin = join(root, 'bin', 'hotdesk');
  await mkdir(join(root, 'bin'), { recursive: true });
  await writeFile(bin, '#!/usr/bin/env node\n', { mode: 0o755 });
  const globalBin = join(dir, 'prefix-bin');
  await mkdir(globalBin);
  await symlink(bin, join(globalBin, 'hotdesk'));
  const otherBin = join(dir, 'other-bin');
  await mkdir(otherBin);
  await writeFile(join(otherBin, 'hotdesk'), '#!/bin/sh\n', { mode: 0o755 });

  const rows: [string, Parameters<typeof cliCommand>[0], string][] = [
    ['installed: its link is on PATH', { bin, path: `/usr/bin:${globalBin}`, cwd: '/' }, 'hotdesk'],
    ['npm start in the checkout: not on PATH', { bin, path: '/usr/bin', cwd: root }, 'bin/hotdesk'],
    ['from elsewhere: the whole path', { bin, path: '/usr/bin', cwd: '/' }, bin],
    ['another hotdesk on PATH is not this one', { bin, path: otherBin, cwd: root }, 'bin/hotdesk'],
    ['empty and relative PATH entries are skipped', { bin, path: `:.:bin`, cwd: root }, 'bin/hotdesk'],
    [
      'a data directory of its own',
      { bin, path: globalBin, cwd: '/', dataDir: '/srv/office data' },
      "hotdesk --data '/srv/office data'",
    ],
    [
      'the embedded data directory needs no --data',
      { bin, path: globalBin, cwd: '/', dataDir: resolveDataDir(undefined, {}) },
      'hotdesk',
    ],
  ];
  for (const [what, options, expected] of rows) t.equal(cliCommand(options), expected, what);
});

t.test('by default: this package’s bin/hotdesk', async (t) => {
  t.equal(cliCommand({ path: '', cwd: PACKAGE_ROOT }), 'bin/hotdesk');
});

#!/usr/bin/env node
/**
 * npm's `prepare` step (npm install in a checkout, npm pack, npm install -g .):
 * makes sure dist/ is built from src/. `npm install -g .` links a checkout
 * without installing its dependencies, so a checkout that has none yet gets
 * them first (with the dev ones the build needs, from package-lock.json).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// Under `npm install -g .` npm hands its own settings (global, prefix) down as
// npm_config_* variables; the checkout's own install must not inherit them.
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_config_/i.test(name)));

function step(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!existsSync(join(root, 'node_modules', 'typescript', 'bin', 'tsc'))) {
  console.log('prepare: installing the dependencies the build needs');
  step(npm, ['install', '--no-global', '--include=dev', '--ignore-scripts', '--no-audit', '--no-fund']);
}
step(process.execPath, [join(root, 'scripts', 'build-if-stale.mjs')]);

#!/usr/bin/env node
/**
 * `npm start`'s build step: runs `npm run build` only when the sources changed
 * since the last build that succeeded here. The sources are every file under
 * src/ plus the tsconfig files; their names and contents are hashed, so an
 * edited, added or removed file rebuilds, and a checkout that was never built
 * (no dist/.build-stamp) builds. Usage: node scripts/build-if-stale.mjs [ROOT]
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const stamp = join(root, 'dist', '.build-stamp');

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) =>
      entry.isDirectory() ? files(join(dir, entry.name)) : entry.isFile() ? [join(dir, entry.name)] : [],
    );
}

const hash = createHash('sha256');
for (const file of [...files(join(root, 'src')), join(root, 'tsconfig.json'), join(root, 'tsconfig.build.json')]) {
  if (!existsSync(file)) continue;
  hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
}
const digest = hash.digest('hex');

if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === digest) {
  console.log('build: dist/ is up to date with src/');
} else {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(stamp, `${digest}\n`);
}

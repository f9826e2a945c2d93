/**
 * scripts/build-if-stale.mjs (`npm start`'s build step): builds a checkout that
 * was never built, skips when nothing changed, and rebuilds after a source file
 * is edited, added or removed. Run on a scratch project whose build counts runs.
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/run-cli.js';

const SCRIPT = join(ROOT, 'scripts', 'build-if-stale.mjs');

t.test('builds only when the sources changed', async (t) => {
  const root = t.testdir({
    'package.json': JSON.stringify({
      name: 'scratch',
      private: true,
      scripts: { build: `node -e "require('fs').appendFileSync('builds.log', 'x')"` },
    }),
    'tsconfig.json': '{}',
    'tsconfig.build.json': '{}',
    src: { 'a.ts': 'export const a = 1;\n', deep: { 'b.ts': 'export const b = 2;\n' } },
  });
  const start = () =>
    execFileSync(process.execPath, [SCRIPT, root], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const builds = (): number => {
    try {
      return readFileSync(join(root, 'builds.log'), 'utf8').length;
    } catch {
      return 0;
    }
  };

  start();
  t.equal(builds(), 1, 'a checkout never built is built');
  t.match(start(), /up to date/);
  t.equal(builds(), 1, 'nothing changed: no build');

  writeFileSync(join(root, 'src', 'deep', 'b.ts'), 'export const b = 3;\n');
  start();
  t.equal(builds(), 2, 'an edited source file rebuilds');
  start();
  t.equal(builds(), 2);

  mkdirSync(join(root, 'src', 'new'));
  writeFileSync(join(root, 'src', 'new', 'c.ts'), 'export const c = 1;\n');
  start();
  t.equal(builds(), 3, 'an added source file rebuilds');

  rmSync(join(root, 'src', 'a.ts'));
  start();
  t.equal(builds(), 4, 'a removed source file rebuilds');

  writeFileSync(join(root, 'tsconfig.build.json'), '{"compilerOptions":{}}');
  start();
  t.equal(builds(), 5, 'a changed tsconfig rebuilds');

  rmSync(join(root, 'dist'), { recursive: true });
  start();
  t.equal(builds(), 6, 'a removed dist/ rebuilds');
});

t.test('a failed build leaves no stamp, so the next start builds again', async (t) => {
  const root = t.testdir({
    'package.json': JSON.stringify({ name: 'scratch', private: true, scripts: { build: 'node -e "process.exit(3)"' } }),
    src: { 'a.ts': 'export const a = 1;\n' },
  });
  let status = 0;
  try {
    execFileSync(process.execPath, [SCRIPT, root], { stdio: 'ignore' });
  } catch (error) {
    status = (error as { status: number }).status;
  }
  t.equal(status, 3, 'the build failure is the exit status');
  t.throws(() => readFileSync(join(root, 'dist', '.build-stamp')), 'no stamp written');
});

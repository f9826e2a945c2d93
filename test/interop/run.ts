/**
 * `npm run test:interop` (after the build): checks that SIPp is installed,
 * then runs tap on the interop tests only.
 *
 * package.json's `tap.exclude` keeps test/interop/ out of plain `npm test`.
 * tap applies `exclude` only to the files it finds itself: files named on its
 * command line always run (and so would helper files under a directory named
 * there), so this names each `*.test.ts` file.
 *
 *   npm run test:interop                                   every interop test
 *   npm run test:interop -- test/interop/call.test.ts      some of them
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SIPP_MISSING, sippVersion } from './support/sipp.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HERE = fileURLToPath(new URL('.', import.meta.url));

const version = sippVersion();
if (!version) {
  process.stderr.write(`${SIPP_MISSING}\n`);
  process.exit(1);
}

const requested = process.argv.slice(2);
const files =
  requested.length > 0
    ? requested
    : readdirSync(HERE)
        .filter((name) => name.endsWith('.test.ts'))
        .sort()
        .map((name) => relative(ROOT, join(HERE, name)));
process.stdout.write(`interop tests against bin/hotdeskd with ${version}\n`);
// Coverage is the unit tests' business; these drive separate processes.
const tap = spawnSync(join(ROOT, 'node_modules', '.bin', 'tap'), ['--disable-coverage', ...files], {
  cwd: ROOT,
  stdio: 'inherit',
});
if (tap.error) {
  process.stderr.write(`test:interop: could not run tap: ${tap.error.message}\n`);
  process.exit(1);
}
process.exit(tap.status ?? 1);

// Twin tests: src/X/y.ts(x) is tested by test/X/y.test.ts(x). `npm run coverage:twins` lists the
// source files that have none; test/coverage-map.mjs uses the same pairing so that a file's coverage
// comes from its twin when it has one.
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');

/** Every file under `dir` (relative to the project root, `/`-separated), depth first, sorted. */
function filesUnder(dir) {
  const absolute = join(ROOT, dir);
  if (!existsSync(absolute)) return [];
  return readdirSync(absolute, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

/** Source files that a test can have: TypeScript under src/, not declaration files. */
export function sourceFiles() {
  return filesUnder('src').filter((file) => /\.tsx?$/.test(file) && !file.endsWith('.d.ts'));
}

/** `test/X/y.test.ts` for `src/X/y.ts` (and .tsx alike). */
export function twinTestOf(source) {
  return source.replace(/^src\//, 'test/').replace(/\.(tsx?)$/, '.test.$1');
}

/** `src/X/y.ts` for `test/X/y.test.ts`, when that file exists; otherwise undefined. */
export function twinSourceOf(test) {
  const match = /^test\/(.+)\.test\.(tsx?)$/.exec(test);
  if (!match) return undefined;
  const source = `src/${match[1]}.${match[2]}`;
  return existsSync(join(ROOT, source)) ? source : undefined;
}

/**
 * For a folder suite (`test/X.test.ts`, which runs every test of `test/X/` in one process, see
 * test/support/test-folder.ts): the twin sources of those tests. Undefined for any other file.
 */
export function twinSourcesOfSuite(test) {
  const match = /^test\/(.+)\.test\.ts$/.exec(test);
  if (!match || !existsSync(join(ROOT, 'test', match[1]))) return undefined;
  return filesUnder(`test/${match[1]}`)
    .map((file) => twinSourceOf(file))
    .filter((source) => source !== undefined);
}

/** Source files with no twin test file. */
export function sourcesWithoutTwin() {
  return sourceFiles().filter((source) => !existsSync(join(ROOT, twinTestOf(source))));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sources = sourceFiles();
  const missing = sourcesWithoutTwin();
  for (const source of missing) console.log(`${source}  (no ${twinTestOf(source)})`);
  console.log(`${missing.length} of ${sources.length} source files have no twin test`);
}

/**
 * Runs every test file of a folder in this one process (test/core.test.ts and its siblings).
 *
 * Each tap test file is a process, and starting one (Node, tap, the loader, coverage) costs about
 * 1.5 CPU-s, where most pure tests take a few milliseconds; the pure layers have about a hundred such
 * files. Their files use the root `t` as always; imported one after the other here, their tests run in
 * that order on the same root, under a comment naming the file. A file can still run alone:
 * `npx tap test/core/mac.test.ts`. Only folders whose tests keep to themselves (no process-wide
 * setting changed, no root hook) are run this way.
 */
import t from 'tap';
import { readdirSync } from 'node:fs';

const TEST_FILE = /\.test\.tsx?$/;

export async function runTestFolder(folder: URL): Promise<void> {
  const files = readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((name) => TEST_FILE.test(name))
    .sort();
  if (files.length === 0) throw new Error(`no test file in ${folder.pathname}`);
  for (const name of files) {
    t.comment(name);
    await import(new URL(name, folder).href);
  }
}

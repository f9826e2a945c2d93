// tap's coverage map (package.json "tap"."coverage-map"): which source files a test file's run counts
// towards. A source file with a twin test (src/X/y.ts ↔ test/X/y.test.ts) is measured by that test
// alone, so code only other tests happen to run shows as uncovered there. A source file without a twin
// is measured by every test that runs it (end-to-end, daemon scenarios, CLI runs), so its behaviour
// tests still count; `npm run coverage:twins` lists those files. (Returning null would make a test
// count for nothing, and [] for everything it loads.)
import { sourcesWithoutTwin, twinSourceOf, twinSourcesOfSuite } from '../scripts/twin-tests.mjs';

const withoutTwin = sourcesWithoutTwin();

export default function coverageMap(testFile) {
  const file = testFile.split('\\').join('/');
  // A folder suite (test/core.test.ts runs all of test/core/ in one process) counts for its files' twins.
  const suite = twinSourcesOfSuite(file);
  if (suite) return [...suite, ...withoutTwin];
  const twin = twinSourceOf(file);
  return twin ? [twin, ...withoutTwin] : withoutTwin;
}

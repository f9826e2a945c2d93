// tap's coverage map (package.json "tap"."coverage-map"): which source files a test file's run counts
// towards. A source file with a twin test (src/X/y.ts ↔ test/X/y.test.ts) is measured by that test
// alone, so code only other tests happen to run shows as uncovered there. A source file without a twin
// is measured by every test that runs it (end-to-end, daemon scenarios, CLI runs), so its behaviour
// tests still count; `npm run coverage:twins` lists those files. (Returning null would make a test
// count for nothing, and [] for everything it loads.)
import { sourcesWithoutTwin, twinSourceOf } from '../scripts/twin-tests.mjs';

const withoutTwin = sourcesWithoutTwin();

export default function coverageMap(testFile) {
  const twin = twinSourceOf(testFile.split('\\').join('/'));
  return twin ? [twin, ...withoutTwin] : withoutTwin;
}

/** The tests of test/tui/ in one process (support/test-folder.ts); `npx tap test/tui/<f>` runs one. */
import { runTestFolder } from './support/test-folder.js';

await runTestFolder(new URL('./tui/', import.meta.url));

/** The tests of test/cli/ in one process (support/test-folder.ts); `npx tap test/cli/<f>` runs one. */
import { runTestFolder } from './support/test-folder.js';

await runTestFolder(new URL('./cli/', import.meta.url));

/** The tests of test/core/ in one process (support/test-folder.ts); `npx tap test/core/<f>` runs one. */
import { runTestFolder } from './support/test-folder.js';

await runTestFolder(new URL('./core/', import.meta.url));

/** The tests of test/daemon/ivr/ in one process (support/test-folder.ts); `npx tap test/daemon/ivr/<f>` runs one. */
import { runTestFolder } from '../support/test-folder.js';

await runTestFolder(new URL('./ivr/', import.meta.url));

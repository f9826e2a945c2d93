/** The tests of test/provisioning/ in one process (support/test-folder.ts); `npx tap test/provisioning/<f>` runs 1. */
import { runTestFolder } from './support/test-folder.js';

await runTestFolder(new URL('./provisioning/', import.meta.url));

/** The tests of test/daemon/http/ in one process (support/test-folder.ts); `npx tap test/daemon/http/<f>` runs one. */
import { runTestFolder } from '../support/test-folder.js';

await runTestFolder(new URL('./http/', import.meta.url));

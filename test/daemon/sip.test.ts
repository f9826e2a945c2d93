/** The tests of test/daemon/sip/ in one process (support/test-folder.ts); `npx tap test/daemon/sip/<f>` runs one. */
import { runTestFolder } from '../support/test-folder.js';

await runTestFolder(new URL('./sip/', import.meta.url));

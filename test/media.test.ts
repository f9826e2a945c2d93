/** The tests of test/media/ in one process (support/test-folder.ts); `npx tap test/media/<f>` runs one. */
import { runTestFolder } from './support/test-folder.js';

await runTestFolder(new URL('./media/', import.meta.url));

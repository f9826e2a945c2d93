/** The tests of test/store/ in one process (support/test-folder.ts); `npx tap test/store/<f>` runs one. */
import { runTestFolder } from './support/test-folder.js';

await runTestFolder(new URL('./store/', import.meta.url));

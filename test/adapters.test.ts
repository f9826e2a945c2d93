/** The tests of test/adapters/ in one process (support/test-folder.ts); `npx tap test/adapters/<f>` runs one. */
import { runTestFolder } from './support/test-folder.js';

await runTestFolder(new URL('./adapters/', import.meta.url));

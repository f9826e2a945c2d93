// Runs TypeScript sources (src, test, bench) in Node 20 without a build: `node --import
// ./scripts/ts-loader/register.mjs file.ts`. tap's own TypeScript plugin loads the TypeScript
// compiler into every test process (about 1.2 CPU-s each, before the test runs a line); this
// hands each .ts/.tsx file to SWC alone, as ts-node's `swc` mode did, with an inline source map
// for stack traces and coverage. The tap config in package.json turns the plugin's loader off
// ("test-env": TAP_TYPE_STRIP_ONLY=1) and names this one ("node-arg").
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);

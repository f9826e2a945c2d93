// Module hooks for register.mjs (they run on Node's loader thread).
//
// resolve: the sources import each other as `./x.js` (TypeScript's NodeNext rule: name the file
// the build will write); before the build, `./x.ts` or `./x.tsx` is that file.
// load: a .ts or .tsx file is compiled by SWC, types removed, JSX for React's automatic runtime,
// ES2022 as tsconfig.json says. Every file is an ES module (package.json "type": "module";
// the project has no .cts or .mts file).
import { fileURLToPath } from 'node:url';
import { transform } from '@swc/core';

const EMITTED = /\.js$/;
const SOURCE = /\.tsx?$/;

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const relative = specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('file:');
    if (!relative || !EMITTED.test(specifier) || error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    for (const extension of ['.ts', '.tsx']) {
      try {
        return await nextResolve(specifier.replace(EMITTED, extension), context);
      } catch {
        // try the next extension; the first error is the one to report
      }
    }
    throw error;
  }
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !SOURCE.test(url)) return nextLoad(url, context);
  // The source through the rest of the chain (tap's coverage hook records each file it sees).
  const loaded = await nextLoad(url, { ...context, format: 'module' });
  const filename = fileURLToPath(url);
  const { code } = await transform(String(loaded.source), {
    filename,
    sourceMaps: 'inline',
    module: { type: 'es6' },
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', tsx: url.endsWith('.tsx') },
      transform: { react: { runtime: 'automatic' } },
    },
  });
  return { format: 'module', source: code, shortCircuit: true };
}

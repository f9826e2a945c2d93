/**
 * Holds the house plan's import table (ARCHITECTURE.md, "Who may import whom")
 * by reading every import in src/. Type-only imports are free; the CLI reaches
 * the TUI only through dynamic import().
 */
import t from 'tap';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';

const SRC = resolve(import.meta.dirname, '../src');
/** npm packages that are pure (no I/O) and so allowed in the pure layers. */
const PURE_NPM = new Set(['zod', 'sdp-transform', 'eta']);
/** Adapters that open network servers: never from the CLI. */
const NETWORK_ADAPTERS = [
  'adapters/sip-stack',
  'adapters/sip-transport',
  'adapters/rtp-socket',
  'adapters/http-server',
];

interface Import {
  file: string;
  target: string;
  dynamic: boolean;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const found: Import[] = [];
  const fromFile = relative(SRC, file);
  for (const match of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
    if (match[2]) continue;
    found.push({ file: fromFile, target: match[3]!, dynamic: false });
  }
  for (const match of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm))
    found.push({ file: fromFile, target: match[1]!, dynamic: false });
  for (const match of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g))
    found.push({ file: fromFile, target: match[1]!, dynamic: true });
  return found;
}

/** 'core' | 'sip' | … for a path relative to src, or `npm:<name>` / `node:` for packages. */
function layerOf(fromFile: string, target: string): { layer: string; module: string } {
  if (target.startsWith('node:')) return { layer: 'node', module: target };
  if (!target.startsWith('.')) {
    const name = target.startsWith('@') ? target.split('/').slice(0, 2).join('/') : target.split('/')[0]!;
    return { layer: `npm`, module: name };
  }
  const path = relative(SRC, resolve(SRC, dirname(fromFile), target)).replace(/\.js$/, '');
  return { layer: path.split('/')[0]!, module: path };
}

type Rule = (to: { layer: string; module: string }, imp: Import) => string | undefined;

const only =
  (allowed: string[], npm: (name: string) => boolean = () => false): Rule =>
  (to) => {
    if (to.layer === 'node') return 'node:* is I/O';
    if (to.layer === 'npm') return npm(to.module) ? undefined : `npm package ${to.module}`;
    return allowed.includes(to.layer) ? undefined : `layer ${to.layer}`;
  };

const RULES: Record<string, Rule> = {
  core: only(['core']),
  sip: only(['core', 'sip'], (name) => PURE_NPM.has(name)),
  provisioning: only(['core', 'provisioning'], (name) => PURE_NPM.has(name)),
  media: only(['core', 'media'], (name) => PURE_NPM.has(name)),
  store: only(['core', 'store'], (name) => PURE_NPM.has(name)),
  adapters: (to) => (['daemon', 'cli', 'tui'].includes(to.layer) ? `layer ${to.layer}` : undefined),
  daemon: (to) => (['cli', 'tui'].includes(to.layer) ? `layer ${to.layer}` : undefined),
  cli: (to, imp) => {
    if (to.layer === 'tui') return imp.dynamic ? undefined : 'the TUI is loaded lazily (dynamic import)';
    if (['daemon', 'sip', 'provisioning', 'media'].includes(to.layer)) return `layer ${to.layer}`;
    if (NETWORK_ADAPTERS.includes(to.module)) return `network adapter ${to.module}`;
    return undefined;
  },
  tui: (to) => {
    if (to.layer === 'npm') return ['ink', 'react'].includes(to.module) ? undefined : `npm package ${to.module}`;
    return only(['core', 'store', 'tui'])(to, { file: '', target: '', dynamic: false });
  },
  types: () => undefined,
};

const all = files(SRC).flatMap(importsOf);
t.ok(all.length > 50, `read the imports of src/ (${all.length})`);

const violations = all.flatMap((imp) => {
  const layer = imp.file.split('/')[0]!;
  const rule = RULES[layer];
  if (!rule) return [`${imp.file}: unknown layer ${layer}`];
  const problem = rule(layerOf(imp.file, imp.target), imp);
  return problem ? [`${imp.file} imports ${imp.target}: ${problem}`] : [];
});
t.same(violations, [], 'every import follows the layer table');

t.test('the rules catch what they should', async (t) => {
  const check = (file: string, target: string, dynamic = false) =>
    RULES[file.split('/')[0]!]!(layerOf(file, target), { file, target, dynamic });
  t.ok(check('core/x.ts', 'node:fs'));
  t.ok(check('core/x.ts', '../store/schema.js'));
  t.ok(check('store/x.ts', '../adapters/json-store.js'));
  t.notOk(check('store/x.ts', 'zod'));
  t.ok(check('sip/x.ts', 'node:crypto'));
  t.ok(check('cli/x.ts', '../adapters/sip-stack.js'));
  t.ok(check('cli/x.ts', '../tui/run.js'));
  t.notOk(check('cli/x.ts', '../tui/run.js', true));
  t.ok(check('tui/x.tsx', '../adapters/json-store.js'));
  t.ok(check('adapters/x.ts', '../daemon/main.js'));
});

t.test('nothing runs on import: no top-level calls in src/ but declarations', async (t) => {
  for (const file of files(SRC)) {
    const text = readFileSync(file, 'utf8');
    t.notMatch(text, /^(await |process\.|void main|main\()/m, `${relative(SRC, file)} starts nothing at import`);
  }
});

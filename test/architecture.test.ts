/**
 * Holds the house plan's import table (ARCHITECTURE.md, "Who may import whom")
 * by reading every import in src/. The CLI reaches the TUI only through dynamic
 * import(). Type-only imports follow the same table, except where it allows only
 * types (TYPES_ONLY): there an import that brings only types must say so with
 * `import type` (with verbatimModuleSyntax, `import { type X }` still loads the
 * module). And no file imports, through others, a file that imports it (a cycle).
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
  /** `import type …` / `export type … from`: erased, nothing loaded at run time. */
  typeOnly?: boolean;
  /** `import { type A, type B }`: only types, yet the module is loaded. */
  onlyTypes?: boolean;
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
  for (const match of text.matchAll(/^\s*(import|export)\s+(type\s+)?([^'"]*?)from\s+['"]([^'"]+)['"]/gm)) {
    const names = /^\{([^}]*)\}\s*$/
      .exec(match[3]!.trim())?.[1]
      ?.split(',')
      .map((name) => name.trim());
    const onlyTypes = names !== undefined && names.filter(Boolean).every((name) => name.startsWith('type '));
    found.push({ file: fromFile, target: match[4]!, dynamic: false, typeOnly: Boolean(match[2]), onlyTypes });
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

/** Where the table allows only types: the CLI names the TUI's props; the TUI names the CLI's output port. */
const TYPES_ONLY: Record<string, (to: { layer: string; module: string }) => boolean> = {
  cli: (to) => to.layer === 'tui',
  tui: (to) => to.module === 'cli/output',
};

function problemOf(imp: Import): string | undefined {
  const layer = imp.file.split('/')[0]!;
  const rule = RULES[layer];
  if (!rule) return `unknown layer ${layer}`;
  const to = layerOf(imp.file, imp.target);
  const typesOnly = TYPES_ONLY[layer]?.(to) === true;
  if (imp.typeOnly && typesOnly) return undefined;
  const problem = rule(to, imp);
  if (problem && typesOnly && imp.onlyTypes) return `${problem} (it brings only types: write \`import type\`)`;
  return problem;
}

const all = files(SRC).flatMap(importsOf);
t.ok(all.length > 50, `read the imports of src/ (${all.length})`);
t.ok(
  all.some((imp) => imp.typeOnly),
  'type-only imports are read too',
);

const violations = all.flatMap((imp) => {
  const problem = problemOf(imp);
  return problem ? [`${imp.file} imports ${imp.target}${imp.typeOnly ? ' (types)' : ''}: ${problem}`] : [];
});
t.same(violations, [], 'every import, type-only ones too, follows the layer table');

/** The file (relative to src, with its extension) an import points at, or undefined for packages. */
function resolveImport(imp: Import, known: ReadonlySet<string>): string | undefined {
  if (!imp.target.startsWith('.')) return undefined;
  const path = relative(SRC, resolve(SRC, dirname(imp.file), imp.target)).replace(/\.js$/, '');
  return [`${path}.ts`, `${path}.tsx`, `${path}/index.ts`].find((candidate) => known.has(candidate));
}

/** The import cycles of a graph (file → files it imports), each as `a -> b -> a`, by depth-first search. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const cycles: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next].join(' -> '));
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

t.test('no import cycle among src files (type-only imports count)', async (t) => {
  const known = new Set(files(SRC).map((file) => relative(SRC, file)));
  const graph = new Map<string, string[]>([...known].map((file) => [file, []]));
  for (const imp of all) {
    const target = resolveImport(imp, known);
    if (target) graph.get(imp.file)!.push(target);
  }
  t.ok(
    [...graph.values()].some((targets) => targets.length > 0),
    'the import graph has edges',
  );
  t.same(findCycles(graph), [], 'no cycle');
});

t.test('the cycle search finds cycles and lists them', async (t) => {
  const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));
  t.same(findCycles(graph({ a: ['b'], b: ['c'], c: [] })), []);
  t.same(findCycles(graph({ a: ['b'], b: ['a'] })), ['a -> b -> a']);
  t.same(findCycles(graph({ a: ['b'], b: ['c'], c: ['a'], d: ['d'] })), ['a -> b -> c -> a', 'd -> d']);
  t.same(findCycles(graph({ a: ['b', 'c'], b: ['d'], c: ['d'], d: [] })), [], 'a diamond is no cycle');
});

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
  const typed = (file: string, target: string, how: 'type' | 'inline' | 'value') =>
    problemOf({ file, target, dynamic: false, typeOnly: how === 'type', onlyTypes: how !== 'value' });
  t.ok(typed('core/x.ts', '../adapters/log.js', 'type'), 'a type-only import follows the table too');
  t.ok(typed('store/x.ts', 'node:fs', 'type'));
  t.notOk(typed('cli/x.ts', '../tui/run.js', 'type'), 'the CLI may name the TUI’s types');
  t.match(typed('cli/x.ts', '../tui/run.js', 'inline'), /write `import type`/, '… with import type');
  t.ok(typed('cli/x.ts', '../tui/run.js', 'value'));
  t.notOk(typed('tui/x.tsx', '../cli/output.js', 'type'), 'the TUI may name the CLI’s output port');
  t.ok(typed('tui/x.tsx', '../cli/program.js', 'type'), 'but nothing else of the CLI');
  t.match(typed('tui/x.tsx', '../cli/output.js', 'inline'), /write `import type`/);
});

t.test('nothing runs on import: no top-level calls in src/ but declarations', async (t) => {
  for (const file of files(SRC)) {
    const text = readFileSync(file, 'utf8');
    t.notMatch(text, /^(await |process\.|void main|main\()/m, `${relative(SRC, file)} starts nothing at import`);
  }
});

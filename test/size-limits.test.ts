/**
 * The daemon stays readable: no file in src/daemon/ over 300 lines and no function
 * there (a factory included) over 80 lines. Lines are counted from the source as
 * formatted; functions with the TypeScript parser.
 */
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { ROOT } from './support/run-cli.js';

const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 80;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Each function-like node with a body longer than `max` lines, as `name (lines) at line`. */
function longFunctions(fileName: string, text: string, max: number): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      const last = source.getLineAndCharacterOfPosition(node.end).line + 1;
      const lines = last - first + 1;
      if (lines > max) found.push(`function at line ${first} (${lines} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

t.test('the counter sees a long function and lets a short one be', async (t) => {
  const body = Array.from({ length: 5 }, (_, i) => `  const a${i} = ${i};`).join('\n');
  t.same(longFunctions('x.ts', `function f() {\n${body}\n}\n`, 6), ['function at line 1 (7 lines)']);
  t.same(longFunctions('x.ts', `const g = () => {\n${body}\n};\n`, 7), []);
});

t.test(
  `src/daemon: files of at most ${MAX_FILE_LINES} lines, functions of at most ${MAX_FUNCTION_LINES}`,
  async (t) => {
    const files = sourceFiles(join(ROOT, 'src', 'daemon'));
    t.ok(files.length > 20, 'the daemon files are found');
    const tooLong: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const name = relative(ROOT, file);
      const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
      if (lines > MAX_FILE_LINES) tooLong.push(`${name}: ${lines} lines`);
      for (const long of longFunctions(name, text, MAX_FUNCTION_LINES)) tooLong.push(`${name}: ${long}`);
    }
    t.same(tooLong, [], 'split what is listed by job');
  },
);

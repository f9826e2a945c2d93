/**
 * Renders a configuration template (text passed in; reading files is the adapter's
 * job) for a view. The engine (eta) stays behind this function:
 * - every `<%= … %>` is escaped for the vendor's format (escape.ts);
 * - templates see the view's fields, `it.file` and `it.spelled` (the vendor spelling);
 * - an error never throws: it comes back with the template line, so a caller can fall
 *   back from an admin override to the shipped template.
 *
 * Template syntax: `<%= value %>` escaped output, `<% code -%>` control flow (the `-`
 * eats the newline after the tag). `<%~ … %>` (unescaped) exists in the engine but no
 * shipped template uses it. Escaping covers element text and attribute values, not XML
 * comments. Line ends come out as LF whatever the template file uses. A Yealink result
 * whose first line is not exactly `#!version:1.0.0.1` is an error (line 1).
 *
 * Templates are trusted code: an admin override in data/templates/ runs as JavaScript
 * inside hotdeskd, with the daemon's rights, like any other file the admin controls.
 * `include` of other templates is not set up.
 */
import { Eta, EtaParseError, EtaRuntimeError } from 'eta/core';
import { VENDOR_FORMAT, type ConfigFile, type ConfigFormat } from './config-files.js';
import { ESCAPE } from './escape.js';
import { spellView } from './spell-view.js';
import type { ConfigView } from './view-model.js';

/** Yealink's mandatory first line (docs/phones.md §1.1). */
export const YEALINK_FIRST_LINE = '#!version:1.0.0.1';

export interface RenderOptions {
  file: ConfigFile;
}

export interface TemplateError {
  /** 1-based line of the template, when it could be told. */
  line?: number;
  message: string;
}

export type RenderResult = { ok: true; text: string } | { ok: false; error: TemplateError };

/** The values a template sees as `it`. */
export type TemplateData = ConfigView & { file: ConfigFile; spelled: ReturnType<typeof spellView> };

type AstItem = ReturnType<Eta['parse']>[number];

function engine(format: ConfigFormat): Eta {
  return new Eta({
    autoEscape: true,
    escapeFunction: ESCAPE[format],
    autoTrim: false,
    useWith: false,
    varName: 'it',
    debug: true,
    cache: false,
  });
}

function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0] ?? '';
}

/** The line of the nearest tag at or before `index`, else after it. */
function lineOfItem(ast: readonly AstItem[], index: number): number | undefined {
  for (let i = Math.min(index, ast.length - 1); i >= 0; i--) {
    const item = ast[i];
    if (typeof item !== 'string' && item?.lineNo) return item.lineNo;
  }
  const next = ast.find((item) => typeof item !== 'string' && item.lineNo);
  return typeof next === 'object' ? next.lineNo : undefined;
}

/** Compiles without calling (the engine does the same with the whole template). */
function compileError(body: string): string | undefined {
  try {
    new Function('it', 'options', body);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * The JavaScript inside the tags does not compile, and V8 does not say where. So
 * compile growing prefixes of the template. A prefix ending in an open block fails
 * too, so each failing prefix is compiled once more followed by an unterminated
 * comment: if the parser then complains about that comment (the same message as
 * for an empty body + comment), nothing went wrong before the end and the prefix is
 * merely incomplete; any other complaint is the culprit, at the prefix's last tag.
 * If no prefix has a culprit, the trouble starts at the tag after the last complete
 * prefix (typically a block it opens is never closed).
 */
function locateSyntaxError(eta: Eta, template: string, fallback: string): TemplateError {
  let ast: AstItem[];
  try {
    ast = eta.parse(template);
  } catch {
    return { message: fallback };
  }
  const endOfInput = compileError('\n/*');
  let lastComplete = -1;
  for (let k = 0; k < ast.length; k++) {
    const body = eta.compileBody(ast.slice(0, k + 1));
    if (compileError(body) === undefined) {
      lastComplete = k;
      continue;
    }
    const problem = compileError(`${body}\n/*`);
    if (problem !== endOfInput) return withLine(lineOfItem(ast, k), problem ?? fallback);
  }
  const opener = ast.findIndex((item, index) => index > lastComplete && typeof item !== 'string');
  return withLine(
    opener >= 0 ? lineOfItem(ast, opener) : undefined,
    `the code from this tag on does not compile (a block left open?): ${fallback}`,
  );
}

function withLine(line: number | undefined, message: string): TemplateError {
  return line === undefined ? { message } : { line, message };
}

function parseError(eta: Eta, template: string, error: EtaParseError): TemplateError {
  const bad = /^Bad template syntax\s+([^\n]*)/.exec(error.message);
  if (bad) return locateSyntaxError(eta, template, bad[1]!);
  const at = /^(.*?) at line (\d+) col \d+/.exec(error.message);
  return at ? { line: Number(at[2]), message: at[1]! } : { message: firstLine(error.message) };
}

function runtimeError(error: EtaRuntimeError): TemplateError {
  const line = /^line (\d+)$/m.exec(firstLine(error.message));
  // The engine keeps what the template threw as `cause`; its own message adds a code excerpt.
  const { cause } = error;
  const message =
    cause instanceof Error
      ? cause.message
      : cause !== undefined
        ? String(cause)
        : (error.message.split('\n\n').pop() ?? error.message);
  return withLine(line ? Number(line[1]) : undefined, message);
}

function describe(error: unknown): string {
  return error instanceof Error ? firstLine(error.message) : String(error);
}

export function renderConfig(templateText: string, view: ConfigView, options: RenderOptions): RenderResult {
  const format = VENDOR_FORMAT[view.vendor];
  const eta = engine(format);
  let compiled: ReturnType<Eta['compile']>;
  try {
    compiled = eta.compile(templateText);
  } catch (error) {
    return {
      ok: false,
      error: error instanceof EtaParseError ? parseError(eta, templateText, error) : { message: describe(error) },
    };
  }
  const data: TemplateData = { ...view, file: options.file, spelled: spellView(view) };
  let text: string;
  try {
    text = eta.render(compiled, data);
  } catch (error) {
    return { ok: false, error: error instanceof EtaRuntimeError ? runtimeError(error) : { message: describe(error) } };
  }
  if (format === 'key-value' && firstLine(text) !== YEALINK_FIRST_LINE) {
    return { ok: false, error: { line: 1, message: `the first line must be exactly ${YEALINK_FIRST_LINE}` } };
  }
  return { ok: true, text };
}

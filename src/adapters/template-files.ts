/**
 * Reading configuration templates: the admin overrides in the data directory's
 * templates/ and the shipped templates/. Names come from templateCandidates
 * (`yealink/t54w.phone.cfg`); anything else is refused before the file system
 * is asked. Read on every request, so an edited override takes effect at once.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface TemplateFile {
  /** Full path, for logs. */
  path: string;
  text: string;
}

/** `<vendor>/<name>.<cfg|xml>`: lowercase letters, digits, dots and dashes, no dot first. */
const TEMPLATE_NAME = /^[a-z]+\/[a-z0-9][a-z0-9.-]*\.(cfg|xml)$/;
/** Templates are a few KiB; a huge file is a mistake, not a template. */
export const MAX_TEMPLATE_BYTES = 256 * 1024;

export type TemplateRead =
  { kind: 'found'; file: TemplateFile } | { kind: 'missing' } | { kind: 'unreadable'; path: string; problem: string };

export async function readTemplate(dir: string, name: string): Promise<TemplateRead> {
  if (!TEMPLATE_NAME.test(name) || name.includes('..')) return { kind: 'missing' };
  const path = join(dir, name);
  try {
    const bytes = await readFile(path);
    if (bytes.length > MAX_TEMPLATE_BYTES)
      return { kind: 'unreadable', path, problem: `larger than ${MAX_TEMPLATE_BYTES} bytes` };
    return { kind: 'found', file: { path, text: bytes.toString('utf8') } };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    return { kind: 'unreadable', path, problem: code ?? (error as Error).message };
  }
}

/**
 * Renders a provisioning file from the first template that renders: data/templates overrides
 * before the shipped templates, per-model before vendor base. A template error is logged with
 * its file and line, and the next template is used.
 */
import type { Logger } from '../../adapters/log.js';
import { readTemplate } from '../../adapters/template-files.js';
import { renderConfig } from '../../provisioning/render.js';
import type { ConfigView } from '../../provisioning/view-model.js';
import type { Serve } from './provisioning-view.js';

export interface TemplatePlaces {
  /** The shipped templates. */
  templatesDir: string;
  /** Admin overrides, searched first. */
  overridesDir?: string;
  log: Logger;
  /** Called once per template that failed to render. */
  onTemplateError: () => void;
}

export type RenderedFile = { text: string } | 'missing' | 'failed';

/** The first template that renders: overrides before shipped, per-model before vendor base. */
export async function renderFirstTemplate(
  places: TemplatePlaces,
  serve: Serve,
  view: ConfigView,
): Promise<RenderedFile> {
  const { log } = places;
  const dirs = [
    ...(places.overridesDir ? [{ dir: places.overridesDir, override: true }] : []),
    { dir: places.templatesDir, override: false },
  ];
  let failed = false;
  for (const { dir, override } of dirs) {
    for (const name of serve.templates) {
      const read = await readTemplate(dir, name);
      if (read.kind === 'missing') continue;
      if (read.kind === 'unreadable') {
        log.warn(
          { template: read.path, problem: read.problem },
          'cannot read provisioning template; trying the next one',
        );
        continue;
      }
      const result = renderConfig(read.file.text, view, { file: serve.file });
      if (result.ok) return { text: result.text };
      failed = true;
      places.onTemplateError();
      const where = { template: read.file.path, line: result.error.line ?? null, error: result.error.message };
      if (override)
        log.warn(where, 'template error in an admin override; using the next template (the shipped one if no other)');
      else log.error(where, 'template error in a shipped template');
    }
  }
  return failed ? 'failed' : 'missing';
}

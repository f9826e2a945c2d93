/**
 * SIGHUP: hotdeskd takes up again what it keeps in memory from files, without
 * stopping, dropping a socket or a call.
 *
 * - The store file: hotdeskd is its only writer and works from a copy in
 *   memory, so an edit made to data/hotdesk.json by hand (with hotdeskd running)
 *   is adopted only now, and overwritten by the next change if it is not. A
 *   file that does not read well is refused; the running copy is kept.
 * - The prompts: recorded prompts under data/prompts/ are read at start; read
 *   them again (a bad recording is logged and the shipped one plays).
 * - Templates (shipped and data/templates/) are read on every request and need
 *   no reload; the phone models (templates/<vendor>/models.json) and the
 *   command-line flags are read at start only.
 */
import type { Logger } from '../adapters/log.js';
import { readStore, StoreFileError } from '../adapters/json-store.js';
import type { PromptLibrary } from '../adapters/prompt-files.js';
import type { StoreData } from '../store/schema.js';
import type { StoreService } from './store-service.js';
import type { WritePath } from './write-path.js';

/** What one reload did, as logged. */
export interface ReloadReport {
  /** `store` when the file differed from the running copy and was adopted, `prompts` when they were read again. */
  reloaded: string[];
  /** Top-level parts of the store (and `settings.<name>`) that the file changed. */
  storeChanges: string[];
  /** What could not be reloaded, and why; the running copy stays. */
  problems: string[];
  /** Changes that take effect only at the next start. */
  restartNeeded: string[];
}

/**
 * Where `after` differs from `before`: `settings.<name>` for each changed
 * setting, the top-level member name for everything else. Pure.
 */
export function describeStoreChanges(before: StoreData, after: StoreData): string[] {
  const changed: string[] = [];
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  const keys = <T extends object>(a: T, b: T): string[] => [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const key of keys(before, after)) {
    const a = (before as unknown as Record<string, unknown>)[key];
    const b = (after as unknown as Record<string, unknown>)[key];
    if (key === 'settings') {
      for (const name of keys(before.settings, after.settings)) {
        if (
          !same((before.settings as Record<string, unknown>)[name], (after.settings as Record<string, unknown>)[name])
        )
          changed.push(`settings.${name}`);
      }
    } else if (!same(a, b)) changed.push(key);
  }
  return changed;
}

/** A prompt library whose contents can be replaced while calls hold on to it. */
export interface ReloadablePrompts {
  readonly library: PromptLibrary;
  reload(): Promise<void>;
}

/** Wraps `load` (which rejects when the shipped prompts are unusable): the library answers from the latest good load. */
export async function loadReloadablePrompts(load: () => Promise<PromptLibrary>): Promise<ReloadablePrompts> {
  let current = await load();
  return {
    library: {
      audio: (language, name) => current.audio(language, name),
      sequence: (language, names) => current.sequence(language, names),
    },
    async reload() {
      current = await load();
    },
  };
}

export interface ReloaderOptions {
  storeFile: string;
  /** Read from; written only through `apply`. */
  store: StoreService;
  /** The daemon's write path (write-path.ts): adopting the file yields a `reconcile` effect. */
  apply: WritePath['apply'];
  log: Logger;
  prompts?: ReloadablePrompts;
  /**
   * Settings the running services took at start: `address` when it became the
   * address SIP and HTTP announce, `httpPort`/`sipPort` when HTTP/SIP listens on the store's port.
   */
  fixedAtStart?: { address?: string; httpPort?: number; sipPort?: number };
}

/** How often the store is read again when hotdeskd itself wrote in the meantime. */
const STORE_ATTEMPTS = 5;

/** Notes the settings the running services keep from start and the fresh file changed. */
function noteRestartNeeded(options: ReloaderOptions, fresh: StoreData, report: ReloadReport): void {
  const { address, httpPort, sipPort } = options.fixedAtStart ?? {};
  if (address !== undefined && fresh.settings.address !== address) {
    report.restartNeeded.push(`settings.address: SIP and HTTP keep announcing ${address} until hotdeskd restarts`);
  }
  if (httpPort !== undefined && fresh.settings.httpPort !== httpPort) {
    report.restartNeeded.push(
      `settings.httpPort: provisioning keeps listening on port ${httpPort} until hotdeskd restarts`,
    );
  }
  if (sipPort !== undefined && fresh.settings.sipPort !== sipPort) {
    report.restartNeeded.push(`settings.sipPort: SIP keeps listening on port ${sipPort} until hotdeskd restarts`);
  }
}

async function reloadStore(options: ReloaderOptions, report: ReloadReport): Promise<void> {
  const { store } = options;
  for (let attempt = 0; attempt < STORE_ATTEMPTS; attempt++) {
    await store.flush();
    const running = store.data;
    let fresh: StoreData | undefined;
    try {
      fresh = await readStore(options.storeFile);
    } catch (error) {
      const problem = error instanceof StoreFileError ? error.problem : (error as Error).message;
      report.problems.push(
        `store file ${options.storeFile}: ${problem}; the running copy is kept (fix the file and reload again, or the next change writes the running copy over it)`,
      );
      return;
    }
    if (!fresh) {
      // Gone (deleted by hand): write the running copy back rather than lose it at the next change.
      await options.apply({ kind: 'write-back' });
      report.problems.push(`store file ${options.storeFile} was missing; the running copy was written back`);
      return;
    }
    const changes = describeStoreChanges(running, fresh);
    if (changes.length === 0) return;
    const adopted = await options.apply({ kind: 'adopt-file', read: running, fresh });
    if (!adopted.ok || !adopted.changed) continue; // hotdeskd wrote in between (a registration): read the file again.
    report.reloaded.push('store');
    report.storeChanges.push(...changes);
    noteRestartNeeded(options, fresh, report);
    return;
  }
  report.problems.push('store file: hotdeskd kept writing while it was read; try again');
}

async function reloadOnce(options: ReloaderOptions): Promise<ReloadReport> {
  const { log } = options;
  const report: ReloadReport = { reloaded: [], storeChanges: [], problems: [], restartNeeded: [] };
  try {
    await reloadStore(options, report);
  } catch (error) {
    report.problems.push(`store file ${options.storeFile}: ${(error as Error).message}`);
  }
  if (options.prompts) {
    try {
      await options.prompts.reload();
      report.reloaded.push('prompts');
    } catch (error) {
      report.problems.push(`prompts: ${(error as Error).message}; the prompts loaded before are kept`);
    }
  }
  const what = report.reloaded.length > 0 ? report.reloaded.join(', ') : 'nothing changed';
  const fields = { event: 'reload', reloaded: report.reloaded, storeChanges: report.storeChanges };
  log.info(
    fields,
    `reloaded on SIGHUP: ${what}${report.storeChanges.length > 0 ? ` (${report.storeChanges.join(', ')})` : ''}; templates are read on every request`,
  );
  for (const problem of report.problems) log.error({ event: 'reload' }, `reload: ${problem}`);
  for (const note of report.restartNeeded) log.warn({ event: 'reload' }, `reload: ${note}`);
  return report;
}

/**
 * Returns the reload to run on SIGHUP. Reloads never overlap: one asked for
 * while another runs starts when it ends (several become one).
 */
export function createReloader(options: ReloaderOptions): () => Promise<ReloadReport> {
  // One at a time; calls made while one waits to start share it.
  let chain: Promise<unknown> = Promise.resolve();
  let pending: Promise<ReloadReport> | undefined;
  return () => {
    if (!pending) {
      pending = chain.then(() => {
        pending = undefined;
        return reloadOnce(options);
      });
      chain = pending.catch(() => undefined);
    }
    return pending;
  };
}

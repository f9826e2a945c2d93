/** Where things live: the package's own folders and the runtime data directory. */
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

/** The package root (holds templates/, data/, man/), from src/adapters or dist/adapters alike. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const SHIPPED_TEMPLATES = join(PACKAGE_ROOT, 'templates');

/** `--data DIR` beats `HOTDESK_DATA`, which beats the embedded default `data/`. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return resolve(flag ?? env['HOTDESK_DATA'] ?? join(PACKAGE_ROOT, 'data'));
}

export interface DataPaths {
  dir: string;
  store: string;
  lock: string;
  socket: string;
}

export function dataPaths(dir: string): DataPaths {
  return {
    dir,
    store: join(dir, 'hotdesk.json'),
    lock: join(dir, 'hotdeskd.lock'),
    socket: join(dir, 'hotdeskd.sock'),
  };
}

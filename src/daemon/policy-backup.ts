/** One store backup, when backups are on: the store flushed, then copied under the backup directory. */
import { readPolicies } from '../core/policies.js';
import { backupStore } from '../adapters/store-backup.js';
import type { PolicyContext } from './policy-context.js';

export async function runPolicyBackup(context: PolicyContext): Promise<string | undefined> {
  const { store, log, options } = context;
  const policies = readPolicies(store.data.settings.policies);
  if (policies.backupKeep === 0) return undefined;
  await store.flush();
  try {
    const result = await backupStore({
      storeFile: options.storeFile,
      backupDir: options.backupDir,
      now: new Date(context.now()),
      keep: policies.backupKeep,
    });
    log.info({ file: result.file, removed: result.removed.length }, 'store backed up');
    return result.file;
  } catch (error) {
    log.error({ err: error as Error, dir: options.backupDir }, 'store backup failed');
    return undefined;
  }
}

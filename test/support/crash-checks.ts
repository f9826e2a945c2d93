/** What must hold after a writer was killed: the store loads and is consistent, acknowledged changes are in it. */
import type { Test } from 'tap';
import { readFile } from 'node:fs/promises';
import { runCli } from './run-cli.js';
import { loadStoreFile } from './temp-data.js';
import type { DataPaths } from '../../src/adapters/paths.js';

export async function checkStoreAfterCrash(
  t: Test,
  paths: DataPaths,
  acknowledgedMacs: string[],
  label: string,
): Promise<number> {
  const store = await loadStoreFile(paths.store).catch((error: Error) => {
    t.fail(`${label}: the store no longer loads: ${error.message}`);
    throw error;
  });
  t.pass(`${label}: the store file still parses (parseStore)`);
  const listed = await runCli(paths.dir, ['phones', '--json']);
  t.same([listed.code, listed.stderr], [0, ''], `${label}: hotdesk phones --json still works`);

  const macs = new Set(store.phones.map((phone) => phone.mac));
  const lost = acknowledgedMacs.filter((mac) => !macs.has(mac));
  t.same(lost, [], `${label}: every acknowledged add-phone is in the store`);
  t.equal(
    new Set(store.phones.map((phone) => phone.name)).size,
    store.phones.length,
    `${label}: phone names are distinct`,
  );
  t.equal(macs.size, store.phones.length, `${label}: MACs are distinct`);
  const added = store.audit.filter((entry) => entry.kind === 'phone-added');
  t.equal(
    added.length,
    store.phones.length,
    `${label}: one phone-added entry per phone (phone and audit land together)`,
  );
  t.equal(store.nextPhoneNumber, store.phones.length + 1, `${label}: the name counter matches`);
  return store.phones.length;
}

/** The pid in the lock file, or undefined when there is no lock. */
export async function lockHolder(paths: DataPaths): Promise<number | undefined> {
  const text = await readFile(paths.lock, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : Number.parseInt(text, 10);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The "no lost update" check: many `hotdesk add-phone` processes started at
 * once must leave exactly that many phones, names HD0001… all distinct, and
 * one `phone-added` audit entry each.
 */
import type { Test } from 'tap';
import { runCli, runCliProcess, type Finished } from './run-cli.js';
import { loadStoreFile, macFor } from './temp-data.js';
import { phoneName } from '../../src/store/schema.js';
import type { DataPaths } from '../../src/adapters/paths.js';

/** Starts `count` add-phone processes all at once (distinct MACs) and waits for every one. */
export function addPhonesAtOnce(dir: string, count: number): Promise<Finished[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      runCliProcess(dir, ['add-phone', '--model', 'yealink-t54w', '--mac', macFor(i + 1), '--json']),
    ),
  );
}

export async function checkNoLostUpdate(t: Test, paths: DataPaths, results: Finished[], count: number): Promise<void> {
  const failed = results.filter((result) => result.code !== 0 || result.stderr !== '');
  t.same(
    failed.map((result) => [result.code, result.stderr]),
    [],
    'every run succeeded, quietly',
  );
  const expected = Array.from({ length: count }, (_, i) => phoneName(i + 1));
  const answered = results
    .filter((result) => result.code === 0)
    .map((result) => (JSON.parse(result.stdout) as { name: string }).name);
  t.same(
    [...answered].sort(),
    expected,
    `the runs were told the names ${expected[0]}..${expected[count - 1]}, each once`,
  );

  const store = await loadStoreFile(paths.store);
  t.equal(store.phones.length, count, `exactly ${count} phones`);
  t.same(store.phones.map((phone) => phone.name).sort(), expected, 'named HD0001.. without gaps or repeats');
  t.same(
    store.phones.map((phone) => phone.mac).sort(),
    Array.from({ length: count }, (_, i) => macFor(i + 1)).sort(),
    'every MAC is there once',
  );
  const added = store.audit.filter((entry) => entry.kind === 'phone-added');
  t.equal(added.length, count, `exactly ${count} phone-added audit entries`);
  t.same(added.map((entry) => entry.phone).sort(), expected, 'one per phone');
  t.equal(store.nextPhoneNumber, count + 1, 'the counter moved once per phone');
  // Each run was answered with the phone it actually added.
  const byName = new Map(store.phones.map((phone) => [phone.name, phone.mac]));
  const mismatched = results
    .filter((result) => result.code === 0)
    .map((result) => JSON.parse(result.stdout) as { name: string; mac: string })
    .filter((answer) => byName.get(answer.name) !== answer.mac.replace(/:/g, ''));
  t.same(mismatched, [], 'each answer names the phone that run added');

  const listed = await runCli(paths.dir, ['phones', '--json']);
  t.equal(listed.code, 0);
  t.equal((JSON.parse(listed.stdout) as unknown[]).length, count, 'hotdesk phones lists them all');
}

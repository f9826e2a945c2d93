/**
 * The digest algorithms SIP accounts are challenged with, as an admin sets
 * them: office-wide (`settings set digest`) and per extension
 * (`extension set --digest`), stored without re-provisioning any phone.
 */
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { runCli } from '../support/run-cli.js';
import { loadStoreFile, tempData } from '../support/temp-data.js';

t.test('office-wide and per-extension digest choices', async (t) => {
  const paths = await tempData(t);
  const add = await runCli(paths.dir, [
    'extension',
    'add',
    '101',
    '--name',
    'Ada',
    '--password',
    'Analytical-Engine-1843',
    '--pin',
    '461937',
  ]);
  t.equal(add.code, 0, add.stderr);

  const office = await runCli(paths.dir, ['settings', 'set', 'digest', 'sha-256,md5']);
  t.same([office.code, office.stdout, office.stderr], [0, 'settings updated: digest\n', '']);
  const ext = await runCli(paths.dir, ['extension', 'set', '101', '--digest', 'md5']);
  t.same([ext.code, ext.stderr], [0, '']);
  let store = await loadStoreFile(paths.store);
  t.same(store.settings.digest, ['SHA-256', 'MD5']);
  t.same(store.extensions[0]!.digest, ['MD5']);

  const shown = await runCli(paths.dir, ['settings']);
  t.match(shown.stdout, /^digest\s+sha-256,md5$/m);

  const back = await runCli(paths.dir, ['extension', 'set', '101', '--digest', 'default']);
  t.equal(back.code, 0, back.stderr);
  store = await loadStoreFile(paths.store);
  t.equal(store.extensions[0]!.digest, undefined, '"default" removes the extension\'s own choice');

  const snapshot = await readFile(paths.store);
  const refused: [string[], RegExp][] = [
    [
      ['settings', 'set', 'digest', 'sha-512'],
      /^hotdesk: digest: "sha-512" is not valid \(expected md5, sha-256,md5 or sha-256\)\n$/,
    ],
    [['settings', 'set', 'digest', 'md5,md5'], /^hotdesk: digest: "md5,md5" is not valid/],
    [
      ['extension', 'set', '101', '--digest', 'sha1'],
      /^hotdesk: digest: "sha1" is not valid \(expected md5, sha-256,md5, sha-256 or default\)\n$/,
    ],
  ];
  for (const [args, stderr] of refused) {
    const result = await runCli(paths.dir, args);
    t.same([result.code, result.stdout], [1, ''], args.join(' '));
    t.match(result.stderr, stderr, args.join(' '));
  }
  t.same(await readFile(paths.store), snapshot, 'refused values leave the store as it was');
});

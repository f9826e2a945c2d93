import t from 'tap';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_TEMPLATE_BYTES, readTemplate } from '../../src/adapters/template-files.js';
import { tempDir } from '../support/temp-data.js';

t.test('reads templateCandidates names, refuses anything else', async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, 'yealink'));
  await writeFile(join(dir, 'yealink', 'phone.cfg'), '#!version:1.0.0.1\n');
  await writeFile(join(dir, 'secret.cfg'), 'no');
  await writeFile(join(dir, 'yealink', 'big.phone.cfg'), 'x'.repeat(MAX_TEMPLATE_BYTES + 1));
  t.same(await readTemplate(dir, 'yealink/phone.cfg'), {
    kind: 'found',
    file: { path: join(dir, 'yealink', 'phone.cfg'), text: '#!version:1.0.0.1\n' },
  });
  t.same(await readTemplate(dir, 'yealink/t54w.phone.cfg'), { kind: 'missing' });
  t.same(await readTemplate(join(dir, 'nowhere'), 'yealink/phone.cfg'), { kind: 'missing' });
  t.match(await readTemplate(dir, 'yealink/big.phone.cfg'), { kind: 'unreadable', problem: /larger than/ });
  for (const name of [
    'secret.cfg',
    'yealink/../secret.cfg',
    '../x/phone.cfg',
    '/etc/passwd',
    'yealink/phone.json',
    'Yealink/phone.cfg',
    'yealink/.phone.cfg',
  ]) {
    t.same(await readTemplate(dir, name), { kind: 'missing' }, name);
  }
});

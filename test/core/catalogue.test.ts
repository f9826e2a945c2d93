import t from 'tap';
import { findModel, sha256Models, suggestModels } from '../../src/core/catalogue.js';
import { loadCatalogue } from '../../src/adapters/catalogue-files.js';
import { CATALOGUE } from '../support/office.js';

t.equal(findModel(CATALOGUE, ' Yealink-T54W ')?.name, 'T54W');
t.equal(findModel(CATALOGUE, 'yealink-t99'), undefined);
t.same(suggestModels(CATALOGUE, 'yealink-t54').slice(0, 1), ['yealink-t54w']);
t.same(suggestModels(CATALOGUE, 'T54W').slice(0, 1), ['yealink-t54w'], 'the vendor may be left out');
t.same(suggestModels(CATALOGUE, 'vvx 250'), ['poly-vvx250']);
t.same(suggestModels(CATALOGUE, ''), []);
t.same(suggestModels(CATALOGUE, 'completely-different-thing'), []);

t.test('the shipped catalogue', async (t) => {
  const catalogue = loadCatalogue();
  const ids = catalogue.map((model) => model.id);
  t.equal(new Set(ids).size, ids.length, 'ids are unique');
  for (const id of ['yealink-t54w', 'poly-vvx450', 'snom-d785', 'grandstream-grp2614', 'fanvil-x6u']) {
    t.ok(findModel(catalogue, id), `${id} is eligible`);
  }
  for (const vendor of ['yealink', 'poly', 'snom', 'grandstream', 'fanvil']) {
    t.ok(
      catalogue.some((model) => model.vendor === vendor),
      `${vendor} has models`,
    );
  }
  t.equal(findModel(catalogue, 'yealink-t46u')?.keys, 27);
  t.ok(catalogue.every((model) => model.keys >= 1));
});

t.test('a broken catalogue file is named', async (t) => {
  const dir = t.testdir({
    yealink: { 'models.json': JSON.stringify({ vendor: 'yealink', models: [{ id: 'poly-x', name: 'X', keys: 2 }] }) },
  });
  t.throws(() => loadCatalogue(dir), /must start with yealink-|ENOENT/);
});

t.test('vendor facts in the catalogue survive loading', async (t) => {
  const catalogue = loadCatalogue();
  t.equal(findModel(catalogue, 'yealink-t54w')?.commonFile, 'y000000000096.cfg');
  t.equal(findModel(catalogue, 'grandstream-grp2614')?.vpk, 16);
});

t.test('SHA-256 digest is a model capability that needs its vendor source', async (t) => {
  const files = (model: Record<string, unknown>) =>
    Object.fromEntries(
      ['yealink', 'poly', 'snom', 'grandstream', 'fanvil'].map((vendor) => [
        vendor,
        {
          'models.json': JSON.stringify({
            vendor,
            models: vendor === 'snom' ? [{ id: 'snom-d1', name: 'D1', keys: 2, ...model }] : [],
          }),
        },
      ]),
    );
  t.throws(() => loadCatalogue(t.testdir(files({ digestSha256: true }))), /digestSha256 needs a digestSource/);
  const loaded = loadCatalogue(t.testdir(files({ digestSha256: true, digestSource: 'Admin guide 10.1, SIP digest' })));
  t.same([...sha256Models(loaded)], ['snom-d1']);
  t.same([...sha256Models(loadCatalogue())], [], 'no shipped model: no vendor was found to document RFC 8760 digest');
});

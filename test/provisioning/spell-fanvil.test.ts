import t from 'tap';
import { pageFanvilKeys, spellFanvil, spellFanvilKeys } from '../../src/provisioning/spell-fanvil.js';
import type { ViewKey } from '../../src/provisioning/view-model.js';
import { phoneView } from '../fixtures/provisioning/office.js';

const keys: ViewKey[] = [
  { slot: 1, kind: 'logout', label: 'Logout', number: '*77*5*' },
  { slot: 2, kind: 'blf', label: 'Bob', number: '202', uri: 'sip:202@pbx' },
  { slot: 3, kind: 'unused' },
];

t.same(spellFanvilKeys(keys), [
  { index: 1, type: 1, value: '*77*5*@1/f', title: 'Logout' },
  { index: 2, type: 1, value: '202@1/ba', title: 'Bob' },
  { index: 3, type: 0, value: '', title: '' },
]);

t.test('X-U numbering: the line-key column, then function-key pages (Wazo wazo_fanvil serie_x)', async (t) => {
  const fkeys = spellFanvilKeys(Array.from({ length: 12 }, (_, at): ViewKey => ({ slot: at + 1, kind: 'unused' })));
  const paged = pageFanvilKeys(fkeys, { lineKeys: 3, keysPerPage: 6 });
  t.same(
    paged.dssSides.map((side) => side.fkeys.map((key) => key.index)),
    [[1, 2, 3]],
    'X4U: three line keys',
  );
  t.same(
    paged.internal.map((page) => [page.index, page.fkeys.map((key) => key.index)]),
    [
      [1, [1, 2, 3, 4, 5, 6]],
      [2, [1, 2, 3]],
    ],
    'then pages of six, numbered from 1 on each page',
  );
  t.equal(paged.funcKeyPageNum, 2);
  t.same(
    pageFanvilKeys(fkeys, undefined),
    { dssSides: [{ index: 1, fkeys }], internal: [], funcKeyPageNum: 0 },
    'other models: every key on dssSide 1',
  );
  const x4u = spellFanvil(phoneView('fanvil', { modelId: 'fanvil-x4u', user: '201' }));
  t.equal(x4u.dssSides[0]!.fkeys[0]!.title, 'Logout', 'Logout on the first line key');
  t.equal(
    x4u.dssSides[0]!.fkeys.length + x4u.internal.reduce((sum, page) => sum + page.fkeys.length, 0),
    12,
    'all 12 keys of the X4U',
  );
});

t.test('phone spelling', async (t) => {
  const lan = spellFanvil(phoneView('fanvil', { user: '201' }));
  t.same(
    { ...lan, dssSides: lan.dssSides.map((side) => `${side.index}:${side.fkeys.length}`) },
    {
      dssSides: ['1:6'],
      internal: [],
      funcKeyPageNum: 0,
      language: 'de',
      flashFileName: 'provisioning/tok-0123456789abcdef/$mac.cfg',
      outboundProxy: { address: '', port: '' },
      transport: 0,
      dtmfMode: 1,
      natUdpUpdate: 0,
    },
  );
  t.same(spellFanvil(phoneView('fanvil', { connection: { mode: 'sbc', sbc: 'sbc.example.net:5062' } })).outboundProxy, {
    address: 'sbc.example.net',
    port: '5062',
  });
  t.equal(spellFanvil(phoneView('fanvil', { connection: { mode: 'direct' } })).natUdpUpdate, 2);
});

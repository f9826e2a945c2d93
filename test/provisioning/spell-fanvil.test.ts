import t from 'tap';
import { spellFanvil, spellFanvilKeys } from '../../src/provisioning/spell-fanvil.js';
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

t.test('phone spelling', async (t) => {
  const lan = spellFanvil(phoneView('fanvil', { user: '201' }));
  t.same(
    { ...lan, dssSides: lan.dssSides.map((side) => `${side.index}:${side.fkeys.length}`) },
    {
      dssSides: ['1:6'],
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

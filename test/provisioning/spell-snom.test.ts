import t from 'tap';
import { spellSnom, spellSnomKeys } from '../../src/provisioning/spell-snom.js';
import type { ViewKey } from '../../src/provisioning/view-model.js';
import { phoneView } from '../fixtures/provisioning/office.js';

const keys: ViewKey[] = [
  { slot: 1, kind: 'logout', label: 'Logout', number: '*77*5*' },
  { slot: 2, kind: 'blf', label: 'Bob', number: '202', uri: 'sip:202@pbx' },
  { slot: 3, kind: 'unused' },
];

t.same(spellSnomKeys(keys), [
  { idx: 0, context: 'active', label: 'Logout', value: 'speed *77*5*' },
  { idx: 1, context: 'active', label: 'Bob', value: 'blf sip:202@pbx' },
  { idx: 2, context: 'active', label: '', value: 'none' },
]);

t.test('phone spelling', async (t) => {
  const lan = spellSnom(phoneView('snom', { user: '201' }));
  t.same(
    { ...lan, fkeys: lan.fkeys.length },
    {
      fkeys: 3,
      language: 'Deutsch',
      userHost: '192.0.2.10:5060',
      outbound: '',
      checksyncAction: 'sync',
      dtmfInfo: 'off',
    },
  );
  t.equal(
    spellSnom(phoneView('snom', { connection: { mode: 'sbc', sbc: 'sbc.example.net:5062' } })).outbound,
    'sbc.example.net:5062;transport=udp',
  );
  t.equal(spellSnom(phoneView('snom')).language, 'English');
});

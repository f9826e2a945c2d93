import t from 'tap';
import { spellYealinkCommon, spellYealinkKeys, spellYealinkPhone } from '../../src/provisioning/spell-yealink.js';
import type { ViewKey } from '../../src/provisioning/view-model.js';
import { commonView, phoneView } from '../fixtures/provisioning/office.js';

const keys: ViewKey[] = [
  { slot: 1, kind: 'logout', label: 'Logout', number: '*77*5*' },
  { slot: 2, kind: 'blf', label: 'Bob', number: '202', uri: 'sip:202@pbx' },
  { slot: 3, kind: 'unused' },
];

t.same(spellYealinkKeys(keys), [
  { n: 1, type: 13, value: '*77*5*', label: 'Logout', line: 1 },
  { n: 2, type: 16, value: '202', label: 'Bob', line: 1 },
  { n: 3, type: 0, value: '%NULL%', label: '%NULL%', line: 1 },
]);

t.test('phone spelling per connection', async (t) => {
  const lan = spellYealinkPhone(phoneView('yealink', { user: '201' }));
  t.same(
    { ...lan, linekeys: lan.linekeys.length },
    {
      linekeys: 12,
      language: 'German',
      natUpdate: 0,
      outboundProxy: { enable: 0, address: '%NULL%', port: '%NULL%' },
      transportType: 0,
      dtmfType: 1,
      natTraversal: 0,
    },
  );
  const sbc = spellYealinkPhone(phoneView('yealink', { connection: { mode: 'sbc', sbc: 'sbc.example.net:5070' } }));
  t.same(sbc.outboundProxy, { enable: 1, address: 'sbc.example.net', port: '5070' });
  t.equal(sbc.language, 'English');
  t.equal(spellYealinkPhone(phoneView('yealink', { connection: { mode: 'direct' } })).natUpdate, 1);
});

t.test('common spelling', async (t) => {
  t.same(spellYealinkCommon(commonView('yealink')), {
    emergency: [
      { n: 1, value: '112' },
      { n: 2, value: '911' },
    ],
    notifyReboot: 0,
    trustCtrl: 1,
    stun: 0,
  });
});

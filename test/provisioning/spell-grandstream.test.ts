import t from 'tap';
import { spellGrandstream, spellGrandstreamKeys } from '../../src/provisioning/spell-grandstream.js';
import type { ViewKey } from '../../src/provisioning/view-model.js';
import { phoneView } from '../fixtures/provisioning/office.js';

const keys: ViewKey[] = [
  { slot: 1, kind: 'logout', label: 'Logout', number: '*77*5*' },
  { slot: 2, kind: 'blf', label: 'Bob', number: '202', uri: 'sip:202@pbx' },
  { slot: 3, kind: 'blf', label: 'Carol', number: '203', uri: 'sip:203@pbx' },
  { slot: 4, kind: 'unused' },
];

t.same(spellGrandstreamKeys(keys, 2), [
  { n: 1, section: 'vpk', keyMode: 'SpeedDial', account: 'Account1', description: 'Logout', value: '*77*5*' },
  { n: 2, section: 'vpk', keyMode: 'BLF', account: 'Account1', description: 'Bob', value: '202' },
  { n: 1, section: 'mpk', keyMode: 'BLF', account: 'Account1', description: 'Carol', value: '203' },
  { n: 2, section: 'mpk', keyMode: 'None', account: 'Account1', description: '', value: '' },
]);
t.ok(
  spellGrandstreamKeys(keys, 48).every((key) => key.section === 'vpk'),
  'a model without MPKs has VPKs only',
);

t.test('phone spelling', async (t) => {
  const lan = spellGrandstream(phoneView('grandstream', { user: '201' }));
  t.same(
    { ...lan, keys: lan.keys.map((key) => `${key.section}.${key.n}`).join(' ') },
    {
      keys:
        'vpk.1 vpk.2 vpk.3 vpk.4 vpk.5 vpk.6 vpk.7 vpk.8 vpk.9 vpk.10 vpk.11 vpk.12 mpk.1 mpk.2 mpk.3 mpk.4 ' +
        'mpk.5 mpk.6 mpk.7 mpk.8',
      expiresMinutes: 10,
      language: 'de',
      outboundProxy: '',
      transport: 'UDP',
      yesNo: { keepAlive: 'No', rfc2833: 'Yes', sipInfo: 'No' },
    },
    'GXP2130: 12 VPK + 8 MPK (models.json vpk)',
  );
  const direct = spellGrandstream(phoneView('grandstream', { connection: { mode: 'direct' } }));
  t.equal(direct.expiresMinutes, 2, '120 s');
  t.equal(direct.yesNo.keepAlive, 'Yes');
  t.equal(
    spellGrandstream(phoneView('grandstream', { connection: { mode: 'sbc', sbc: 'sbc.example.net:5062' } }))
      .outboundProxy,
    'sbc.example.net:5062',
  );
  const noVpkField = spellGrandstream(phoneView('grandstream', { modelId: 'grandstream-gxp2170' }));
  t.ok(noVpkField.keys.every((key) => key.section === 'vpk') && noVpkField.keys.length === 48);
});

import t from 'tap';
import { spellPoly, spellPolyKeys } from '../../src/provisioning/spell-poly.js';
import type { ViewKey } from '../../src/provisioning/view-model.js';
import { phoneView } from '../fixtures/provisioning/office.js';

const keys: ViewKey[] = [
  { slot: 1, kind: 'logout', label: 'Logout', number: '*77*5*' },
  { slot: 2, kind: 'blf', label: 'Bob', number: '202', uri: 'sip:202@pbx' },
  { slot: 3, kind: 'blf', label: 'Carol', number: '203', uri: 'sip:203@pbx' },
  { slot: 4, kind: 'unused' },
];

t.same(spellPolyKeys(keys), {
  lineKeys: [
    { n: 1, category: 'EFK', index: 1 },
    { n: 2, category: 'BLF', index: 0 },
    { n: 3, category: 'BLF', index: 0 },
    { n: 4, category: 'Unassigned', index: 0 },
  ],
  efk: [{ n: 1, name: 'logout', label: 'Logout', action: '*77*5*$Tinvite$' }],
  resourceList: [
    { n: 1, address: '202', label: 'Bob', type: 'normal' },
    { n: 2, address: '203', label: 'Carol', type: 'normal' },
    { n: 3, address: '', label: '', type: 'normal' },
    { n: 4, address: '', label: '', type: 'normal' },
  ],
});

t.test('phone spelling', async (t) => {
  const idle = spellPoly(phoneView('poly'));
  t.equal(idle.configFiles, '0004f2aabbcc-hotdesk.cfg');
  t.same(
    { ...idle, lineKeys: undefined, efk: undefined, resourceList: undefined, configFiles: undefined },
    {
      lineKeys: undefined,
      efk: undefined,
      resourceList: undefined,
      configFiles: undefined,
      language: 'English_United_States',
      transport: 'UDPOnly',
      outboundProxy: { use: 0, address: '', port: '' },
      keepAliveInterval: 0,
      rfc2833: 1,
      sipInfo: 0,
      alwaysReboot: 0,
      notifyValidation: [{ n: 1, request: 'NOTIFY', method: 'source', event: 'check-sync' }],
    },
  );
  const sbc = spellPoly(phoneView('poly', { connection: { mode: 'sbc', sbc: 'sbc.example.net:5062' } }));
  t.same(sbc.outboundProxy, { use: 1, address: 'sbc.example.net', port: '5062' });
  t.same(sbc.notifyValidation, [], 'behind an SBC the NOTIFY comes from the SBC: no source check');
  t.equal(spellPoly(phoneView('poly', { connection: { mode: 'direct' } })).keepAliveInterval, 30);
  t.equal(spellPoly(phoneView('poly', { user: '201' })).language, 'German_Germany');
});

import t from 'tap';
import { checkIdentity, identifyRequest, type ProvisioningRequest } from '../../src/provisioning/identify-request.js';
import { shippedModels } from '../fixtures/provisioning/office.js';

const catalogue = shippedModels();
const UA = {
  yealink: 'Yealink SIP-T54W 96.86.0.100 00:15:65:aa:bb:cc',
  yealinkNoMac: 'Yealink-T46G 28.71.0.81 28.1.0.128.0.0.0',
  poly: 'FileTransport PolycomVVX-VVX_450-UA/6.4.6.2395 Type/Application',
  snom: 'Mozilla/4.0 (compatible; snomD785-SIP 10.1.33.33 2010.12-00004-g9ba52f5 000413AABBCC SXM:0 UXM:0)',
  grandstream: 'Grandstream Model HW GXP2170 SW 1.0.11.3 DevId 000b82aabbcc',
  fanvil: 'Fanvil X6U 2.12.16.17 0c383eaabbcc',
};

/** [file name, User-Agent, expected without the userAgent field] */
const good: [string, string | undefined, Omit<ProvisioningRequest, 'userAgent'>][] = [
  ['y000000000096.cfg', UA.yealink, { vendor: 'yealink', file: 'common', model: 'yealink-t54w' }],
  ['001565aabbcc.cfg', UA.yealink, { vendor: 'yealink', file: 'phone', mac: '001565aabbcc', model: 'yealink-t54w' }],
  ['001565AABBCC.cfg', UA.yealink, { vendor: 'yealink', file: 'phone', mac: '001565aabbcc', model: 'yealink-t54w' }],
  // No MAC in the old User-Agent: the file name tells it; the model from the UA is in the catalogue.
  [
    '001565aabbcc.cfg',
    UA.yealinkNoMac,
    { vendor: 'yealink', file: 'phone', mac: '001565aabbcc', model: 'yealink-t46g' },
  ],
  // A common file alone names the vendor; its number names the model when only one uses it.
  ['y000000000108.cfg', undefined, { vendor: 'yealink', file: 'common', model: 'yealink-t46u' }],
  ['y000000000095.cfg', undefined, { vendor: 'yealink', file: 'common' }],
  ['y000000000999.cfg', undefined, { vendor: 'yealink', file: 'common' }],
  ['0004f2aabbcc.cfg', UA.poly, { vendor: 'poly', file: 'master', mac: '0004f2aabbcc', model: 'poly-vvx450' }],
  ['0004f2aabbcc-hotdesk.cfg', UA.poly, { vendor: 'poly', file: 'phone', mac: '0004f2aabbcc', model: 'poly-vvx450' }],
  ['0004f2aabbcc-hotdesk.cfg', undefined, { vendor: 'poly', file: 'phone', mac: '0004f2aabbcc' }],
  ['snomD785.htm', UA.snom, { vendor: 'snom', file: 'common', model: 'snom-d785' }],
  ['snomD785-000413AABBCC.htm', UA.snom, { vendor: 'snom', file: 'phone', mac: '000413aabbcc', model: 'snom-d785' }],
  ['snomD717-000413AABBCC.htm', undefined, { vendor: 'snom', file: 'phone', mac: '000413aabbcc', model: 'snom-d717' }],
  ['snomD999.htm', undefined, { vendor: 'snom', file: 'common' }],
  [
    'cfg000b82aabbcc.xml',
    UA.grandstream,
    { vendor: 'grandstream', file: 'phone', mac: '000b82aabbcc', model: 'grandstream-gxp2170' },
  ],
  ['cfggxp2170.xml', undefined, { vendor: 'grandstream', file: 'common', model: 'grandstream-gxp2170' }],
  ['cfg.xml', UA.grandstream, { vendor: 'grandstream', file: 'common', model: 'grandstream-gxp2170' }],
  ['0c383eaabbcc.cfg', UA.fanvil, { vendor: 'fanvil', file: 'phone', mac: '0c383eaabbcc', model: 'fanvil-x6u' }],
  ['F0V00X600000.cfg', UA.fanvil, { vendor: 'fanvil', file: 'common', model: 'fanvil-x6u' }],
  ['f0X4hw1.100.cfg', undefined, { vendor: 'fanvil', file: 'common' }],
];

for (const [name, userAgent, expected] of good) {
  t.test(`${name} from ${userAgent?.split(' ')[0] ?? 'no User-Agent'}`, async (t) => {
    const found = identifyRequest(name, userAgent, catalogue);
    const { userAgent: agent, ...rest } = found ?? ({} as ProvisioningRequest);
    t.same(rest, expected);
    t.equal(
      agent?.vendor,
      userAgent ? expected.vendor : undefined,
      'the User-Agent is reported when it named the vendor',
    );
  });
}

const hostile: [string, string | undefined][] = [
  ['', UA.yealink],
  ['../001565aabbcc.cfg', UA.yealink],
  ['..%2f001565aabbcc.cfg', UA.yealink],
  ['%2e%2e%2fetc%2fpasswd', UA.yealink],
  ['001565aabbcc.cfg%00', UA.yealink],
  ['001565aabbcc.cfg\u0000.xml', UA.yealink],
  ['001565aabbcc%2ecfg', UA.yealink],
  ['sub/001565aabbcc.cfg', UA.yealink],
  ['sub\\001565aabbcc.cfg', UA.yealink],
  ['/001565aabbcc.cfg', UA.yealink],
  ['.001565aabbcc.cfg', UA.yealink],
  ['001565aabbcc..cfg', UA.yealink],
  ['f0..X600000.cfg', UA.fanvil],
  ['F0V00X6....cfg', undefined],
  ['001565aabbcc.cfg ', UA.yealink],
  [`${'a'.repeat(60)}.cfg`, UA.yealink],
  [`y${'0'.repeat(70)}.cfg`, undefined],
  ['000000000000.cfg', UA.yealink],
  ['000000000000-hotdesk.cfg', UA.poly],
  ['001565aabbc.cfg', UA.yealink],
  ['001565aabbccd.cfg', UA.yealink],
  ['001565aabbcc.CFG', UA.yealink],
  ['001565aabbcc.boot', UA.yealink],
  ['001565aabbcc-local.cfg', UA.yealink],
  ['cfg000b82aabbcc', UA.grandstream],
  ['0004f2aabbcc-directory.xml', UA.poly],
  ['0004f2aabbcc-phone.cfg', UA.poly],
  // <mac>.cfg without a vendor's User-Agent: Yealink, Poly and Fanvil all use the name.
  ['001565aabbcc.cfg', undefined],
  ['001565aabbcc.cfg', 'curl/8.5.0'],
  // A vendor's User-Agent asking for another vendor's file.
  ['snomD785.htm', UA.yealink],
  ['cfg000b82aabbcc.xml', UA.fanvil],
  ['y000000000096.cfg', UA.poly],
  ['0004f2aabbcc-hotdesk.cfg', UA.yealink],
];

for (const [name, userAgent] of hostile) {
  t.equal(
    identifyRequest(name, userAgent, catalogue),
    undefined,
    `refused: ${JSON.stringify(name).slice(0, 40)} / ${userAgent?.split(' ')[0] ?? 'no UA'}`,
  );
}

t.test('a name several vendors use is placed by the vendor of the pool phone with that MAC', async (t) => {
  const pool = (mac: string) =>
    ({ '0004f2aabbcc': 'poly', '0c383eaabbcc': 'fanvil' })[mac] as 'poly' | 'fanvil' | undefined;
  t.match(identifyRequest('0004f2aabbcc.cfg', 'NewPhone/1.0', catalogue, pool), {
    vendor: 'poly',
    file: 'master',
    mac: '0004f2aabbcc',
  });
  t.match(identifyRequest('0c383eaabbcc.cfg', 'NewPhone/1.0', catalogue, pool), {
    vendor: 'fanvil',
    file: 'phone',
    mac: '0c383eaabbcc',
  });
  t.equal(
    identifyRequest('001565aabbcc.cfg', 'NewPhone/1.0', catalogue, pool),
    undefined,
    'a MAC not in the pool stays unplaced',
  );
  t.equal(
    identifyRequest('0004f2aabbcc.cfg', 'NewPhone/1.0', catalogue),
    undefined,
    'without a pool lookup: unplaced as before',
  );
});

t.test('checkIdentity', async (t) => {
  const yealink = identifyRequest('001565aabbcc.cfg', UA.yealink, catalogue)!;
  t.same(checkIdentity(yealink), { ok: true, mac: '001565aabbcc' }, 'UA and file name agree');

  const other = identifyRequest('001565001122.cfg', UA.yealink, catalogue)!;
  t.same(checkIdentity(other), {
    ok: false,
    refusal: { kind: 'mac-mismatch', fileMac: '001565001122', userAgentMac: '001565aabbcc' },
  });

  const snomOther = identifyRequest('snomD785-000413001122.htm', UA.snom, catalogue)!;
  t.equal(checkIdentity(snomOther).ok, false, 'Snom: uppercase MACs compare as MACs');
  t.same(checkIdentity(identifyRequest('snomD785-000413aabbcc.htm', UA.snom, catalogue)!), {
    ok: true,
    mac: '000413aabbcc',
  });

  const poly = identifyRequest('0004f2aabbcc-hotdesk.cfg', UA.poly, catalogue)!;
  t.same(checkIdentity(poly), { ok: true, mac: '0004f2aabbcc' }, 'no MAC in the UA: nothing to disagree with');

  const common = identifyRequest('y000000000096.cfg', UA.yealink, catalogue)!;
  t.same(checkIdentity(common), { ok: true, mac: '001565aabbcc' }, 'a common file: the MAC comes from the UA');
  t.same(checkIdentity(identifyRequest('y000000000096.cfg', undefined, catalogue)!), { ok: true, mac: undefined });

  const phone = { name: 'HD0003', mac: '001565aabbcc', model: 'yealink-t54w' };
  t.same(checkIdentity(yealink, phone), { ok: true, mac: '001565aabbcc' });
  t.same(checkIdentity(yealink, { ...phone, model: 'snom-d785' }), {
    ok: false,
    refusal: { kind: 'wrong-vendor', phone: 'HD0003', model: 'snom-d785', requested: 'yealink' },
  });
  t.same(checkIdentity(yealink, { ...phone, mac: '001565ffffff' }), {
    ok: false,
    refusal: { kind: 'not-this-phone', phone: 'HD0003', mac: '001565aabbcc' },
  });
});

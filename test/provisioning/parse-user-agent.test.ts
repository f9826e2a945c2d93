import t from 'tap';
import { parseUserAgent, type UserAgentInfo } from '../../src/provisioning/parse-user-agent.js';

const cases: [string | undefined, UserAgentInfo | undefined][] = [
  ['Yealink SIP-T54W 96.86.0.100 00:15:65:aa:bb:cc', { vendor: 'yealink', model: 'T54W', firmware: '96.86.0.100', mac: '001565aabbcc' }],
  ['yealink SIP-T46U 108.86.0.90 AA:BB:CC:DD:EE:FF', { vendor: 'yealink', model: 'T46U', firmware: '108.86.0.90', mac: 'aabbccddeeff' }],
  ['Yealink SIP VP-T49G 51.80.0.100 00:15:65:11:22:33', { vendor: 'yealink', model: 'T49G', firmware: '51.80.0.100', mac: '001565112233' }],
  ['Yealink W52P 25.81.0.10 00:15:65:11:22:33', { vendor: 'yealink', model: 'W52P', firmware: '25.81.0.10', mac: '001565112233' }],
  ['W52P 25.81.0.10 00:15:65:11:22:33', { vendor: 'yealink', model: 'W52P', firmware: '25.81.0.10', mac: '001565112233' }],
  ['W60B 77.83.0.85', { vendor: 'yealink', model: 'W60B', firmware: '77.83.0.85' }],
  ['FileTransport PolycomSoundPointIP-SPIP_335-UA/4.2.1.0275', { vendor: 'poly', model: 'SPIP_335', firmware: '4.2.1.0275' }],
  ['FileTransport PolyEdge-Edge_E350-UA/8.0.1.0123 Type/Application', { vendor: 'poly', model: 'Edge_E350', firmware: '8.0.1.0123' }],
  ['Mozilla/4.0 (compatible; snomD345-SIP 8.9.3.80)', { vendor: 'snom', model: 'D345', firmware: '8.9.3.80' }],
  // The old form carries no MAC: its last field is a version, not an address.
  ['Yealink-T46G 28.71.0.81 28.1.0.128.0.0.0', { vendor: 'yealink', model: 'T46G', firmware: '28.71.0.81' }],
  ['FileTransport PolycomVVX-VVX_450-UA/6.4.6.2395 Type/Application', { vendor: 'poly', model: 'VVX_450', firmware: '6.4.6.2395' }],
  ['FileTransport PolycomVVX-VVX_250-UA/5.9.5.0614', { vendor: 'poly', model: 'VVX_250', firmware: '5.9.5.0614' }],
  ['FileTransport PolycomSoundPointIP-SPIP_335-UA/4.2.1.0275', { vendor: 'poly', model: 'SPIP_335', firmware: '4.2.1.0275' }],
  [
    'Mozilla/4.0 (compatible; snomD785-SIP 10.1.33.33 2010.12-00004-g9ba52f5 000413AABBCC SXM:0 UXM:0)',
    { vendor: 'snom', model: 'D785', firmware: '10.1.33.33', mac: '000413aabbcc' },
  ],
  ['Mozilla/4.0 (compatible; snomD717-SIP 10.1.46.16 2010.12-00004-g9ba52f5)', { vendor: 'snom', model: 'D717', firmware: '10.1.46.16' }],
  ['Grandstream Model HW GXP2170 SW 1.0.11.3 DevId 000b82aabbcc', { vendor: 'grandstream', model: 'GXP2170', firmware: '1.0.11.3', mac: '000b82aabbcc' }],
  ['Grandstream Model HW GXV3240 V1.6B SW 1.0.1.27 DevId 000b82632815', { vendor: 'grandstream', model: 'GXV3240', firmware: '1.0.1.27', mac: '000b82632815' }],
  [
    'Grandstream GXP2000 (gxp2000e.bin:1.2.5.3/boot55e.bin:1.1.6.9) DevId 000b822726c8',
    { vendor: 'grandstream', model: 'GXP2000', firmware: '1.1.6.9', mac: '000b822726c8' },
  ],
  ['Fanvil X6U 2.12.16.17 0c383eaabbcc', { vendor: 'fanvil', model: 'X6U', firmware: '2.12.16.17', mac: '0c383eaabbcc' }],
  ['Fanvil X6U Pro 0.0.10 0c383e2cd782', { vendor: 'fanvil', model: 'X6U Pro', firmware: '0.0.10', mac: '0c383e2cd782' }],
  ['Fanvil X5U-V2 2.12.16.17 0c383e557eb1', { vendor: 'fanvil', model: 'X5U-V2', firmware: '2.12.16.17', mac: '0c383e557eb1' }],
  // Not phones, or not readable
  [undefined, undefined],
  ['', undefined],
  ['curl/8.5.0', undefined],
  ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36', undefined],
  ['Yealink', undefined],
  ['Yealink SIP-T54W 96.86.0.100 00:15:65:aa:bb:cc\r\nX-Injected: 1', undefined],
  ['Yealink SIP-T54W\u0000 96.86.0.100 00:15:65:aa:bb:cc', undefined],
  [`Yealink SIP-T54W 96.86.0.100 ${'0'.repeat(300)}`, undefined],
  ['Fanvil X6U 2.12.16.17 0c383eaabbc', undefined],
];

for (const [userAgent, expected] of cases) {
  t.same(parseUserAgent(userAgent), expected, JSON.stringify(userAgent)?.slice(0, 80) ?? 'undefined');
}

t.test('a garbage MAC field is no MAC, not a refusal of the whole User-Agent', async (t) => {
  t.same(parseUserAgent('Yealink SIP-T54W 96.86.0.100 zz:zz:zz:zz:zz:zz'), { vendor: 'yealink', model: 'T54W', firmware: '96.86.0.100' });
});

t.test('long hostile User-Agents are answered quickly', async (t) => {
  const start = performance.now();
  for (const text of ['Mozilla/4.0 (compatible; snomD785-SIP 1' + ' a'.repeat(120), 'Grandstream Model HW GXP2170' + ' V1'.repeat(80), 'Yealink ' + '1.'.repeat(120)]) {
    t.equal(parseUserAgent(text), undefined);
  }
  t.ok(performance.now() - start < 200, 'no catastrophic backtracking');
});

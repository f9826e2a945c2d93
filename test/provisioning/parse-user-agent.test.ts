import t from 'tap';
import { parseUserAgent, type UserAgentInfo } from '../../src/provisioning/parse-user-agent.js';

const cases: [string | undefined, UserAgentInfo | undefined][] = [
  [
    'Yealink SIP-T54W 96.86.0.100 00:15:65:aa:bb:cc',
    { vendor: 'yealink', model: 'T54W', firmware: '96.86.0.100', mac: '001565aabbcc' },
  ],
  [
    'yealink SIP-T46U 108.86.0.90 AA:BB:CC:DD:EE:FF',
    { vendor: 'yealink', model: 'T46U', firmware: '108.86.0.90', mac: 'aabbccddeeff' },
  ],
  [
    'Yealink SIP VP-T49G 51.80.0.100 00:15:65:11:22:33',
    { vendor: 'yealink', model: 'T49G', firmware: '51.80.0.100', mac: '001565112233' },
  ],
  [
    'Yealink W52P 25.81.0.10 00:15:65:11:22:33',
    { vendor: 'yealink', model: 'W52P', firmware: '25.81.0.10', mac: '001565112233' },
  ],
  [
    'W52P 25.81.0.10 00:15:65:11:22:33',
    { vendor: 'yealink', model: 'W52P', firmware: '25.81.0.10', mac: '001565112233' },
  ],
  ['W60B 77.83.0.85', { vendor: 'yealink', model: 'W60B', firmware: '77.83.0.85' }],
  [
    'FileTransport PolycomSoundPointIP-SPIP_335-UA/4.2.1.0275',
    { vendor: 'poly', model: 'SPIP_335', firmware: '4.2.1.0275' },
  ],
  [
    'FileTransport PolyEdge-Edge_E350-UA/8.0.1.0123 Type/Application',
    { vendor: 'poly', model: 'Edge_E350', firmware: '8.0.1.0123' },
  ],
  ['Mozilla/4.0 (compatible; snomD345-SIP 8.9.3.80)', { vendor: 'snom', model: 'D345', firmware: '8.9.3.80' }],
  // The old form carries no MAC: its last field is a version, not an address.
  ['Yealink-T46G 28.71.0.81 28.1.0.128.0.0.0', { vendor: 'yealink', model: 'T46G', firmware: '28.71.0.81' }],
  [
    'FileTransport PolycomVVX-VVX_450-UA/6.4.6.2395 Type/Application',
    { vendor: 'poly', model: 'VVX_450', firmware: '6.4.6.2395' },
  ],
  ['FileTransport PolycomVVX-VVX_250-UA/5.9.5.0614', { vendor: 'poly', model: 'VVX_250', firmware: '5.9.5.0614' }],
  [
    'FileTransport PolycomSoundPointIP-SPIP_335-UA/4.2.1.0275',
    { vendor: 'poly', model: 'SPIP_335', firmware: '4.2.1.0275' },
  ],
  [
    'Mozilla/4.0 (compatible; snomD785-SIP 10.1.33.33 2010.12-00004-g9ba52f5 000413AABBCC SXM:0 UXM:0)',
    { vendor: 'snom', model: 'D785', firmware: '10.1.33.33', mac: '000413aabbcc' },
  ],
  [
    'Mozilla/4.0 (compatible; snomD717-SIP 10.1.46.16 2010.12-00004-g9ba52f5)',
    { vendor: 'snom', model: 'D717', firmware: '10.1.46.16' },
  ],
  [
    'Grandstream Model HW GXP2170 SW 1.0.11.3 DevId 000b82aabbcc',
    { vendor: 'grandstream', model: 'GXP2170', firmware: '1.0.11.3', mac: '000b82aabbcc' },
  ],
  [
    'Grandstream Model HW GXV3240 V1.6B SW 1.0.1.27 DevId 000b82632815',
    { vendor: 'grandstream', model: 'GXV3240', firmware: '1.0.1.27', mac: '000b82632815' },
  ],
  [
    'Grandstream GXP2000 (gxp2000e.bin:1.2.5.3/boot55e.bin:1.1.6.9) DevId 000b822726c8',
    { vendor: 'grandstream', model: 'GXP2000', firmware: '1.1.6.9', mac: '000b822726c8' },
  ],
  [
    'Fanvil X6U 2.12.16.17 0c383eaabbcc',
    { vendor: 'fanvil', model: 'X6U', firmware: '2.12.16.17', mac: '0c383eaabbcc' },
  ],
  [
    'Fanvil X6U Pro 0.0.10 0c383e2cd782',
    { vendor: 'fanvil', model: 'X6U Pro', firmware: '0.0.10', mac: '0c383e2cd782' },
  ],
  [
    'Fanvil X5U-V2 2.12.16.17 0c383e557eb1',
    { vendor: 'fanvil', model: 'X5U-V2', firmware: '2.12.16.17', mac: '0c383e557eb1' },
  ],
  // Further forms listed in Wazo's plugins (docs/phones.md §1.2, §3.2, §4.2)
  [
    'Yealink SIP-T19P_E2 53.80.0.3 00:15:65:4c:4c:26',
    { vendor: 'yealink', model: 'T19P_E2', firmware: '53.80.0.3', mac: '0015654c4c26' },
  ],
  [
    'Yealink SIP-T38G  38.70.0.125 00:15:65:2f:c3:5e',
    { vendor: 'yealink', model: 'T38G', firmware: '38.70.0.125', mac: '0015652fc35e' },
  ],
  [
    'Yealink CP860 37.72.0.5 00:15:65:8a:37:86',
    { vendor: 'yealink', model: 'CP860', firmware: '37.72.0.5', mac: '0015658a3786' },
  ],
  [
    'Yealink SIP-W52P 25.73.0.20 00:15:65:40:ae:35',
    { vendor: 'yealink', model: 'W52P', firmware: '25.73.0.20', mac: '00156540ae35' },
  ],
  [
    'VP530P 23.70.0.40 00:15:65:31:4b:c0',
    { vendor: 'yealink', model: 'VP530P', firmware: '23.70.0.40', mac: '001565314bc0' },
  ],
  [
    'Mozilla/4.0 (compatible; snom320-SIP 6.5.20; snom320 jffs2 v3.36; snom320 linux 3.38)',
    { vendor: 'snom', model: '320', firmware: '6.5.20' },
  ],
  [
    'Mozilla/4.0 (compatible; snom870-SIP 8.4.18 SPEAr300 SNOM 1.4)',
    { vendor: 'snom', model: '870', firmware: '8.4.18' },
  ],
  [
    'Mozilla/4.0 (compatible; Snom M900 05.20.0001 000413b60680)',
    { vendor: 'snom', model: 'M900', firmware: '05.20.0001', mac: '000413b60680' },
  ],
  [
    'Grandstream Model HW GXV3350  V1.3A SW 1.0.1.8 DevId c074ad150b88',
    { vendor: 'grandstream', model: 'GXV3350', firmware: '1.0.1.8', mac: 'c074ad150b88' },
  ],
  [
    'Grandstream Model HW GRP2601W SW 1.0.7.32 DevId EC:74:D7:89:1A:76',
    { vendor: 'grandstream', model: 'GRP2601W', firmware: '1.0.7.32', mac: 'ec74d7891a76' },
  ],
  [
    'Fanvil i10SV 2.12.10.1 0c383e2397f4',
    { vendor: 'fanvil', model: 'i10SV', firmware: '2.12.10.1', mac: '0c383e2397f4' },
  ],
  ['Fanvil H2U-V2 2.12.0 0c383e32342e', { vendor: 'fanvil', model: 'H2U-V2', firmware: '2.12.0', mac: '0c383e32342e' }],
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
  t.same(parseUserAgent('Yealink SIP-T54W 96.86.0.100 zz:zz:zz:zz:zz:zz'), {
    vendor: 'yealink',
    model: 'T54W',
    firmware: '96.86.0.100',
  });
});

t.test('long hostile User-Agents are answered quickly', async (t) => {
  const start = performance.now();
  for (const text of [
    'Mozilla/4.0 (compatible; snomD785-SIP 1' + ' a'.repeat(120),
    'Grandstream Model HW GXP2170' + ' V1'.repeat(80),
    'Yealink ' + '1.'.repeat(120),
  ]) {
    t.equal(parseUserAgent(text), undefined);
  }
  t.ok(performance.now() - start < 1000, 'no catastrophic backtracking (that would take seconds)');
});

import t from 'tap';
import type { Phone } from '../../src/core/model.js';
import {
  decideProvisioningRequest,
  sameToken,
  type ProvisioningRequestInput,
} from '../../src/provisioning/decide-provisioning-request.js';
import { shippedModels } from '../fixtures/provisioning/office.js';

const catalogue = shippedModels();
const TOKEN = 'tok-0123456789abcdef';

function phone(name: string, model: string, mac: string, applied = 0): Phone {
  return {
    name,
    model,
    mac,
    connection: { mode: 'lan' },
    idlePassword: 'idle',
    session: null,
    desiredGeneration: 3,
    appliedGeneration: applied,
  };
}

const phones: Phone[] = [
  phone('HD0001', 'yealink-t54w', '001565aabbcc'),
  phone('HD0002', 'poly-vvx250', '0004f2aabbcc'),
  phone('HD0003', 'snom-d717', '000413aabbcc'),
  phone('HD0004', 'grandstream-gxp2130', '000b82aabbcc'),
  phone('HD0005', 'fanvil-x3u', '0c383eaabbcc'),
  phone('HD0006', 'yealink-t33g', '001565000006'),
];

const UA = {
  yealink: 'Yealink SIP-T54W 96.86.0.100 00:15:65:aa:bb:cc',
  yealinkNoMac: 'Yealink SIP-T54W 96.86.0.100',
  poly: 'FileTransport PolycomVVX-VVX_250-UA/6.4.6.2395 Type/Application',
  snom: 'Mozilla/4.0 (compatible; snomD717-SIP 10.1.33.33 2010.12-00004-g9ba52f5 000413AABBCC SXM:0 UXM:0)',
  grandstream: 'Grandstream Model HW GXP2130 SW 1.0.11.3 DevId 000b82aabbcc',
  fanvil: 'Fanvil X3U 2.12.16.17 0c383eaabbcc',
};

const decide = (file: string, userAgent: string | undefined, overrides: Partial<ProvisioningRequestInput> = {}) =>
  decideProvisioningRequest({
    token: TOKEN,
    file,
    userAgent,
    expectedToken: TOKEN,
    phones,
    catalogue,
    client: '192.0.2.50',
    nowMs: Date.parse('2026-01-01T00:00:00.000Z'),
    ...overrides,
  });

t.test('each vendor’s own file is served to its pool phone and counts as taken', async (t) => {
  const cases: [file: string, ua: string, phone: string, model: string, template: string, type: string][] = [
    ['001565aabbcc.cfg', UA.yealink, 'HD0001', 'yealink-t54w', 'yealink/phone.cfg', 'text/plain; charset=utf-8'],
    ['0004f2aabbcc-hotdesk.cfg', UA.poly, 'HD0002', 'poly-vvx250', 'poly/phone.xml', 'application/xml; charset=utf-8'],
    ['snomD717-000413AABBCC.htm', UA.snom, 'HD0003', 'snom-d717', 'snom/phone.xml', 'application/xml; charset=utf-8'],
    [
      'cfg000b82aabbcc.xml',
      UA.grandstream,
      'HD0004',
      'grandstream-gxp2130',
      'grandstream/phone.xml',
      'application/xml; charset=utf-8',
    ],
    ['0c383eaabbcc.cfg', UA.fanvil, 'HD0005', 'fanvil-x3u', 'fanvil/phone.xml', 'application/xml; charset=utf-8'],
  ];
  for (const [file, ua, name, model, template, type] of cases) {
    const decision = decide(file, ua);
    if (decision.kind !== 'serve') {
      t.fail(`${file}: ${JSON.stringify(decision)}`);
      continue;
    }
    t.equal(decision.phone?.name, name, `${file}: the phone`);
    t.equal(decision.model?.id, model, `${file}: its stored model`);
    t.equal(decision.file, 'phone');
    t.equal(decision.ownFile, true, `${file}: its own file`);
    t.equal(decision.templates.at(-1), template, `${file}: vendor base template last`);
    t.equal(decision.templates.length, 2, `${file}: the per-model template first`);
    t.equal(decision.contentType, type);
  }
});

t.test('Poly’s master file and the common files are served but are not the phone’s own file', async (t) => {
  const master = decide('0004f2aabbcc.cfg', UA.poly);
  t.match(master, {
    kind: 'serve',
    file: 'master',
    ownFile: false,
    phone: { name: 'HD0002' },
    templates: ['poly/vvx250.master.xml', 'poly/master.xml'],
  });
  const yealink = decide('y000000000096.cfg', UA.yealink);
  t.match(yealink, {
    kind: 'serve',
    file: 'common',
    ownFile: false,
    phone: { name: 'HD0001' },
    model: { id: 'yealink-t54w' },
  });
  const snom = decide('snomD717.htm', UA.snom);
  t.match(snom, {
    kind: 'serve',
    file: 'common',
    ownFile: false,
    templates: ['snom/d717.common.xml', 'snom/common.xml'],
  });
  const noMac = decide('y000000000096.cfg', UA.yealinkNoMac);
  t.match(
    noMac,
    { kind: 'serve', file: 'common', phone: undefined, model: { id: 'yealink-t54w' } },
    'no MAC: served while a Yealink is in the pool',
  );
  t.match(
    decide('cfg.xml', UA.grandstream),
    { kind: 'serve', file: 'common' },
    'Grandstream common file (a template may or may not exist)',
  );
});

t.test('a User-Agent hotdeskd does not know: served by the file name’s MAC when that MAC is in the pool', async (t) => {
  const cases: [file: string, ua: string | undefined, phone: string, file: string, unrecognised: boolean][] = [
    ['001565aabbcc.cfg', 'Yealink-Future/2.0 (T99X)', 'HD0001', 'phone', true],
    ['0004f2aabbcc.cfg', 'Poly Edge E450 UA/8.1', 'HD0002', 'master', true],
    ['0c383eaabbcc.cfg', 'fanvil-x3u', 'HD0005', 'phone', true],
  ];
  for (const [name, ua, phoneName, file, unrecognised] of cases) {
    t.match(
      decide(name, ua),
      { kind: 'serve', file, phone: { name: phoneName }, unrecognisedUserAgent: unrecognised },
      `${name} ${ua}`,
    );
  }
  t.match(
    decide('001565aabbcc.cfg', UA.yealink),
    { kind: 'serve', unrecognisedUserAgent: false },
    'a known form is recognised',
  );
});

t.test('refusals: every one a 404, each with its cause', async (t) => {
  const cases: [string, string | undefined, Partial<ProvisioningRequestInput>, object][] = [
    ['001565aabbcc.cfg', UA.yealink, { token: 'tok-0123456789abcdeX' }, { why: 'wrong-token' }],
    ['001565aabbcc.cfg', UA.yealink, { token: '' }, { why: 'wrong-token' }],
    ['001565aabbcc.cfg', UA.yealink, { token: `${TOKEN}x` }, { why: 'wrong-token' }],
    ['hotdesk.json', UA.yealink, {}, { why: 'unknown-file', file: 'hotdesk.json' }],
    ['001565aabbcc.cfg', undefined, {}, { why: 'unknown-file' }],
    ['001565aabbdd.cfg', undefined, {}, { why: 'unknown-file' }],
    ['001565aabbdd.cfg', 'SomePhone/1.0', {}, { why: 'unknown-file' }],
    [
      '001565aabbcd.cfg',
      'Yealink SIP-T54W 96.86.0.100 00:15:65:aa:bb:cd',
      {},
      { why: 'unknown-mac', mac: '001565aabbcd' },
    ],
    [
      '001565000006.cfg',
      UA.yealink,
      {},
      { why: 'mac-mismatch', fileMac: '001565000006', userAgentMac: '001565aabbcc' },
    ],
    [
      '0004f2aabbcc.cfg',
      'Fanvil X3U 2.12.16.17 0004f2aabbcc',
      {},
      { why: 'wrong-vendor', phone: 'HD0002', model: 'poly-vvx250', requested: 'fanvil' },
    ],
    [
      'y000000000096.cfg',
      'Yealink SIP-T54W 96.86.0.100 00:15:65:00:00:99',
      {},
      { why: 'unknown-mac', mac: '001565000099' },
    ],
    [
      'cfg.xml',
      UA.grandstream,
      { phones: phones.filter((p) => !p.model.startsWith('grandstream')) },
      { why: 'unknown-mac' },
    ],
    [
      'cfg.xml',
      undefined,
      { phones: phones.filter((p) => !p.model.startsWith('grandstream')) },
      { why: 'no-phone-of-vendor', vendor: 'grandstream' },
    ],
    [
      '001565aabbcc.cfg',
      UA.yealink,
      { catalogue: catalogue.filter((m) => m.id !== 'yealink-t54w') },
      { why: 'unknown-model', phone: 'HD0001', model: 'yealink-t54w' },
    ],
    ['000000000000.cfg', UA.poly, {}, { why: 'unknown-file' }],
  ];
  for (const [file, ua, overrides, refusal] of cases) {
    t.match(
      decide(file, ua, overrides),
      { kind: 'refuse', status: 404, refusal },
      `${file} ${JSON.stringify(overrides).slice(0, 40)}`,
    );
  }
});

t.test('sameToken', async (t) => {
  t.equal(sameToken(TOKEN, TOKEN), true);
  t.equal(sameToken('', TOKEN), false);
  t.equal(sameToken(TOKEN.slice(0, -1), TOKEN), false);
  t.equal(sameToken(TOKEN + TOKEN, TOKEN), false);
  t.equal(sameToken('', ''), false, 'an empty office token matches nothing');
});

t.test('a phone that registered gets its own files only at the address it registered from', async (t) => {
  const bound = phones.map((candidate) =>
    candidate.name === 'HD0001' || candidate.name === 'HD0002'
      ? { ...candidate, provisioningAddress: '192.0.2.50' }
      : candidate,
  );
  const cases: [file: string, ua: string, client: string, expected: string][] = [
    ['001565aabbcc.cfg', UA.yealink, '192.0.2.50', 'serve'],
    ['001565aabbcc.cfg', UA.yealink, '192.0.2.51', 'bound-elsewhere'],
    ['0004f2aabbcc-hotdesk.cfg', UA.poly, '192.0.2.51', 'bound-elsewhere'],
    // Poly's master file names the phone's own file: bound the same way.
    ['0004f2aabbcc.cfg', UA.poly, '192.0.2.51', 'bound-elsewhere'],
    // Common files hold no account: served anywhere.
    ['y000000000123.cfg', UA.yealink, '192.0.2.51', 'serve'],
    // A phone not bound (not registered yet): anywhere, as before.
    ['snomD717-000413AABBCC.htm', UA.snom, '192.0.2.51', 'serve'],
  ];
  for (const [file, ua, client, expected] of cases) {
    const decision = decide(file, ua, { phones: bound, client });
    t.equal(decision.kind === 'serve' ? 'serve' : decision.refusal.why, expected, `${file} from ${client}`);
  }
});

t.test('after a rotation the previous token serves only the phones it lists, until its time is up', async (t) => {
  const previousToken = { token: 'old-token-0123456789', until: '2026-01-15T00:00:00.000Z', phones: ['HD0001'] };
  const cases: [token: string, file: string, ua: string, nowIso: string, expected: string][] = [
    [TOKEN, '001565aabbcc.cfg', UA.yealink, '2026-01-01T00:00:00.000Z', 'serve'],
    ['old-token-0123456789', '001565aabbcc.cfg', UA.yealink, '2026-01-01T00:00:00.000Z', 'previous'],
    ['old-token-0123456789', 'y000000000123.cfg', UA.yealink, '2026-01-01T00:00:00.000Z', 'previous'],
    ['old-token-0123456789', 'y000000000123.cfg', UA.yealinkNoMac, '2026-01-01T00:00:00.000Z', 'wrong-token'],
    ['old-token-0123456789', 'snomD717-000413AABBCC.htm', UA.snom, '2026-01-01T00:00:00.000Z', 'wrong-token'],
    ['old-token-0123456789', '001565aabbcc.cfg', UA.yealink, '2026-01-15T00:00:00.000Z', 'wrong-token'],
  ];
  for (const [token, file, ua, nowIso, expected] of cases) {
    const decision = decide(file, ua, { token, previousToken, nowMs: Date.parse(nowIso) });
    const got = decision.kind === 'serve' ? (decision.previousToken ? 'previous' : 'serve') : decision.refusal.why;
    t.equal(got, expected, `${token.slice(0, 3)} ${file} ${ua.slice(0, 20)} at ${nowIso}`);
  }
});

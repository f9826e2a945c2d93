import t from 'tap';
import type { Connection } from '../../src/core/model.js';
import { keyLayoutFor, provisioningUrl } from '../../src/store/queries.js';
import {
  buildCommonView,
  buildPhoneView,
  cleanText,
  NAT_KEEPALIVE_SECONDS,
  REGISTRATION_EXPIRES,
  type PhoneView,
} from '../../src/provisioning/view-model.js';
import { asciiName, model, officeData, phone, phoneView } from '../fixtures/provisioning/office.js';

t.test('server, expiry, keep-alive and provisioning URL per connection mode', async (t) => {
  const modes: [Connection, string | undefined, Pick<PhoneView, 'server' | 'provisioning'>][] = [
    [
      { mode: 'lan' },
      undefined,
      {
        server: {
          transport: 'udp',
          expires: 600,
          registrar: { host: '192.0.2.10', port: 5060, text: '192.0.2.10:5060' },
          outboundProxy: null,
          natKeepAlive: { enabled: false, interval: 30 },
        },
        provisioning: {
          url: 'http://192.0.2.10:8088/provisioning/tok-0123456789abcdef/',
          origin: 'http://192.0.2.10:8088',
          path: '/provisioning/tok-0123456789abcdef/',
        },
      },
    ],
    [
      { mode: 'sbc', sbc: 'sbc.example.net:5062' },
      undefined,
      {
        server: {
          transport: 'udp',
          expires: 600,
          registrar: { host: 'office.example', port: 5060, text: 'office.example:5060' },
          outboundProxy: { host: 'sbc.example.net', port: 5062, text: 'sbc.example.net:5062' },
          natKeepAlive: { enabled: false, interval: 30 },
        },
        provisioning: {
          url: 'http://192.0.2.10:8088/provisioning/tok-0123456789abcdef/',
          origin: 'http://192.0.2.10:8088',
          path: '/provisioning/tok-0123456789abcdef/',
        },
      },
    ],
    [
      { mode: 'sbc', sbc: '[2001:db8::5]:5060' },
      undefined,
      {
        server: {
          transport: 'udp',
          expires: 600,
          registrar: { host: 'office.example', port: 5060, text: 'office.example:5060' },
          outboundProxy: { host: '2001:db8::5', port: 5060, text: '[2001:db8::5]:5060' },
          natKeepAlive: { enabled: false, interval: 30 },
        },
        provisioning: {
          url: 'http://192.0.2.10:8088/provisioning/tok-0123456789abcdef/',
          origin: 'http://192.0.2.10:8088',
          path: '/provisioning/tok-0123456789abcdef/',
        },
      },
    ],
    [
      { mode: 'direct' },
      '203.0.113.7',
      {
        server: {
          transport: 'udp',
          expires: 120,
          registrar: { host: '203.0.113.7', port: 5060, text: '203.0.113.7:5060' },
          outboundProxy: null,
          natKeepAlive: { enabled: true, interval: 30 },
        },
        provisioning: {
          url: 'http://203.0.113.7:8088/provisioning/tok-0123456789abcdef/',
          origin: 'http://203.0.113.7:8088',
          path: '/provisioning/tok-0123456789abcdef/',
        },
      },
    ],
    [
      { mode: 'direct' },
      undefined,
      {
        server: {
          transport: 'udp',
          expires: 120,
          registrar: { host: '192.0.2.10', port: 5060, text: '192.0.2.10:5060' },
          outboundProxy: null,
          natKeepAlive: { enabled: true, interval: 30 },
        },
        provisioning: {
          url: 'http://192.0.2.10:8088/provisioning/tok-0123456789abcdef/',
          origin: 'http://192.0.2.10:8088',
          path: '/provisioning/tok-0123456789abcdef/',
        },
      },
    ],
  ];
  for (const [connection, publicAddress, expected] of modes) {
    const data = officeData();
    data.settings.sipDomain = 'office.example';
    const view = phoneView('yealink', { connection, data, ...(publicAddress ? { publicAddress } : {}) });
    t.same(
      { server: view.server, provisioning: view.provisioning },
      expected,
      `${JSON.stringify(connection)} ${publicAddress ?? ''}`,
    );
  }
  t.equal(REGISTRATION_EXPIRES.direct < REGISTRATION_EXPIRES.lan, true);
  t.equal(NAT_KEEPALIVE_SECONDS, 30);
});

t.test('the LAN provisioning URL is the store’s own', async (t) => {
  const data = officeData();
  t.equal(phoneView('snom', { data }).provisioning.url, provisioningUrl(data));
  data.settings.address = '2001:db8::10';
  data.settings.httpPort = 8443;
  const view = phoneView('snom', { data });
  t.equal(view.provisioning.url, provisioningUrl(data));
  t.same(view.server.registrar, { host: '2001:db8::10', port: 5060, text: '[2001:db8::10]:5060' });
});

t.test('an idle phone registers its own account', async (t) => {
  const view = phoneView('poly');
  t.equal(view.state, 'idle');
  t.same(view.account, {
    user: 'HD0007',
    authName: 'HD0007',
    password: 'idle-pass-0007',
    displayName: 'HD0007',
    label: 'HD0007',
    language: 'en',
  });
  t.same(view.keys, [
    { slot: 1, kind: 'logout', label: 'Logout', number: '*77*5*' },
    { slot: 2, kind: 'unused' },
    { slot: 3, kind: 'unused' },
    { slot: 4, kind: 'unused' },
  ]);
  t.same(view.overflow, []);
  t.same(view.emergencyNumbers, ['112', '911']);
  t.same(
    { stun: view.stun, dtmf: view.dtmf, reprovision: view.reprovision, trustOnlyServer: view.trustOnlyServer },
    {
      stun: { enabled: false },
      dtmf: { rfc2833: true, payloadType: 101, sipInfo: false },
      reprovision: { event: 'check-sync', reboot: false },
      trustOnlyServer: true,
    },
  );
  t.same(
    { generation: view.generation, phone: view.phone, vendor: view.vendor, kind: view.kind },
    {
      generation: 12,
      phone: { name: 'HD0007', mac: '0004f2aabbcc', connection: 'lan' },
      vendor: 'poly',
      kind: 'phone',
    },
  );
});

t.test('a logged-in phone registers the extension, with its BLF keys and the rest unused', async (t) => {
  const data = officeData();
  data.extensions[0]!.blf = ['202', null, '203'];
  const view = phoneView('snom', { user: '201', modelId: 'snom-d785', data });
  t.equal(view.state, 'logged-in');
  t.same(view.account, {
    user: '201',
    authName: '201',
    password: 'sip-secret-201',
    displayName: 'Alice Example',
    label: 'Alice Example',
    language: 'de',
  });
  t.equal(view.keys.length, model('snom-d785').keys, 'every slot of the model is written');
  t.same(view.keys.slice(0, 4), [
    { slot: 1, kind: 'logout', label: 'Logout', number: '*77*5*' },
    { slot: 2, kind: 'blf', label: 'Bob', number: '202', uri: 'sip:202@192.0.2.10' },
    { slot: 3, kind: 'blf', label: 'Carol & Co', number: '203', uri: 'sip:203@192.0.2.10' },
    { slot: 4, kind: 'unused' },
  ]);
  t.ok(view.keys.slice(3).every((key) => key.kind === 'unused'));
  t.same(
    view.keys.map((key) => key.slot),
    Array.from({ length: view.keys.length }, (_, i) => i + 1),
  );
});

t.test('what does not fit the model is overflow, in list order', async (t) => {
  const view = phoneView('snom', { user: '201' });
  t.same(
    view.keys.map((key) => (key.kind === 'unused' ? '-' : key.number)),
    ['*77*5*', '202', '203'],
  );
  t.same(
    view.overflow.map((key) => key.number),
    Array.from({ length: 18 }, (_, i) => String(204 + i)),
  );
  t.same(view.overflow[0], { number: '204', label: 'User 204' });
});

t.test('a layout built for more keys than the model has still gives exactly the model’s slots', async (t) => {
  const data = officeData();
  const view = buildPhoneView({
    phone: { ...phone('snom'), session: { extension: '201', since: '2026-11-22T08:00:00.000Z' } },
    model: model('snom-d717'),
    settings: data.settings,
    extension: data.extensions[0],
    layout: keyLayoutFor(data, data.extensions[0], 5),
    generation: 1,
  });
  t.same(
    view.keys.map((key) => (key.kind === 'unused' ? '-' : key.number)),
    ['*77*5*', '202', '203'],
  );
  t.same(
    view.overflow.map((key) => key.number).slice(0, 3),
    ['204', '205', '206'],
    'cut keys first, then the layout’s own overflow',
  );
  t.equal(view.overflow.length, 18);
});

t.test('human text is cleaned once, for every vendor', async (t) => {
  const cases: [string, string][] = [
    ['Alice Example', 'Alice Example'],
    ['  Bob \t  Builder ', 'Bob Builder'],
    ['Eve\naccount.1.password = x', 'Eve account.1.password = x'],
    ['Bob"/><x>', 'Bob"/><x>'],
    ['Mal\u202eicious\u200b', 'Malicious'],
    ['nul\u0000\u0085\u2028end', 'nul end'],
    ['x'.repeat(80), 'x'.repeat(64)],
    ['😀'.repeat(70), '😀'.repeat(64)],
    ['\n\t', ''],
  ];
  for (const [input, expected] of cases) t.equal(cleanText(input), expected, asciiName(input).slice(0, 60));

  const view = phoneView('yealink', { user: '201', name: 'Eve\naccount.1.password = x' });
  t.equal(view.account.displayName, 'Eve account.1.password = x');
  t.equal(view.account.label, 'Eve account.1.password = x');
  t.equal(
    phoneView('yealink', { user: '201', name: '\u0000\n' }).account.displayName,
    '201',
    'an empty name falls back to the number',
  );
});

t.test('the logged-in language, else the office default', async (t) => {
  const data = officeData();
  data.settings.defaultLanguage = 'it';
  t.equal(phoneView('fanvil', { data }).account.language, 'it');
  t.equal(phoneView('fanvil', { data, user: '201' }).account.language, 'de');
});

t.test('common view', async (t) => {
  const settings = officeData().settings;
  const view = buildCommonView({ vendor: 'yealink', model: model('yealink-t54w'), settings });
  t.same(view, {
    kind: 'common',
    vendor: 'yealink',
    model: model('yealink-t54w'),
    stun: { enabled: false },
    dtmf: { rfc2833: true, payloadType: 101, sipInfo: false },
    reprovision: { event: 'check-sync', reboot: false },
    trustOnlyServer: true,
    emergencyNumbers: ['112', '911'],
  });
  settings.emergencyNumbers.push('999');
  t.same(view.emergencyNumbers, ['112', '911'], 'a copy, not the settings’ own list');
});

/**
 * Golden files: the whole rendered configuration per vendor × state, from the shipped
 * templates, compared byte for byte with test/fixtures/provisioning/<model>/. After an
 * intended change, regenerate with `UPDATE_GOLDEN=1 npx tap test/provisioning/golden.test.ts`
 * and read the diff. Each file is also read back in its vendor's format.
 */
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Vendor } from '../../src/core/catalogue.js';
import type { Connection } from '../../src/core/model.js';
import {
  phoneFileName,
  POLY_PHONE_SUFFIX,
  VENDOR_FORMAT,
  type ConfigFile,
} from '../../src/provisioning/config-files.js';
import { identifyRequest } from '../../src/provisioning/identify-request.js';
import { renderConfig } from '../../src/provisioning/render.js';
import type { ConfigView } from '../../src/provisioning/view-model.js';
import {
  commonView,
  GOLDEN_DIR,
  GOLDEN_MODELS,
  model,
  phoneView,
  ROOT,
  shippedModels,
  shippedTemplate,
  VENDORS,
} from '../fixtures/provisioning/office.js';
import { checkGolden } from '../fixtures/provisioning/golden-file.js';
import { readPhoneConfig, readXml, readYealink, validateXml } from '../fixtures/provisioning/read-config.js';

const extensionOf = (vendor: Vendor): string => (VENDOR_FORMAT[vendor] === 'xml' ? 'xml' : 'cfg');

function render(vendor: Vendor, file: ConfigFile, view: ConfigView): string {
  const result = renderConfig(shippedTemplate(vendor, file), view, { file });
  if (!result.ok) throw new Error(`${vendor}/${file}: ${JSON.stringify(result.error)}`);
  return result.text;
}

const golden = checkGolden;

interface Scenario {
  name: string;
  user?: string;
  connection: Connection;
  publicAddress?: string;
}

const SCENARIOS: Scenario[] = [
  { name: 'idle-lan', connection: { mode: 'lan' } },
  { name: 'user-sbc', user: '201', connection: { mode: 'sbc', sbc: 'sbc.example.net:5062' } },
  { name: 'user-direct', user: '201', connection: { mode: 'direct' }, publicAddress: '203.0.113.7' },
];

for (const vendor of VENDORS) {
  const modelId = GOLDEN_MODELS[vendor];
  const keyCount = model(modelId).keys;

  for (const scenario of SCENARIOS) {
    t.test(`${modelId} ${scenario.name}`, async (t) => {
      const view = phoneView(vendor, {
        connection: scenario.connection,
        ...(scenario.user ? { user: scenario.user } : {}),
        ...(scenario.publicAddress ? { publicAddress: scenario.publicAddress } : {}),
      });
      const text = render(vendor, 'phone', view);
      golden(t, `${modelId}/${scenario.name}.${extensionOf(vendor)}`, text);

      const config = readPhoneConfig(vendor, text);
      const expectedAccount = scenario.user
        ? { user: '201', authName: '201', password: 'sip-secret-201', displayName: 'Alice Example' }
        : { user: 'HD0007', authName: 'HD0007', password: 'idle-pass-0007', displayName: 'HD0007' };
      t.same(
        { user: config.user, authName: config.authName, password: config.password, displayName: config.displayName },
        expectedAccount,
        'the account',
      );
      t.equal(config.registrar.endsWith(':5060'), true, 'the registrar with its port');
      t.match(config.registrar, scenario.publicAddress ?? '192.0.2.10');

      const logout = {
        yealink: { type: '13', value: '*77*5*', label: 'Logout' },
        poly: { type: 'EFK', value: '*77*5*$Tinvite$', label: 'Logout' },
        snom: { type: 'speed', value: '*77*5*', label: 'Logout' },
        grandstream: { type: 'SpeedDial', value: '*77*5*', label: 'Logout' },
        fanvil: { type: '1', value: '*77*5*@1/f', label: 'Logout' },
      }[vendor];
      t.same(config.firstKey, logout, 'Logout is the first key');
      t.equal(config.keys.length, keyCount, `every one of the ${keyCount} key slots is written`);
      t.ok(
        config.stunServers.every((server) => server === ''),
        'no STUN server',
      );
      if (vendor === 'yealink') {
        const file = readYealink(text);
        t.same(file.strays, [], 'only comments and key = value lines');
        t.same(file.duplicates, [], 'no key twice');
      }
      if (scenario.user) {
        t.notMatch(text, /idle-pass/, 'the idle account’s password is not written');
      }
    });
  }
}

t.test('the logged-in keys: BLF in list order, empties dropped, the rest overflows', async (t) => {
  const expectedBlf = (count: number) =>
    [
      '202',
      '203',
      '204',
      '205',
      '206',
      '207',
      '208',
      '209',
      '210',
      '211',
      '212',
      '213',
      '214',
      '215',
      '216',
      '217',
      '218',
      '219',
      '220',
      '221',
    ].slice(0, count);
  for (const vendor of VENDORS) {
    const view = phoneView(vendor, { user: '201' });
    const config = readPhoneConfig(vendor, render(vendor, 'phone', view));
    const slots = model(GOLDEN_MODELS[vendor]).keys;
    t.ok(view.overflow.length > 0, `${vendor}: Alice's list overflows ${GOLDEN_MODELS[vendor]}`);
    const blf = config.keys.slice(1).map((key) =>
      key
        .replace(/^\S+ /, '')
        .replace(/@1\/ba$/, '')
        .replace(/^sip:(\d+)@.*$/, '$1'),
    );
    if (vendor === 'poly') {
      t.same(config.keys, ['EFK', 'BLF', 'BLF', 'BLF'], 'poly: EFK then BLF categories');
      const list = (config.document as { polycomConfig: Record<string, string> }).polycomConfig;
      t.same(
        [1, 2, 3].map((n) => list[`@attendant.resourceList.${n}.address`]),
        expectedBlf(3),
        'poly: resource list in order',
      );
    } else {
      t.same(blf, expectedBlf(slots - 1), `${vendor}: BLF targets in order`);
    }
  }
});

t.test('common and master files', async (t) => {
  const yealink = render('yealink', 'common', commonView('yealink', 'yealink-t33g'));
  golden(t, 'yealink-common.cfg', yealink);
  const values = readYealink(yealink).values;
  t.same(
    Object.fromEntries(
      [
        'static.auto_provision.custom.protect',
        'sip.notify_reboot_enable',
        'sip.trust_ctrl',
        'static.sip.nat_stun.enable',
        'static.sip.nat_stun.server',
        'dialplan.emergency.1.value',
        'dialplan.emergency.2.value',
      ].map((key) => [key, values.get(key)]),
    ),
    {
      'static.auto_provision.custom.protect': '0',
      'sip.notify_reboot_enable': '0',
      'sip.trust_ctrl': '1',
      'static.sip.nat_stun.enable': '0',
      'static.sip.nat_stun.server': '%NULL%',
      'dialplan.emergency.1.value': '112',
      'dialplan.emergency.2.value': '911',
    },
  );

  const master = render('poly', 'master', phoneView('poly'));
  golden(t, 'poly-vvx250/master.xml', master);
  const listed = readXml(master).APPLICATION['@CONFIG_FILES'];
  t.equal(listed, phoneFileName(model('poly-vvx250'), '0004f2aabbcc'));
  t.equal(listed.endsWith(POLY_PHONE_SUFFIX), true);
  t.same(
    identifyRequest(listed, 'FileTransport PolycomVVX-VVX_250-UA/6.4.6.2395', shippedModels()),
    {
      vendor: 'poly',
      file: 'phone',
      mac: '0004f2aabbcc',
      model: 'poly-vvx250',
      userAgent: { vendor: 'poly', model: 'VVX_250', firmware: '6.4.6.2395' },
    },
    'the file the master lists is the phone file hotdeskd serves',
  );

  const snom = render('snom', 'common', commonView('snom', 'snom-d717'));
  golden(t, 'snom-common.xml', snom);
  t.equal(validateXml(snom), true);
});

t.test('shipped templates', async (t) => {
  for (const vendor of VENDORS) {
    const files = readdirSync(resolve(ROOT, 'templates', vendor)).filter((name) => name !== 'models.json');
    t.ok(files.includes(`phone.${extensionOf(vendor)}`), `${vendor} has a phone template`);
    for (const name of files) {
      const text = readFileSync(resolve(ROOT, 'templates', vendor, name), 'utf8');
      t.notMatch(text, /<%~/, `${vendor}/${name} never writes a value unescaped`);
      t.match(
        name,
        new RegExp(`^([a-z0-9-]+\\.)?(common|master|phone)\\.${extensionOf(vendor)}$`),
        `${vendor}/${name} is named as templateCandidates looks it up`,
      );
    }
  }
});

t.test('no stale golden files', async (t) => {
  const expected = new Set([
    ...VENDORS.flatMap((vendor) =>
      SCENARIOS.map((scenario) => `${GOLDEN_MODELS[vendor]}/${scenario.name}.${extensionOf(vendor)}`),
    ),
    'yealink-common.cfg',
    'poly-vvx250/master.xml',
    'snom-common.xml',
    // golden-tls.test.ts: the TLS variant per vendor.
    ...VENDORS.map((vendor) => `${GOLDEN_MODELS[vendor]}/user-lan-tls.${extensionOf(vendor)}`),
  ]);
  const found = readdirSync(GOLDEN_DIR, { recursive: true, encoding: 'utf8' }).filter((name) =>
    /\.(cfg|xml)$/.test(name),
  );
  t.same(found.filter((name) => !expected.has(name)).sort(), [], 'every golden file belongs to a test');
});

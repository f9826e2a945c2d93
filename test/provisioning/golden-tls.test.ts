/**
 * Golden files for an office served over TLS (hotdeskd --tls-cert/--tls-key): a logged-in
 * LAN phone per vendor registers over SIP/TLS on the TLS port and fetches its files over
 * HTTPS, each spelled the vendor's way (docs/phones.md). Compared byte for byte with
 * test/fixtures/provisioning/<model>/user-lan-tls.<ext>; regenerate with
 * `UPDATE_GOLDEN=1 npx tap test/provisioning/golden-tls.test.ts` and read the diff.
 */
import t from 'tap';
import type { Vendor } from '../../src/core/catalogue.js';
import type { Connection } from '../../src/core/model.js';
import { VENDOR_FORMAT } from '../../src/provisioning/config-files.js';
import { renderConfig } from '../../src/provisioning/render.js';
import { buildPhoneView, type PhoneView } from '../../src/provisioning/view-model.js';
import { keyLayoutFor } from '../../src/store/queries.js';
import { GOLDEN_MODELS, model, officeData, phone, shippedTemplate, VENDORS } from '../fixtures/provisioning/office.js';
import { checkGolden } from '../fixtures/provisioning/golden-file.js';
import { readPhoneConfig, readXml, readYealink } from '../fixtures/provisioning/read-config.js';

const TLS = { sipPort: 5061, httpsPort: 8443 };
const extensionOf = (vendor: Vendor): string => (VENDOR_FORMAT[vendor] === 'xml' ? 'xml' : 'cfg');

/** Alice logged in at the phone, as the provisioning service builds it with TLS on (or off). */
function aliceView(vendor: Vendor, tls: typeof TLS | undefined, connection: Connection = { mode: 'lan' }): PhoneView {
  const data = officeData();
  const alice = data.extensions.find((ext) => ext.number === '201')!;
  const provisioningModel = model(GOLDEN_MODELS[vendor]);
  const thePhone = phone(vendor, connection);
  return buildPhoneView({
    phone: { ...thePhone, session: { extension: '201', since: '2026-11-22T08:00:00.000Z' } },
    model: provisioningModel,
    settings: data.settings,
    extension: alice,
    layout: keyLayoutFor(data, alice, provisioningModel.keys),
    generation: thePhone.desiredGeneration,
    ...(tls ? { tls } : {}),
  });
}

function render(vendor: Vendor, view: PhoneView): string {
  const result = renderConfig(shippedTemplate(vendor, 'phone'), view, { file: 'phone' });
  if (!result.ok) throw new Error(`${vendor}: ${JSON.stringify(result.error)}`);
  return result.text;
}

const golden = checkGolden;

/** Transport, registrar and provisioning URL as each vendor's file says them. */
function readTransport(vendor: Vendor, text: string): { transport: string; registrar: string; provisioning: string } {
  const registrar = readPhoneConfig(vendor, text).registrar;
  switch (vendor) {
    case 'yealink': {
      const values = readYealink(text).values;
      return {
        transport: values.get('account.1.sip_server.1.transport_type') ?? '',
        registrar,
        provisioning: values.get('static.auto_provision.server.url') ?? '',
      };
    }
    case 'poly': {
      const config = readXml(text).polycomConfig;
      return { transport: String(config['@reg.1.server.1.transport']), registrar, provisioning: '' };
    }
    case 'snom': {
      const settings = readXml(text).settings['phone-settings'];
      const host = String(settings.user_host['#text']);
      return {
        transport: host.split(';')[1] ?? '',
        registrar: host.split(';')[0]!,
        provisioning: String(settings.setting_server['#text']),
      };
    }
    case 'grandstream': {
      const items = readXml(text).gs_provision.config.item as { '@name': string; '#text'?: string }[];
      return {
        transport: items.find((item) => item['@name'] === 'account.1.sip.transport')?.['#text'] ?? '',
        registrar,
        provisioning: '',
      };
    }
    case 'fanvil': {
      const config = readXml(text).sysConf;
      return {
        transport: String(config.sip.line[0].Transport),
        registrar,
        provisioning: String(config.ap.FlashServerIP),
      };
    }
  }
}

const EXPECTED: Readonly<Record<Vendor, { transport: string; provisioning: string }>> = {
  yealink: { transport: '2', provisioning: 'https://192.0.2.10:8443/provisioning/tok-0123456789abcdef/' },
  poly: { transport: 'TLS', provisioning: '' },
  snom: { transport: 'transport=tls', provisioning: 'https://192.0.2.10:8443/provisioning/tok-0123456789abcdef/' },
  grandstream: { transport: 'TlsOrTcp', provisioning: '' },
  fanvil: { transport: '3', provisioning: 'https://192.0.2.10:8443' },
};
const PLAIN: Readonly<Record<Vendor, { transport: string; provisioning: string }>> = {
  yealink: { transport: '0', provisioning: 'http://192.0.2.10:8088/provisioning/tok-0123456789abcdef/' },
  poly: { transport: 'UDPOnly', provisioning: '' },
  snom: { transport: '', provisioning: 'http://192.0.2.10:8088/provisioning/tok-0123456789abcdef/' },
  grandstream: { transport: 'UDP', provisioning: '' },
  fanvil: { transport: '0', provisioning: 'http://192.0.2.10:8088' },
};

for (const vendor of VENDORS) {
  const modelId = GOLDEN_MODELS[vendor];
  t.test(`${modelId} user-lan-tls`, async (t) => {
    const text = render(vendor, aliceView(vendor, TLS));
    golden(t, `${modelId}/user-lan-tls.${extensionOf(vendor)}`, text);
    t.same(
      readTransport(vendor, text),
      { ...EXPECTED[vendor], registrar: '192.0.2.10:5061' },
      'SIP over TLS on the TLS port, files over HTTPS',
    );
    t.equal(readPhoneConfig(vendor, text).user, '201', 'the logged-in account');
    if (vendor === 'yealink') t.same(readYealink(text).duplicates, [], 'no key twice');
  });

  t.test(`${modelId}: without TLS the same phone keeps UDP and HTTP`, async (t) => {
    const text = render(vendor, aliceView(vendor, undefined));
    t.same(readTransport(vendor, text), { ...PLAIN[vendor], registrar: '192.0.2.10:5060' });
    t.notMatch(text, /https:|5061|8443|transport=tls/i, 'nothing of TLS is written');
  });
}

t.test('a phone behind an SBC keeps the SBC’s transport when TLS is on', async (t) => {
  const view = aliceView('yealink', TLS, { mode: 'sbc', sbc: 'sbc.example.net:5062' });
  t.equal(view.server.transport, 'udp');
  t.equal(view.server.registrar.port, 5060, 'the office SIP port behind the SBC');
  t.equal(view.provisioning.origin, 'https://192.0.2.10:8443', 'files still over HTTPS');
  const direct = aliceView('yealink', TLS, { mode: 'direct' });
  t.same([direct.server.transport, direct.server.registrar.port], ['tls', 5061], 'a direct phone registers over TLS');
});

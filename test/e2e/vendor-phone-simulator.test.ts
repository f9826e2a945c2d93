/**
 * The vendor simulators (test/support/vendor-phone.ts) refuse what their phones
 * would refuse, so that the end-to-end tests cannot pass on a file a phone
 * would not take. Served by a tiny HTTP server with canned files.
 */
import t, { type Test } from 'tap';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  fanvilProfile,
  grandstreamProfile,
  polyProfile,
  snomProfile,
  startVendorPhone,
  yealinkProfile,
  type VendorProfile,
} from '../support/vendor-phone.js';

async function serve(
  t: Test,
  files: Record<string, string>,
): Promise<{ base: string; asked: { file: string; userAgent: string }[] }> {
  const asked: { file: string; userAgent: string }[] = [];
  const server = http.createServer((request, response) => {
    const file = (request.url ?? '').split('/').pop()!;
    asked.push({ file, userAgent: String(request.headers['user-agent']) });
    const body = files[file];
    response.writeHead(body === undefined ? 404 : 200).end(body ?? 'not found\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/p`, asked };
}

const yealink = yealinkProfile({
  model: 'yealink-t54w',
  name: 'T54W',
  commonFile: 'y000000000096.cfg',
  firmware: '96.86.0.100',
  mac: '001565a1b2c3',
});
const poly = polyProfile({ model: 'poly-vvx450', name: 'VVX_450', firmware: '6.4.6.2395', mac: '0004f2a1b2c3' });
const snom = snomProfile({ model: 'snom-d785', name: 'D785', firmware: '10.1.33.33', mac: '000413a1b2c3' });
const grandstream = grandstreamProfile({
  model: 'grandstream-grp2614',
  name: 'GRP2614',
  firmware: '1.0.5.33',
  mac: 'c074ada1b2c3',
});
const fanvil = fanvilProfile({ model: 'fanvil-x4u', name: 'X4U', firmware: '2.12.16.17', mac: '0c383ea1b2c3' });

const YEALINK_OK =
  '#!version:1.0.0.1\naccount.1.user_name = 101\naccount.1.auth_name = 101\naccount.1.password = pw\n' +
  'account.1.sip_server.1.address = 127.0.0.1\naccount.1.sip_server.1.port = 5060\n' +
  'account.1.sip_server.1.transport_type = 0\naccount.1.dtmf.type = 1\n' +
  'linekey.1.type = 13\nlinekey.1.line = 1\nlinekey.1.value = *77*5*\nlinekey.1.label = Logout\n' +
  'linekey.2.type = 0\nlinekey.2.line = 1\nlinekey.2.value = %NULL%\n';

async function boot(t: Test, profile: VendorProfile, files: Record<string, string>) {
  const { base, asked } = await serve(t, files);
  const phone = startVendorPhone(profile, base);
  return { result: phone.boot(), asked };
}

t.test('Yealink: common then MAC file, the MAC file wins; the header line is mandatory', async (t) => {
  const ok = await boot(t, yealink, {
    'y000000000096.cfg': '#!version:1.0.0.1\naccount.1.password = common\n',
    '001565a1b2c3.cfg': YEALINK_OK,
  });
  const config = (await ok.result).config;
  t.same(
    ok.asked.map((entry) => entry.file),
    ['y000000000000.boot', 'y000000000096.cfg', '001565a1b2c3.cfg'],
  );
  t.equal(
    ok.asked[0]!.userAgent,
    'Yealink SIP-T54W 96.86.0.100 00:15:65:a1:b2:c3',
    "the vendor's User-Agent with the MAC",
  );
  t.match(config, { user: '101', password: 'pw', transport: 'udp', dtmf: 'rfc2833' });
  t.same(config.keys, [{ kind: 'speed-dial', number: '*77*5*', label: 'Logout' }, { kind: 'none' }]);
  const bad = await boot(t, yealink, {
    'y000000000096.cfg': '#!version:1.0.0.1\n',
    '001565a1b2c3.cfg': YEALINK_OK.replace('#!version:1.0.0.1\n', ''),
  });
  await t.rejects(bad.result, /first line/, 'a file without #!version:1.0.0.1 is refused');
  const noCommon = await boot(t, yealink, { '001565a1b2c3.cfg': YEALINK_OK });
  await t.rejects(noCommon.result, /HTTP 404/, 'the model common file is needed');
});

t.test(
  'Poly: updater then application ask for the master; CONFIG_FILES, first listed wins; an override served is refused',
  async (t) => {
    const master =
      '<?xml version="1.0"?><APPLICATION APP_FILE_PATH="" CONFIG_FILES="[PHONE_MAC_ADDRESS]-a.cfg, b.cfg"/>';
    const a =
      '<?xml version="1.0"?><polycomConfig reg.1.address="101" reg.1.auth.userId="101" ' +
      'reg.1.auth.password="first" reg.1.server.1.address="127.0.0.1" reg.1.server.1.port="5060" ' +
      'reg.1.server.1.transport="UDPOnly" tone.dtmf.rfc2833Control="1" lineKey.reassignment.enabled="1" ' +
      'lineKey.1.category="BLF" lineKey.1.index="0" attendant.resourceList.1.address="102" ' +
      'attendant.resourceList.1.label="Alan"/>';
    const b = '<?xml version="1.0"?><polycomConfig reg.1.auth.password="second"/>';
    const ok = await boot(t, poly, { '0004f2a1b2c3.cfg': master, '0004f2a1b2c3-a.cfg': a, 'b.cfg': b });
    const config = (await ok.result).config;
    t.same(
      ok.asked.slice(0, 4).map((entry) => entry.file),
      ['0004f2a1b2c3.cfg', '0004f2a1b2c3.cfg', '0004f2a1b2c3-a.cfg', 'b.cfg'],
    );
    t.match(ok.asked[0]!.userAgent, /Type\/Updater$/);
    t.match(ok.asked[1]!.userAgent, /Type\/Application$/);
    t.equal(config.password, 'first', 'the first file listed wins');
    t.same(config.keys, [{ kind: 'blf', number: '102', label: 'Alan' }]);
    const fallback = await boot(t, poly, { '000000000000.cfg': master, '0004f2a1b2c3-a.cfg': a, 'b.cfg': b });
    await fallback.result;
    t.same(
      fallback.asked.slice(0, 2).map((entry) => entry.file),
      ['0004f2a1b2c3.cfg', '000000000000.cfg'],
      'no per-phone master: the default one',
    );
    const override = await boot(t, poly, {
      '0004f2a1b2c3.cfg': master,
      '0004f2a1b2c3-a.cfg': a,
      'b.cfg': b,
      '0004f2a1b2c3-phone.cfg': '<x/>',
    });
    await t.rejects(override.result, /override/);
  },
);

t.test('Snom: model file, then the MAC file in capitals; <setting-files> are followed', async (t) => {
  const settings =
    '<?xml version="1.0"?><settings><phone-settings><user_name idx="1" perm="R">101</user_name><user_pass ' +
    'idx="1" perm="R">pw</user_pass><user_host idx="1" perm="R">127.0.0.1:5070</user_host><user_dtmf_info ' +
    'idx="1" perm="R">off</user_dtmf_info></phone-settings><functionKeys><fkey idx="1" context="active" ' +
    'label="Alan" perm="R">blf sip:102@127.0.0.1</fkey><fkey idx="0" context="active" label="Logout" ' +
    'perm="R">speed *77*5*</fkey></functionKeys></settings>';
  const ok = await boot(t, snom, {
    'snomD785-000413A1B2C3.htm': '<?xml version="1.0"?><setting-files><file url="http://x/own.xml"/></setting-files>',
    'own.xml': settings,
  });
  const config = (await ok.result).config;
  t.same(
    ok.asked.map((entry) => entry.file),
    ['snomD785.htm', 'snomD785-000413A1B2C3.htm', 'own.xml'],
  );
  t.match(ok.asked[0]!.userAgent, /snomD785-SIP 10\.1\.33\.33 .* 000413A1B2C3 /);
  t.match(config, {
    user: '101',
    authName: '101',
    registrar: { host: '127.0.0.1', port: 5070 },
    transport: 'udp',
    dtmf: 'rfc2833',
  });
  t.same(
    config.keys,
    [
      { kind: 'speed-dial', number: '*77*5*', label: 'Logout' },
      { kind: 'blf', number: '102', label: 'Alan' },
    ],
    'keys by idx, 0 first',
  );
});

t.test('Grandstream: P-values and aliases alike; a file for another MAC is refused', async (t) => {
  const v1 =
    '<?xml version="1.0"?><gs_provision version="1"><mac>c074ada1b2c3</mac><config version="1">' +
    '<P47>127.0.0.1:5062</P47><P35>101</P35><P36>101</P36><P34>pw</P34><P130>0</P130><P2302>1</P2302>' +
    '</config></gs_provision>';
  const ok = await boot(t, grandstream, { 'cfgc074ada1b2c3.xml': v1 });
  t.match((await ok.result).config, {
    user: '101',
    password: 'pw',
    registrar: { port: 5062 },
    transport: 'udp',
    dtmf: 'rfc2833',
  });
  t.same(
    ok.asked.map((entry) => entry.file),
    ['cfgc074ada1b2c3', 'cfgc074ada1b2c3.xml', 'cfggrp2614.xml'],
  );
  t.equal(ok.asked[0]!.userAgent, 'Grandstream Model HW GRP2614 SW 1.0.5.33 DevId c074ada1b2c3');
  const other = await boot(t, grandstream, {
    'cfgc074ada1b2c3.xml': v1.replace('<mac>c074ada1b2c3</mac>', '<mac>c074ad000001</mac>'),
  });
  await t.rejects(other.result, /not this phone's/);
  const v2 =
    '<?xml version="1.0"?><gs_provision version="1"><config version="2"><item ' +
    'name="account.1.sip.server.1.address">127.0.0.1</item><item name="account.1.sip.userid">101</item><item ' +
    'name="account.1.sip.transport">TlsOrTcp</item><item name="pks.vpk.1.keyMode">SpeedDial</item><item ' +
    'name="pks.vpk.1.account">Account1</item><item name="pks.vpk.1.value">*77*5*</item><item ' +
    'name="pks.vpk.1.description">Logout</item></config></gs_provision>';
  const aliases = await boot(t, grandstream, { 'cfgc074ada1b2c3.xml': v2 });
  t.match(
    (await aliases.result).config,
    { user: '101', transport: 'tls', registrar: { port: 5060 }, keys: [{ kind: 'speed-dial', number: '*77*5*' }] },
    'config version 2 aliases',
  );
});

t.test('Fanvil: <sysConf> line 1 and memory keys; a key on another line is refused', async (t) => {
  const file = (value: string) =>
    `<?xml version="1.0"?><sysConf><sip><line index="1"><PhoneNumber>101</PhoneNumber><RegisterUser>` +
    `101</RegisterUser><RegisterPswd>pw</RegisterPswd><RegisterAddr>127.0.0.1</RegisterAddr><RegisterPort>` +
    `5060</RegisterPort><Transport>0</Transport><DTMFMode>1</DTMFMode></line></sip><dsskey><dssSide ` +
    `index="1"><Fkey index="1"><Type>1</Type><Value>${value}</Value><Title>Logout</Title></Fkey></dssSide>` +
    `</dsskey></sysConf>`;
  const ok = await boot(t, fanvil, { '0c383ea1b2c3.cfg': file('*77*5*@1/f') });
  t.same((await ok.result).config.keys, [{ kind: 'speed-dial', number: '*77*5*', label: 'Logout' }]);
  t.equal(ok.asked[0]!.userAgent, 'Fanvil X4U 2.12.16.17 0c383ea1b2c3');
  const line2 = await boot(t, fanvil, { '0c383ea1b2c3.cfg': file('*77*5*@2/f') });
  await t.rejects(line2.result, /not on line 1/);
});

t.test('check-sync: each vendor acts only on the events its documentation names', async (t) => {
  t.ok(yealink.actsOn('check-sync') && yealink.actsOn('check-sync;reboot=true'));
  t.notOk(yealink.actsOn('resync'), 'Yealink: not resync');
  t.ok(snom.actsOn('check-sync;reboot=false'));
  t.ok(grandstream.actsOn('resync') && grandstream.actsOn('check-sync'));
  t.notOk(poly.actsOn('message-summary'));
  t.notOk(fanvil.actsOn('resync'));
});

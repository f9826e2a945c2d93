import t from 'tap';
import { phoneFileName, templateCandidates, VENDOR_FORMAT } from '../../src/provisioning/config-files.js';
import { identifyRequest } from '../../src/provisioning/identify-request.js';
import { MACS, model, shippedModels, VENDORS } from '../fixtures/provisioning/office.js';

t.test('the per-phone file name of every shipped model is identified as that phone', async (t) => {
  const catalogue = shippedModels();
  const userAgents = {
    yealink: (name: string) => `Yealink SIP-${name} 96.86.0.100 00:15:65:aa:bb:cc`,
    poly: (name: string) => `FileTransport PolycomVVX-${name.replace(' ', '_')}-UA/6.4.6.2395`,
    snom: (name: string) => `Mozilla/4.0 (compatible; snom${name}-SIP 10.1.33.33 x 000413AABBCC)`,
    grandstream: (name: string) => `Grandstream Model HW ${name} SW 1.0.11.3 DevId 000b82aabbcc`,
    fanvil: (name: string) => `Fanvil ${name} 2.12.16.17 0c383eaabbcc`,
  };
  for (const entry of catalogue) {
    const mac = MACS[entry.vendor];
    const request = identifyRequest(phoneFileName(entry, mac), userAgents[entry.vendor](entry.name), catalogue);
    t.same(
      request && { vendor: request.vendor, file: request.file, mac: request.mac, model: request.model },
      { vendor: entry.vendor, file: 'phone', mac, model: entry.id },
      `${entry.id}: ${phoneFileName(entry, mac)}`,
    );
  }
});

t.test('file names', async (t) => {
  t.equal(phoneFileName(model('yealink-t54w'), '001565aabbcc'), '001565aabbcc.cfg');
  t.equal(phoneFileName(model('poly-vvx450'), '0004f2aabbcc'), '0004f2aabbcc-hotdesk.cfg');
  t.equal(phoneFileName(model('snom-d785'), '000413aabbcc'), 'snomD785-000413AABBCC.htm');
  t.equal(phoneFileName(model('grandstream-gxp2170'), '000b82aabbcc'), 'cfg000b82aabbcc.xml');
  t.equal(phoneFileName(model('fanvil-x6u'), '0c383eaabbcc'), '0c383eaabbcc.cfg');
});

t.test('template candidates: per-model file before vendor base', async (t) => {
  t.same(templateCandidates('yealink', 'yealink-t54w', 'phone'), ['yealink/t54w.phone.cfg', 'yealink/phone.cfg']);
  t.same(templateCandidates('yealink', undefined, 'common'), ['yealink/common.cfg']);
  t.same(templateCandidates('poly', 'poly-vvx250', 'master'), ['poly/vvx250.master.xml', 'poly/master.xml']);
  t.same(
    templateCandidates('snom', 'yealink-t54w', 'phone'),
    ['snom/phone.xml'],
    'another vendor’s model is no candidate',
  );
  t.same(
    templateCandidates('fanvil', 'fanvil-../../x', 'phone'),
    ['fanvil/phone.xml'],
    'a strange model id never reaches a path',
  );
  for (const vendor of VENDORS)
    t.match(templateCandidates(vendor, undefined, 'phone')[0], VENDOR_FORMAT[vendor] === 'xml' ? /\.xml$/ : /\.cfg$/);
});

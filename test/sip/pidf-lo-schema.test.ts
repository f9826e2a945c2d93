/**
 * The PIDF-LO hotdeskd sends with an emergency call, validated by libxml2 (xmllint, as WebAssembly)
 * against the schemas of RFC 3863, RFC 4479, RFC 4119 and RFC 5139 (test/fixtures/pidf-lo/).
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { validateXML } from 'xmllint-wasm';
import { buildPidfLo } from '../../src/sip/pidf-lo.js';

const folder = new URL('../fixtures/pidf-lo/', import.meta.url);
const schemaFile = (name: string) => ({ fileName: name, contents: readFileSync(new URL(name, folder), 'utf8') });
const schema = schemaFile('pidf.xsd');
const preload = ['data-model.xsd', 'geopriv10.xsd', 'civic-addr.xsd'].map(schemaFile);
const validate = (xml: string) => validateXML({ xml: { fileName: 'location.xml', contents: xml }, schema, preload });

const full = buildPidfLo({
  entity: 'sip:HD0003@office.example',
  deviceMac: '001565aabbcc',
  address: {
    country: 'US',
    region: 'IL',
    city: 'Springfield',
    street: 'Main St',
    number: '100',
    'postal-code': '62701',
    building: 'A',
    floor: '2',
    room: '214',
  },
  timestamp: '2026-12-05T10:00:00.000Z',
  id: 'desk-hd0003',
});

t.test('every field set', async (t) => {
  const result = await validate(full);
  t.same(
    result.errors.map((error) => error.message),
    [],
    'no schema errors',
  );
  t.equal(result.valid, true);
});

t.test('only the desk known, no office address', async (t) => {
  const result = await validate(
    buildPidfLo({
      entity: 'sip:HD0001@office.example',
      deviceMac: '001565000001',
      address: { room: '7' },
      timestamp: '2026-12-05T10:00:00Z',
      id: 'd',
    }),
  );
  t.equal(result.valid, true, result.errors.map((error) => error.message).join('; '));
});

t.test('the schemas refuse what the RFCs refuse', async (t) => {
  const outOfOrder = full.replace('<ca:BLD>A</ca:BLD>', '').replace('</ca:ROOM>', '</ca:ROOM>\r\n<ca:BLD>A</ca:BLD>');
  t.equal((await validate(outOfOrder)).valid, false, 'BLD after ROOM breaks the RFC 5139 sequence');
  t.equal((await validate(full.replace('<ca:country>US', '<ca:country>usa'))).valid, false, 'country is two capitals');
  t.equal(
    (await validate(full.replace(/<dm:deviceID>.*<\/dm:deviceID>/, ''))).valid,
    false,
    'a device needs its deviceID',
  );
  t.equal(
    (await validate(full.replace(' entity="sip:HD0003@office.example"', ''))).valid,
    false,
    'presence needs its entity',
  );
  t.equal((await validate(full.replace('<gp:usage-rules/>', ''))).valid, false, 'geopriv needs usage-rules');
});

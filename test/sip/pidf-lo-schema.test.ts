/**
 * The PIDF-LO hotdeskd sends with an emergency call, validated by libxml2 (xmllint, as WebAssembly)
 * against the schemas of RFC 3863, RFC 4479, RFC 4119 and RFC 5139 (test/fixtures/pidf-lo/).
 * Every document goes to one xmllint run (starting xmllint is most of the cost); each error names
 * the document it was found in.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { validateXML } from 'xmllint-wasm';
import { buildPidfLo } from '../../src/sip/pidf-lo.js';

const folder = new URL('../fixtures/pidf-lo/', import.meta.url);
const schemaFile = (name: string) => ({ fileName: name, contents: readFileSync(new URL(name, folder), 'utf8') });
const schema = schemaFile('pidf.xsd');
const preload = ['data-model.xsd', 'geopriv10.xsd', 'civic-addr.xsd'].map(schemaFile);

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

const documents = {
  'full.xml': full,
  'desk-only.xml': buildPidfLo({
    entity: 'sip:HD0001@office.example',
    deviceMac: '001565000001',
    address: { room: '7' },
    timestamp: '2026-12-05T10:00:00Z',
    id: 'd',
  }),
  'bld-after-room.xml': full
    .replace('<ca:BLD>A</ca:BLD>', '')
    .replace('</ca:ROOM>', '</ca:ROOM>\r\n<ca:BLD>A</ca:BLD>'),
  'country-lowercase.xml': full.replace('<ca:country>US', '<ca:country>usa'),
  'no-device-id.xml': full.replace(/<dm:deviceID>.*<\/dm:deviceID>/, ''),
  'no-entity.xml': full.replace(' entity="sip:HD0003@office.example"', ''),
  'no-usage-rules.xml': full.replace('<gp:usage-rules/>', ''),
};
type DocumentName = keyof typeof documents;

const result = await validateXML({
  xml: Object.entries(documents).map(([fileName, contents]) => ({ fileName, contents })),
  schema,
  preload,
});
const errorsOf = (name: DocumentName) =>
  result.errors.filter((error) => error.loc?.fileName === name).map((error) => error.message);

// xmllint ends with "<file> fails to validate" for each refused document, a line without a position.
const summary = /^(\S+) fails to validate$/;
t.test('every error names one of the documents', async (t) => {
  const named = (error: (typeof result.errors)[number]) =>
    (error.loc?.fileName ?? summary.exec(error.rawMessage.trim())?.[1] ?? '') in documents;
  t.same(
    result.errors.filter((error) => !named(error)).map((error) => error.rawMessage),
    [],
  );
});

t.test('every field set', async (t) => {
  t.same(errorsOf('full.xml'), [], 'no schema errors');
});

t.test('only the desk known, no office address', async (t) => {
  t.same(errorsOf('desk-only.xml'), [], 'no schema errors');
});

t.test('the schemas refuse what the RFCs refuse', async (t) => {
  t.not(errorsOf('bld-after-room.xml').length, 0, 'BLD after ROOM breaks the RFC 5139 sequence');
  t.not(errorsOf('country-lowercase.xml').length, 0, 'country is two capitals');
  t.not(errorsOf('no-device-id.xml').length, 0, 'a device needs its deviceID');
  t.not(errorsOf('no-entity.xml').length, 0, 'presence needs its entity');
  t.not(errorsOf('no-usage-rules.xml').length, 0, 'geopriv needs usage-rules');
  t.equal(result.valid, false, 'so the run as a whole is not valid');
});

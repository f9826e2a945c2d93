import t from 'tap';
import { XMLParser } from 'fast-xml-parser';
import { buildLocationBody, buildPidfLo, CIVIC_NS, DATA_MODEL_NS, GEOPRIV_NS, PIDF_NS } from '../../src/sip/pidf-lo.js';

const pidf = buildPidfLo({
  entity: 'sip:HD0003@office.example',
  deviceMac: '001565AABBCC',
  address: {
    room: '214',
    country: 'US',
    city: 'Springfield',
    street: 'Main St & 5th',
    number: '100',
    floor: '2',
    building: 'A',
    region: 'IL',
    'postal-code': '62701',
  },
  timestamp: '2026-12-05T10:00:00Z',
  id: 'd1',
});

const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', preserveOrder: false }).parse(
  pidf,
) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a parsed XML tree
const presence = parsed['presence'];
t.equal(presence['@xmlns'], PIDF_NS, 'PIDF namespace (RFC 3863)');
t.equal(presence['@xmlns:gp'], GEOPRIV_NS);
t.equal(presence['@xmlns:ca'], CIVIC_NS);
t.equal(presence['@xmlns:dm'], DATA_MODEL_NS);
t.equal(presence['@entity'], 'sip:HD0003@office.example');
const device = presence['dm:device'];
t.equal(device['@id'], 'd1');
t.equal(device['dm:deviceID'], 'mac:001565aabbcc', 'RFC 5491 device ID from the MAC');
t.equal(device['dm:timestamp'], '2026-12-05T10:00:00Z');
const geopriv = device['gp:geopriv'];
t.equal(geopriv['gp:method'], 'Manual');
t.ok('gp:usage-rules' in geopriv, 'usage rules present (RFC 4119 requires them)');
const civic = geopriv['gp:location-info']['ca:civicAddress'];
t.equal(civic['@xml:lang'], 'en');
t.same(
  {
    country: civic['ca:country'],
    A1: civic['ca:A1'],
    A3: civic['ca:A3'],
    RD: civic['ca:RD'],
    HNO: civic['ca:HNO'],
    PC: civic['ca:PC'],
    BLD: civic['ca:BLD'],
    FLR: civic['ca:FLR'],
    ROOM: civic['ca:ROOM'],
  },
  { country: 'US', A1: 'IL', A3: 'Springfield', RD: 'Main St & 5th', HNO: 100, PC: 62701, BLD: 'A', FLR: 2, ROOM: 214 },
);
t.match(pidf, /<ca:RD>Main St &amp; 5th<\/ca:RD>/, 'text is escaped');
const order = [...pidf.matchAll(/<ca:(\w+)>/g)].map((match) => match[1]);
t.same(
  order,
  ['country', 'A1', 'A3', 'RD', 'HNO', 'FLR', 'PC', 'BLD', 'ROOM'],
  'elements in the order of the RFC 5139 schema sequence',
);
t.notMatch(
  buildPidfLo({ entity: 'sip:a@b', deviceMac: 'aa', address: {}, timestamp: 't', id: 'x' }),
  /<ca:country>/,
  'absent fields are left out',
);

const sdp = 'v=0\no=- 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio 4000 RTP/AVP 0\n';
const located = buildLocationBody(sdp, pidf, { boundary: 'hd-boundary-1', contentId: 'loc1@hotdesk.invalid' });
t.equal(located.contentType, 'multipart/mixed; boundary=hd-boundary-1');
t.equal(located.geolocation, '<cid:loc1@hotdesk.invalid>', 'RFC 6442 cid URI');
const parts = located.body.split('--hd-boundary-1');
t.equal(parts.length, 4, 'preamble, two parts, the close');
t.equal(parts[3], '--\r\n', 'closing delimiter');
t.match(parts[1], /^\r\nContent-Type: application\/sdp\r\n\r\nv=0\r\no=- 1 1/, 'SDP first, with CRLF lines');
t.match(parts[2], /^\r\nContent-Type: application\/pidf\+xml\r\nContent-ID: <loc1@hotdesk.invalid>\r\n\r\n<\?xml/);
t.notMatch(located.body.replace(/\r\n/g, ''), /\n/, 'every line ends in CRLF');

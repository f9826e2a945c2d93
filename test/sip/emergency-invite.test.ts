import t from 'tap';
import {
  buildEmergencyInvite,
  emergencyIdentityUri,
  LOCATION_REFUSED,
  withoutLocation,
  withUser,
} from '../../src/sip/emergency-invite.js';
import type { EmergencyCaller } from '../../src/core/emergency-caller.js';
import { request } from '../support/sip-text.js';

const SDP = 'v=0\r\no=- 1 1 IN IP4 192.0.2.5\r\ns=-\r\nc=IN IP4 192.0.2.5\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';

t.test('identity URIs', async (t) => {
  const cases: [EmergencyCaller, string][] = [
    [{ kind: 'elin', number: '+15551234567' }, 'sip:+15551234567@office.test;user=phone'],
    [{ kind: 'extension', number: '101' }, 'sip:101@office.test'],
    [{ kind: 'main-number', number: '+4930123456' }, 'sip:+4930123456@office.test;user=phone'],
    [{ kind: 'phone-account', account: 'HD0003' }, 'sip:HD0003@office.test'],
  ];
  for (const [caller, uri] of cases) t.equal(emergencyIdentityUri(caller, 'office.test'), uri, caller.kind);
});

t.test('withUser', async (t) => {
  const cases: [string, string][] = [
    ['sip:100@office.test', 'sip:+15551234567@office.test'],
    ['sip:100@office.test:5062;transport=tcp', 'sip:+15551234567@office.test:5062;transport=tcp'],
    ['sips:ada:pw@office.test', 'sips:+15551234567@office.test'],
    ['sip:office.test', 'sip:+15551234567@office.test'],
    ['tel:+1555', 'tel:+1555'],
  ];
  for (const [uri, expected] of cases) t.equal(withUser(uri, '+15551234567'), expected, uri);
});

t.test('identity only: PAI and From user, the body untouched, the original request unchanged', async (t) => {
  const invite = request({ method: 'INVITE', extra: ['Content-Type: application/sdp'], body: SDP });
  const before = JSON.stringify(invite);
  const built = buildEmergencyInvite(invite, { caller: { kind: 'extension', number: '101' }, domain: 'office.test' });
  t.equal(built.location, undefined);
  t.equal(built.request.headers['p-asserted-identity'], '<sip:101@office.test>');
  t.match(built.request.headers.from, { uri: /^sip:101@/, params: invite.headers.from.params });
  t.equal(built.request.content, SDP);
  t.equal(JSON.stringify(invite), before, 'the caller’s request is not changed');
});

t.test('with the location: multipart body, Geolocation, Geolocation-Routing', async (t) => {
  const invite = request({ method: 'INVITE', extra: ['Content-Type: application/sdp'], body: SDP });
  const location = { pidfLo: '<presence/>\r\n', boundary: 'b1', contentId: 'c1@office.test' };
  const built = buildEmergencyInvite(invite, {
    caller: { kind: 'elin', number: '+15551234567' },
    domain: 'office.test',
    location,
  });
  t.equal(built.location, 'sent');
  t.match(built.request.headers, {
    'content-type': 'multipart/mixed; boundary=b1',
    geolocation: '<cid:c1@office.test>',
    'geolocation-routing': 'yes',
    'p-asserted-identity': '<sip:+15551234567@office.test;user=phone>',
  });
  t.equal(
    built.request.content,
    `--b1\r\nContent-Type: application/sdp\r\n\r\n${SDP.slice(0, -2)}\r\n--b1\r\nContent-Type: ` +
      `application/pidf+xml\r\nContent-ID: <c1@office.test>\r\n\r\n<presence/>\r\n--b1--\r\n`,
  );
  const late = buildEmergencyInvite(request({ method: 'INVITE' }), {
    caller: { kind: 'extension', number: '101' },
    domain: 'office.test',
    location,
  });
  t.equal(late.location, 'no-sdp', 'an INVITE without SDP goes without the location, never held back');
  t.equal(late.request.headers['geolocation'], undefined);
  t.equal(late.request.headers['p-asserted-identity'], '<sip:101@office.test>');
});

t.test('withoutLocation: the caller’s body and Content-Type back, no Geolocation, the identity kept', async (t) => {
  const original = request({ method: 'INVITE', extra: ['Content-Type: application/sdp'], body: SDP });
  const location = { pidfLo: '<presence/>\r\n', boundary: 'b1', contentId: 'c1@office.test' };
  const built = buildEmergencyInvite(original, {
    caller: { kind: 'extension', number: '101' },
    domain: 'office.test',
    location,
  });
  const plain = withoutLocation(built.request, original);
  t.equal(plain.headers['geolocation'], undefined);
  t.equal(plain.headers['geolocation-routing'], undefined);
  t.equal(plain.headers['content-type'], 'application/sdp');
  t.equal(plain.content, SDP);
  t.equal(plain.headers['p-asserted-identity'], '<sip:101@office.test>');
  t.same(LOCATION_REFUSED, [400, 415, 424, 488]);
});

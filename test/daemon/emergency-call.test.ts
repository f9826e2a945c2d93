/**
 * Emergency calls to the trunk on real UDP sockets on 127.0.0.1: an idle and
 * a logged-in hot-desk phone dial 112; a fake trunk (a bare UDP socket) reads
 * the INVITE as it arrives: the caller identity (ELIN, extension, main number
 * or the phone's account) in P-Asserted-Identity and From, and, when the
 * trunk is set to pidf-lo, a Geolocation header and a multipart body whose
 * PIDF-LO validates against the RFC schemas. The phone gets the trunk's SDP
 * answer as it was sent, with its own From.
 */
import t, { type Test } from 'tap';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import sip from 'sip';
import { validateXML } from 'xmllint-wasm';
import type { SipRequest } from '../../src/sip/message.js';
import { buildResponse } from '../../src/sip/message.js';
import type { Change } from '../../src/store/changes.js';
import { world, type World } from '../support/sip-world.js';

const folder = new URL('../fixtures/pidf-lo/', import.meta.url);
const schemaFile = (name: string) => ({ fileName: name, contents: readFileSync(new URL(name, folder), 'utf8') });
const validatePidfLo = (xml: string) =>
  validateXML({
    xml: { fileName: 'location.xml', contents: xml },
    schema: schemaFile('pidf.xsd'),
    preload: ['data-model.xsd', 'geopriv10.xsd', 'civic-addr.xsd'].map(schemaFile),
  });

const OFFER = [
  'v=0',
  'o=- 1 1 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 40000 RTP/AVP 0',
  'a=rtpmap:0 PCMU/8000',
  '',
].join('\r\n');
const ANSWER = [
  'v=0',
  'o=trunk 7 7 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 50000 RTP/AVP 0',
  'a=rtpmap:0 PCMU/8000',
  '',
].join('\r\n');

interface Arrived {
  text: string;
  request: SipRequest;
}

/** A trunk that answers every INVITE with 200 and an SDP answer, and keeps each INVITE's bytes. */
async function fakeTrunk(t: Test, refuseLocation?: number) {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  t.teardown(() => socket.close());
  const invites: Arrived[] = [];
  const byes: SipRequest[] = [];
  const waiting: ((arrived: Arrived) => void)[] = [];
  socket.on('message', (data, info) => {
    const request = sip.parse(data) as SipRequest;
    if (!request || !('method' in request)) return;
    const reply = (status: number, reason: string, headers: Record<string, unknown> = {}, content?: string) =>
      socket.send(
        Buffer.from(
          sip.stringify(
            buildResponse(request, status, reason, { headers, toTag: 'trunk1', ...(content ? { content } : {}) }),
          ),
          'latin1',
        ),
        info.port,
        info.address,
      );
    if (request.method === 'INVITE') {
      const arrived = { text: data.toString('utf8'), request };
      invites.push(arrived);
      waiting.splice(0).forEach((resolve) => resolve(arrived));
      if (refuseLocation && request.headers['geolocation']) return reply(refuseLocation, 'Not Taken');
      reply(
        200,
        'OK',
        {
          contact: [{ uri: `sip:trunk@127.0.0.1:${socket.address().port}`, params: {} }],
          'record-route': request.headers['record-route'],
          'content-type': 'application/sdp',
        },
        ANSWER,
      );
    } else if (request.method === 'BYE') {
      byes.push(request);
      reply(200, 'OK');
    }
  });
  return {
    uri: `sip:127.0.0.1:${socket.address().port}`,
    invites,
    byes,
    next: () => new Promise<Arrived>((resolve) => waiting.push(resolve)),
  };
}

const header = (text: string, name: string): string | undefined =>
  new RegExp(`^${name}:[ \\t]*(.*)$`, 'mi').exec(text.split('\r\n\r\n')[0] ?? '')?.[1]?.trim();

/** The parts of a multipart/mixed body (RFC 2046 §5.1): headers and content of each. */
function parts(body: string, boundary: string): { headers: string; content: string }[] {
  return body
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => {
      const [headers, ...content] = part.replace(/^\r\n/, '').split('\r\n\r\n');
      return { headers: headers ?? '', content: content.join('\r\n\r\n').replace(/\r\n$/, '') };
    });
}

async function office(
  t: Test,
  changes: Change[],
  trunk: { mainNumber?: string; pidfLo?: boolean; refuseLocation?: number },
) {
  const fake = await fakeTrunk(t, trunk.refuseLocation);
  const w: World = await world(t, [
    {
      kind: 'set-trunk',
      uri: fake.uri,
      ...(trunk.mainNumber ? { mainNumber: trunk.mainNumber } : {}),
      ...(trunk.pidfLo ? { emergencyLocation: 'pidf-lo' } : {}),
    },
    ...changes,
  ]);
  return { w, trunk: fake };
}

const US_OFFICE: Change = {
  kind: 'set-civic-address',
  set: {
    country: 'US',
    region: 'IL',
    city: 'Springfield',
    street: 'Main St',
    number: '100',
    'postal-code': '62701',
    building: 'HQ',
  },
  cleared: [],
};
const DESK: Change = { kind: 'set-phone', phone: 'HD0001', location: { building: 'A', floor: '2', room: '214' } };

t.test('an idle phone dials 112: its own account, or the main number when the trunk has one', async (t) => {
  const plain = await office(t, [], {});
  const idle = await plain.w.phone('HD0001', 'idle-001565000001');
  await idle.register();
  const arriving = plain.trunk.next();
  const call = await idle.call('sip:112@office.test', ['P-Asserted-Identity: <sip:999@office.test>'], OFFER);
  t.equal(call.response.status, 200, 'the trunk answered');
  const { text } = await arriving;
  t.equal(
    header(text, 'P-Asserted-Identity'),
    '<sip:HD0001@office.test>',
    'no number known: the phone account, never what the phone claimed',
  );
  t.match(header(text, 'From'), /^<sip:HD0001@office\.test>;tag=/);
  t.equal(header(text, 'Geolocation'), undefined, 'no location unless the trunk is set to send it');
  t.equal(header(text, 'Content-Type'), 'application/sdp');
  await call.hangUp();

  const main = await office(t, [US_OFFICE, DESK], { mainNumber: '+15550001000' });
  const desk = await main.w.phone('HD0001', 'idle-001565000001');
  await desk.register();
  const next = main.trunk.next();
  const second = await desk.call('sip:112@office.test', [], OFFER);
  t.equal(second.response.status, 200);
  const arrived = await next;
  t.equal(
    header(arrived.text, 'P-Asserted-Identity'),
    '<sip:+15550001000@office.test;user=phone>',
    "the office's main number",
  );
  t.match(header(arrived.text, 'From'), /^<sip:\+15550001000@office\.test>;tag=/);
  t.equal(arrived.request.content, OFFER, 'the SDP goes as it came when no location is asked for');
  await second.hangUp();
});

t.test(
  'a logged-in phone dials 112 with pidf-lo: its user, the desk location beside the SDP, the answer intact',
  async (t) => {
    const { w, trunk } = await office(
      t,
      [US_OFFICE, DESK, { kind: 'login', extension: '100', phone: 'HD0001', actor: 'admin' }],
      { mainNumber: '+15550001000', pidfLo: true },
    );
    const phone = await w.phone('HD0001', 'idle-001565000001');
    await phone.register();
    phone.switchAccount('100', 'secret-100');
    await phone.register();
    const arriving = trunk.next();
    const call = await phone.call('sip:112@office.test', [], OFFER);
    t.equal(call.response.status, 200, 'the trunk answered');
    const { text, request } = await arriving;
    t.equal(
      header(text, 'P-Asserted-Identity'),
      '<sip:100@office.test>',
      "the logged-in user's extension, before the main number",
    );
    t.match(header(text, 'From'), /^<sip:100@office\.test>;tag=/);

    // RFC 6442 §4.1: Geolocation names the body part by its Content-ID.
    const geolocation = header(text, 'Geolocation');
    const contentId = /^<cid:([^>]+)>$/.exec(geolocation ?? '')?.[1];
    t.ok(contentId, `Geolocation is <cid:…> (${geolocation})`);
    t.equal(header(text, 'Geolocation-Routing'), 'yes');
    const boundary = /^multipart\/mixed;\s*boundary=(\S+)$/.exec(header(text, 'Content-Type') ?? '')?.[1];
    t.ok(boundary, 'the body is multipart/mixed');
    const body = request.content ?? '';
    t.equal(Number(header(text, 'Content-Length')), Buffer.byteLength(body), 'Content-Length counts the whole body');
    const [sdp, location] = parts(body, boundary!);
    t.match(sdp?.headers, /^Content-Type: application\/sdp$/m);
    t.equal(`${sdp?.content}\r\n`, OFFER, 'the SDP part is the offer as the phone sent it');
    t.match(location?.headers, /^Content-Type: application\/pidf\+xml$/m);
    t.match(location?.headers, new RegExp(`^Content-ID: <${contentId}>$`, 'm'));
    const xml = location?.content ?? '';
    const verdict = await validatePidfLo(xml);
    t.same(
      verdict.errors.map((error) => error.message),
      [],
      'the PIDF-LO validates against the RFC 3863/4479/4119/5139 schemas',
    );
    for (const element of [
      '<ca:country>US</ca:country>',
      '<ca:A3>Springfield</ca:A3>',
      '<ca:RD>Main St</ca:RD>',
      '<ca:BLD>A</ca:BLD>',
      '<ca:FLR>2</ca:FLR>',
      '<ca:ROOM>214</ca:ROOM>',
    ]) {
      t.match(xml, element, `carries ${element}: the office address with the desk laid over it`);
    }
    t.match(xml, '<dm:deviceID>mac:001565000001</dm:deviceID>', "the desk phone's MAC names the device");
    t.match(xml, 'entity="sip:100@office.test"');

    t.equal(call.response.headers['content-type'], 'application/sdp', 'the phone gets the trunk answer as SDP');
    t.equal(call.response.content, ANSWER, 'unchanged');
    t.equal(call.response.headers.from.uri, 'sip:100@office.test', 'with its own From');
    t.equal((await call.hangUp()).status, 200, 'and the call ends normally');
  },
);

t.test(
  "a desk's own callback number (ELIN) wins, whoever is logged in; a call to no emergency number is untouched",
  async (t) => {
    const { w, trunk } = await office(
      t,
      [
        US_OFFICE,
        { ...DESK, emergencyCallback: '+15551234567' } as Change,
        { kind: 'login', extension: '100', phone: 'HD0001', actor: 'admin' },
      ],
      { mainNumber: '+15550001000', pidfLo: true },
    );
    const phone = await w.phone('HD0001', 'idle-001565000001');
    await phone.register();
    phone.switchAccount('100', 'secret-100');
    await phone.register();
    const arriving = trunk.next();
    const call = await phone.call('sip:911@office.test', [], OFFER);
    t.equal(call.response.status, 200);
    const { text } = await arriving;
    t.equal(header(text, 'P-Asserted-Identity'), '<sip:+15551234567@office.test;user=phone>');
    t.match(header(text, 'From'), /^<sip:\+15551234567@office\.test>;tag=/);
    t.match(header(text, 'Geolocation'), /^<cid:/);
    await call.hangUp();

    const outside = trunk.next();
    const ordinary = await phone.call('sip:0800123@office.test', [], OFFER);
    t.equal(ordinary.response.status, 200);
    const plain = await outside;
    t.equal(
      header(plain.text, 'P-Asserted-Identity'),
      '<sip:100@office.test>',
      'an outside call asserts the account as before',
    );
    t.equal(header(plain.text, 'Geolocation'), undefined);
    t.equal(plain.request.content, OFFER);
    await ordinary.hangUp();
  },
);

t.test(
  'a softphone of the user (not a hot-desk phone) dials 112 with pidf-lo: its extension, no desk to send',
  async (t) => {
    const { w, trunk } = await office(t, [US_OFFICE], { pidfLo: true });
    const softphone = await w.phone('101', 'secret-101');
    await softphone.register();
    const arriving = trunk.next();
    const call = await softphone.call('sip:112@office.test', [], OFFER);
    t.equal(call.response.status, 200, 'the call goes through');
    const { text, request } = await arriving;
    t.equal(header(text, 'P-Asserted-Identity'), '<sip:101@office.test>');
    t.equal(header(text, 'Geolocation'), undefined, 'a device hotdesk cannot place gets no location');
    t.equal(request.content, OFFER);
    await call.hangUp();
  },
);

for (const status of [415, 424]) {
  t.test(`a trunk that refuses the location (${status}) gets the call again at once without it`, async (t) => {
    const { w, trunk } = await office(t, [US_OFFICE, DESK], { pidfLo: true, refuseLocation: status });
    const idle = await w.phone('HD0001', 'idle-001565000001');
    await idle.register();
    const call = await idle.call('sip:112@office.test', [], OFFER);
    t.equal(call.response.status, 200, 'the phone never sees the refusal: the call goes through');
    t.equal(trunk.invites.length, 2);
    const [first, second] = trunk.invites;
    t.match(header(first!.text, 'Geolocation'), /^<cid:/);
    t.equal(header(second!.text, 'Geolocation'), undefined, 'the second INVITE has no location');
    t.equal(header(second!.text, 'Content-Type'), 'application/sdp');
    t.equal(second!.request.content, OFFER, 'and the SDP as the phone sent it');
    t.equal(header(second!.text, 'P-Asserted-Identity'), '<sip:HD0001@office.test>', 'the identity stays');
    t.equal(second!.request.headers.cseq.seq, first!.request.headers.cseq.seq + 1, 'the next CSeq, in the same dialog');
    t.equal(second!.request.headers['call-id'], first!.request.headers['call-id']);
    t.equal(call.response.headers.cseq.seq, first!.request.headers.cseq.seq, 'the phone sees its own CSeq');
    t.equal((await call.hangUp()).status, 200);
    t.equal(
      trunk.byes[0]?.headers.cseq.seq,
      second!.request.headers.cseq.seq + 1,
      "the BYE continues the trunk side's numbering",
    );
  });
}

t.test('a fault in the identity or location never stops the emergency call', async (t) => {
  const { w, trunk } = await office(t, [US_OFFICE, DESK], { pidfLo: true });
  // A value no check lets in (a number where text belongs) makes building the identity throw.
  await w.store.update((data) => ({
    next: {
      ...data,
      settings: { ...data.settings, trunk: { ...data.settings.trunk!, mainNumber: 15550001000 as unknown as string } },
    },
    value: undefined,
  }));
  const idle = await w.phone('HD0001', 'idle-001565000001');
  await idle.register();
  const arriving = trunk.next();
  const call = await idle.call('sip:112@office.test', [], OFFER);
  t.equal(call.response.status, 200, 'the call goes through');
  const { text, request } = await arriving;
  t.equal(
    header(text, 'P-Asserted-Identity'),
    '<sip:HD0001@office.test>',
    'as any call to the trunk: the authenticated account',
  );
  t.equal(request.content, OFFER);
  await call.hangUp();
});

import t from 'tap';
import { parse } from 'sdp-transform';
import { buildSdpAnswer, type SdpAnswer, type SdpAnswerOptions } from '../../src/media/sdp-answer.js';

const ours: SdpAnswerOptions = { address: '192.168.1.10', port: 40000, sessionId: 4242, sessionVersion: 1 };
const sdp = (...lines: string[]): string => lines.map((line) => `${line}\r\n`).join('');

const yealink = sdp(
  'v=0',
  'o=- 20023 20023 IN IP4 192.168.1.61',
  's=SDP data',
  'c=IN IP4 192.168.1.61',
  't=0 0',
  'm=audio 11796 RTP/AVP 0 8 9 18 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:18 G729/8000',
  'a=fmtp:18 annexb=no',
  'a=fmtp:101 0-15',
  'a=rtpmap:101 telephone-event/8000',
  'a=ptime:20',
  'a=sendrecv',
);

const yealinkG722First = yealink.replace('RTP/AVP 0 8 9 18 101', 'RTP/AVP 9 8 0 18 101');

const softphone = sdp(
  'v=0',
  'o=- 3912345678 3912345679 IN IP4 10.0.0.23',
  's=Softphone',
  'c=IN IP4 10.0.0.23',
  'b=AS:84',
  't=0 0',
  'm=audio 16402 RTP/AVP 106 8 9 97 101',
  'a=rtpmap:106 opus/48000/2',
  'a=fmtp:106 sprop-maxcapturerate=16000; minptime=20; useinbandfec=1',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:97 telephone-event/48000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=rtcp:16403',
  'a=sendrecv',
);

const g729Only = sdp(
  'v=0',
  'o=CiscoSystemsSIP-GW-UserAgent 2937 6262 IN IP4 192.168.1.70',
  's=SIP Call',
  'c=IN IP4 192.168.1.70',
  't=0 0',
  'm=audio 17504 RTP/AVP 18 101',
  'a=rtpmap:18 G729/8000',
  'a=fmtp:18 annexb=no',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
);

const grandstreamTe96 = sdp(
  'v=0',
  'o=2001 8000 8000 IN IP4 192.168.1.80',
  's=SIP Call',
  'c=IN IP4 192.168.1.80',
  't=0 0',
  'm=audio 5004 RTP/AVP 8 0 96',
  'a=sendrecv',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=ptime:20',
  'a=rtpmap:96 telephone-event/8000',
  'a=fmtp:96 0-16',
);

const sessionLevelOnly = sdp(
  'v=0',
  'o=snom 1234 1234 IN IP4 192.168.1.90',
  's=-',
  'c=IN IP4 192.168.1.90',
  't=0 0',
  'm=audio 62000 RTP/AVP 0 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
);

const mediaLevelOverrides = sdp(
  'v=0',
  'o=- 1 1 IN IP4 192.168.1.91',
  's=-',
  'c=IN IP4 192.168.1.91',
  't=0 0',
  'm=audio 62002 RTP/AVP 0',
  'c=IN IP4 192.168.7.7',
);

const mediaLevelOnly = sdp(
  'v=0',
  'o=- 1 1 IN IP4 192.168.1.92',
  's=-',
  't=0 0',
  'm=audio 62004 RTP/AVP 8',
  'c=IN IP4 192.168.1.92',
);

const withVideo = sdp(
  'v=0',
  'o=- 77 77 IN IP4 192.168.1.95',
  's=Video phone',
  'c=IN IP4 192.168.1.95',
  't=0 0',
  'm=audio 10000 RTP/AVP 0 8 101',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'm=video 10002 RTP/AVP 99',
  'a=rtpmap:99 H264/90000',
  'a=fmtp:99 profile-level-id=42801F',
);

const videoFirst = sdp(
  'v=0',
  'o=- 78 78 IN IP4 192.168.1.96',
  's=-',
  'c=IN IP4 192.168.1.96',
  't=0 0',
  'm=video 10002 RTP/AVP 99',
  'a=rtpmap:99 H264/90000',
  'm=audio 10000 RTP/AVP 8',
);

const direction = (attribute: string, level: 'media' | 'session' = 'media') =>
  level === 'media'
    ? sdp(
        'v=0',
        'o=- 5 5 IN IP4 192.168.1.61',
        's=-',
        'c=IN IP4 192.168.1.61',
        't=0 0',
        'm=audio 11796 RTP/AVP 0',
        `a=${attribute}`,
      )
    : sdp(
        'v=0',
        'o=- 5 5 IN IP4 192.168.1.61',
        's=-',
        'c=IN IP4 192.168.1.61',
        't=0 0',
        `a=${attribute}`,
        'm=audio 11796 RTP/AVP 0',
      );

const portZeroFirst = sdp(
  'v=0',
  'o=- 9 9 IN IP4 192.168.1.61',
  's=-',
  'c=IN IP4 192.168.1.61',
  't=0 0',
  'm=audio 0 RTP/AVP 0',
  'm=audio 11800 RTP/AVP 8 0',
);

const twoAudio = sdp(
  'v=0',
  'o=- 9 9 IN IP4 192.168.1.61',
  's=-',
  'c=IN IP4 192.168.1.61',
  't=0 0',
  'm=audio 11800 RTP/AVP 0',
  'm=audio 11802 RTP/AVP 0',
);

const srtpOnly = sdp(
  'v=0',
  'o=- 10 10 IN IP4 192.168.1.61',
  's=-',
  'c=IN IP4 192.168.1.61',
  't=0 0',
  'm=audio 11796 RTP/SAVP 0 101',
  'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz',
  'a=rtpmap:101 telephone-event/8000',
);

const dynamicPcmu = sdp(
  'v=0',
  'o=- 11 11 IN IP4 192.168.1.61',
  's=-',
  'c=IN IP4 192.168.1.61',
  't=0 0',
  'm=audio 11796 RTP/AVP 110',
  'a=rtpmap:110 pcmu/8000',
);
const staticWithoutRtpmap = sdp(
  'v=0',
  'o=- 12 12 IN IP4 192.168.1.61',
  's=-',
  'c=IN IP4 192.168.1.61',
  't=0 0',
  'm=audio 11796 RTP/AVP 8',
);
const noConnection = sdp('v=0', 'o=- 13 13 IN IP4 192.168.1.61', 's=-', 't=0 0', 'm=audio 11796 RTP/AVP 0');
const wideband = sdp(
  'v=0',
  'o=- 14 14 IN IP4 192.168.1.61',
  's=-',
  'c=IN IP4 192.168.1.61',
  't=0 0',
  'm=audio 11796 RTP/AVP 96',
  'a=rtpmap:96 PCMU/16000',
);
const stereo = sdp(
  'v=0',
  'o=- 15 15 IN IP4 192.168.1.61',
  's=-',
  'c=IN IP4 192.168.1.61',
  't=0 0',
  'm=audio 11796 RTP/AVP 96',
  'a=rtpmap:96 PCMA/8000/2',
);
const ipv6 = sdp(
  'v=0',
  'o=- 16 16 IN IP6 2001:db8::61',
  's=-',
  'c=IN IP6 2001:db8::61',
  't=0 0',
  'm=audio 11796 RTP/AVP 0',
);
const holdLegacy = sdp(
  'v=0',
  'o=- 17 18 IN IP4 192.168.1.61',
  's=-',
  'c=IN IP4 0.0.0.0',
  't=0 0',
  'm=audio 11796 RTP/AVP 0',
);
const lfOnly = yealink.replace(/\r\n/g, '\n');
const unlistedRtpmap = sdp(
  'v=0',
  'o=- 19 19 IN IP4 192.168.1.61',
  's=-',
  'c=IN IP4 192.168.1.61',
  't=0 0',
  'm=audio 11796 RTP/AVP 9',
  'a=rtpmap:0 PCMU/8000',
);

type Expected = Omit<Extract<SdpAnswer, { ok: true }>, 'sdp'> | Extract<SdpAnswer, { ok: false }>;
const remote = (address: string, port: number) => ({ address, port });

// [name, offer, expected (without the SDP text)]
const offers: [string, string, Expected][] = [
  [
    'Yealink: PCMU first',
    yealink,
    {
      ok: true,
      codec: 'PCMU',
      payloadType: 0,
      telephoneEvent: { payloadType: 101 },
      remote: remote('192.168.1.61', 11796),
      direction: 'sendrecv',
    },
  ],
  [
    'Yealink, G722 first: the first of the offer we support',
    yealinkG722First,
    {
      ok: true,
      codec: 'PCMA',
      payloadType: 8,
      telephoneEvent: { payloadType: 101 },
      remote: remote('192.168.1.61', 11796),
      direction: 'sendrecv',
    },
  ],
  [
    'softphone: opus first, then PCMA; telephone-event/8000 not /48000',
    softphone,
    {
      ok: true,
      codec: 'PCMA',
      payloadType: 8,
      telephoneEvent: { payloadType: 101 },
      remote: remote('10.0.0.23', 16402),
      direction: 'sendrecv',
    },
  ],
  ['G729 only', g729Only, { ok: false, status: 488, problem: 'no-acceptable-audio' }],
  [
    'telephone-event 96',
    grandstreamTe96,
    {
      ok: true,
      codec: 'PCMA',
      payloadType: 8,
      telephoneEvent: { payloadType: 96 },
      remote: remote('192.168.1.80', 5004),
      direction: 'sendrecv',
    },
  ],
  [
    'c= at session level only',
    sessionLevelOnly,
    {
      ok: true,
      codec: 'PCMU',
      payloadType: 0,
      telephoneEvent: { payloadType: 101 },
      remote: remote('192.168.1.90', 62000),
      direction: 'sendrecv',
    },
  ],
  [
    'media-level c= wins',
    mediaLevelOverrides,
    { ok: true, codec: 'PCMU', payloadType: 0, remote: remote('192.168.7.7', 62002), direction: 'sendrecv' },
  ],
  [
    'c= at media level only',
    mediaLevelOnly,
    { ok: true, codec: 'PCMA', payloadType: 8, remote: remote('192.168.1.92', 62004), direction: 'sendrecv' },
  ],
  [
    'recvonly → sendonly',
    direction('recvonly'),
    { ok: true, codec: 'PCMU', payloadType: 0, remote: remote('192.168.1.61', 11796), direction: 'sendonly' },
  ],
  [
    'sendonly → recvonly',
    direction('sendonly'),
    { ok: true, codec: 'PCMU', payloadType: 0, remote: remote('192.168.1.61', 11796), direction: 'recvonly' },
  ],
  [
    'inactive stays',
    direction('inactive'),
    { ok: true, codec: 'PCMU', payloadType: 0, remote: remote('192.168.1.61', 11796), direction: 'inactive' },
  ],
  [
    'sendrecv stays',
    direction('sendrecv'),
    { ok: true, codec: 'PCMU', payloadType: 0, remote: remote('192.168.1.61', 11796), direction: 'sendrecv' },
  ],
  [
    'session-level sendonly',
    direction('sendonly', 'session'),
    { ok: true, codec: 'PCMU', payloadType: 0, remote: remote('192.168.1.61', 11796), direction: 'recvonly' },
  ],
  [
    'second m-line video',
    withVideo,
    {
      ok: true,
      codec: 'PCMU',
      payloadType: 0,
      telephoneEvent: { payloadType: 101 },
      remote: remote('192.168.1.95', 10000),
      direction: 'sendrecv',
    },
  ],
  [
    'video first, audio second',
    videoFirst,
    { ok: true, codec: 'PCMA', payloadType: 8, remote: remote('192.168.1.96', 10000), direction: 'sendrecv' },
  ],
  [
    'port-0 audio skipped for the next audio',
    portZeroFirst,
    { ok: true, codec: 'PCMA', payloadType: 8, remote: remote('192.168.1.61', 11800), direction: 'sendrecv' },
  ],
  [
    'two audio streams: the first',
    twoAudio,
    { ok: true, codec: 'PCMU', payloadType: 0, remote: remote('192.168.1.61', 11800), direction: 'sendrecv' },
  ],
  ['SRTP only', srtpOnly, { ok: false, status: 488, problem: 'no-acceptable-audio' }],
  [
    'PCMU on a dynamic payload type, lower case',
    dynamicPcmu,
    { ok: true, codec: 'PCMU', payloadType: 110, remote: remote('192.168.1.61', 11796), direction: 'sendrecv' },
  ],
  [
    'static PCMA without rtpmap',
    staticWithoutRtpmap,
    { ok: true, codec: 'PCMA', payloadType: 8, remote: remote('192.168.1.61', 11796), direction: 'sendrecv' },
  ],
  ['no connection address anywhere', noConnection, { ok: false, status: 488, problem: 'no-acceptable-audio' }],
  ['PCMU at 16 kHz is not G.711', wideband, { ok: false, status: 488, problem: 'no-acceptable-audio' }],
  ['stereo PCMA is refused', stereo, { ok: false, status: 488, problem: 'no-acceptable-audio' }],
  [
    'IPv6',
    ipv6,
    { ok: true, codec: 'PCMU', payloadType: 0, remote: remote('2001:db8::61', 11796), direction: 'sendrecv' },
  ],
  [
    'old-style hold c=0.0.0.0 is reported as it is',
    holdLegacy,
    { ok: true, codec: 'PCMU', payloadType: 0, remote: remote('0.0.0.0', 11796), direction: 'sendrecv' },
  ],
  [
    'bare LF line ends',
    lfOnly,
    {
      ok: true,
      codec: 'PCMU',
      payloadType: 0,
      telephoneEvent: { payloadType: 101 },
      remote: remote('192.168.1.61', 11796),
      direction: 'sendrecv',
    },
  ],
  [
    'an rtpmap for a format not in the m-line does not count',
    unlistedRtpmap,
    { ok: false, status: 488, problem: 'no-acceptable-audio' },
  ],
  [
    'only port 0',
    direction('sendrecv').replace('m=audio 11796', 'm=audio 0'),
    { ok: false, status: 488, problem: 'no-acceptable-audio' },
  ],
  [
    'only video',
    sdp('v=0', 'o=- 1 1 IN IP4 1.2.3.4', 's=-', 'c=IN IP4 1.2.3.4', 't=0 0', 'm=video 10002 RTP/AVP 99'),
    { ok: false, status: 488, problem: 'no-acceptable-audio' },
  ],
  ['empty', '', { ok: false, status: 488, problem: 'malformed-offer' }],
  ['prose', 'hello, this is not SDP', { ok: false, status: 488, problem: 'malformed-offer' }],
  [
    'no m-line',
    sdp('v=0', 'o=- 1 1 IN IP4 1.2.3.4', 's=-', 'c=IN IP4 1.2.3.4', 't=0 0'),
    { ok: false, status: 488, problem: 'malformed-offer' },
  ],
  ['no v= line', yealink.replace('v=0\r\n', ''), { ok: false, status: 488, problem: 'malformed-offer' }],
  ['v=1', yealink.replace('v=0', 'v=1'), { ok: false, status: 488, problem: 'malformed-offer' }],
  [
    'an m-line with a port count',
    yealink.replace('m=audio 11796 RTP', 'm=audio 11796/2 RTP'),
    { ok: false, status: 488, problem: 'malformed-offer' },
  ],
  [
    'an m-line without a port',
    yealink.replace('m=audio 11796 RTP', 'm=audio RTP'),
    { ok: false, status: 488, problem: 'malformed-offer' },
  ],
  [
    'a port over 65535',
    yealink.replace('m=audio 11796 RTP', 'm=audio 70000 RTP'),
    { ok: false, status: 488, problem: 'malformed-offer' },
  ],
  [
    'binary junk',
    String.fromCharCode(...Array.from({ length: 300 }, (_, i) => (i * 37) % 256)),
    { ok: false, status: 488, problem: 'malformed-offer' },
  ],
  ['not a string', 42 as unknown as string, { ok: false, status: 488, problem: 'malformed-offer' }],
];
for (const [name, offer, expected] of offers) {
  t.test(name, async (t) => {
    const answer = buildSdpAnswer(offer, ours);
    if (answer.ok) {
      const { sdp: text, ...rest } = answer;
      t.same(rest, expected);
      const parsed = parse(text);
      const offered = parse(offer);
      t.equal(parsed.media.length, offered.media.length, 'one m-line per offered m-line (RFC 3264 §6)');
      t.same(
        parsed.media.map((media) => media.type),
        offered.media.map((media) => media.type),
        'in the same order',
      );
      t.equal(parsed.media.filter((media) => media.port !== 0).length, 1, 'one stream accepted');
    } else t.same(answer, expected);
  });
}

t.test('the whole answer to the Yealink offer', async (t) => {
  const answer = buildSdpAnswer(yealink, ours);
  t.equal(
    answer.ok && answer.sdp,
    sdp(
      'v=0',
      'o=hotdesk 4242 1 IN IP4 192.168.1.10',
      's=hotdesk',
      'c=IN IP4 192.168.1.10',
      't=0 0',
      'm=audio 40000 RTP/AVP 0 101',
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 0-15',
      'a=ptime:20',
      'a=sendrecv',
    ),
  );
});

t.test('rejected streams keep type, protocol and formats with port 0', async (t) => {
  const video = buildSdpAnswer(withVideo, ours);
  t.match(video.ok && video.sdp, /\r\nm=video 0 RTP\/AVP 99\r\n$/);
  const zero = buildSdpAnswer(portZeroFirst, ours);
  t.match(zero.ok && zero.sdp, /\r\nm=audio 0 RTP\/AVP 0\r\nm=audio 40000 RTP\/AVP 8\r\n/);
  const two = buildSdpAnswer(twoAudio, ours);
  t.match(two.ok && two.sdp, /\r\nm=audio 40000 RTP\/AVP 0\r\n(?:a=.*\r\n)*m=audio 0 RTP\/AVP 0\r\n$/);
});

t.test("telephone-event is answered with the offerer's payload type and events 0-15", async (t) => {
  const answer = buildSdpAnswer(grandstreamTe96, ours);
  t.ok(answer.ok);
  const media = parse(answer.ok ? answer.sdp : '').media[0]!;
  t.equal(media.payloads, '8 96');
  t.same(media.rtp, [
    { payload: 8, codec: 'PCMA', rate: 8000 },
    { payload: 96, codec: 'telephone-event', rate: 8000 },
  ]);
  t.same(media.fmtp, [{ payload: 96, config: '0-15' }]);
  const without = buildSdpAnswer(direction('sendrecv'), ours);
  t.notMatch(without.ok && without.sdp, /telephone-event|fmtp/, 'no telephone-event offered: none answered');
});

t.test('direction attribute written in the answer', async (t) => {
  const answer = buildSdpAnswer(direction('recvonly'), ours);
  t.match(answer.ok && answer.sdp, /\r\na=sendonly\r\n/);
  t.notMatch(answer.ok && answer.sdp, /a=sendrecv/);
});

t.test('our address and session fields', async (t) => {
  const v6 = buildSdpAnswer(yealink, {
    address: '2001:db8::10',
    port: 40002,
    sessionId: '98765432109876543210',
    sessionVersion: 7,
  });
  t.match(
    v6.ok && v6.sdp,
    /^v=0\r\no=hotdesk 98765432109876543210 7 IN IP6 2001:db8::10\r\ns=hotdesk\r\nc=IN IP6 2001:db8::10\r\n/,
  );
  t.match(v6.ok && v6.sdp, /\r\nm=audio 40002 RTP\/AVP 0 101\r\n/);
});

t.test('t= is copied from the offer (RFC 3264 §6)', async (t) => {
  const answer = buildSdpAnswer(yealink.replace('t=0 0', 't=3034423619 3042462419'), ours);
  t.match(answer.ok && answer.sdp, /\r\nt=3034423619 3042462419\r\n/);
});

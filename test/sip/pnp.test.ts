import t from 'tap';
import sip from 'sip';
import { buildPnpNotify, isPnpSubscribe, parsePnpSubscribe } from '../../src/sip/pnp.js';
import type { SipRequest } from '../../src/sip/message.js';

const subscribe = (user: string, event: string, method = 'SUBSCRIBE'): SipRequest =>
  sip.parse(
    Buffer.from(
      [
        `${method} sip:${user}@224.0.1.75 SIP/2.0`,
        'Via: SIP/2.0/UDP 192.168.10.67:5060;branch=z9hG4bKpnp1;rport',
        `From: <sip:${user}@224.0.1.75>;tag=658512961`,
        `To: <sip:${user}@224.0.1.75>`,
        'Call-ID: 1930770594@192.168.10.67',
        `CSeq: 1 ${method}`,
        `Event: ${event}`,
        'Expires: 0',
        'Accept: application/url',
        'Contact: <sip:192.168.10.67:5060>',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    ),
  ) as SipRequest;

const DEVICE = 'ua-profile;profile-type="device";vendor="Yealink";model="T54W";version="96.86.0.70"';

t.test('the MAC is read however the vendor spells it', async (t) => {
  for (const user of [
    'MAC%3a001565AABBCC',
    'MAC:001565aabbcc',
    'MAC=001565AABBCC',
    '001565aabbcc',
    '00-15-65-aa-bb-cc',
  ]) {
    t.equal(parsePnpSubscribe(subscribe(user, DEVICE))?.mac, '001565aabbcc', user);
  }
  const parsed = parsePnpSubscribe(subscribe('MAC%3a001565AABBCC', DEVICE))!;
  t.equal(parsed.vendor, 'Yealink');
  t.equal(parsed.model, 'T54W');
  t.equal(parsed.event, DEVICE);
});

t.test('what is not a device plug-and-play request', async (t) => {
  t.equal(parsePnpSubscribe(subscribe('MAC%3a001565AABBCC', 'dialog')), undefined, 'another event package');
  t.equal(
    parsePnpSubscribe(subscribe('MAC%3a001565AABBCC', 'ua-profile;profile-type="user"')),
    undefined,
    'a user profile',
  );
  t.equal(parsePnpSubscribe(subscribe('not-a-mac', DEVICE)), undefined, 'no MAC anywhere');
  t.equal(parsePnpSubscribe(subscribe('MAC%3a001565AABBCC', DEVICE, 'OPTIONS')), undefined, 'not a SUBSCRIBE');
  t.ok(isPnpSubscribe(subscribe('not-a-mac', DEVICE)), 'still recognised as plug-and-play, to be refused as such');
  t.notOk(isPnpSubscribe(subscribe('100', 'dialog')));
});

t.test("the NOTIFY is in the SUBSCRIBE's dialog and carries the URL", async (t) => {
  const request = subscribe('MAC%3a001565AABBCC', DEVICE);
  const notify = buildPnpNotify({
    subscribe: request,
    toTag: 'srv1',
    url: 'http://10.0.0.1:8088/provisioning/TOKEN/',
    ownUri: 'sip:10.0.0.1:5060',
    event: DEVICE,
  });
  t.equal(notify.uri, 'sip:192.168.10.67:5060', "to the phone's contact");
  t.equal(notify.headers['call-id'], request.headers['call-id']);
  t.equal(notify.headers.to.params['tag'], '658512961', 'To is the subscriber with its tag');
  t.equal(notify.headers.from.params['tag'], 'srv1', 'From carries our tag');
  t.equal(notify.headers['content-type'], 'application/url');
  t.equal(notify.headers['subscription-state'], 'terminated;reason=timeout');
  t.equal(notify.content, 'http://10.0.0.1:8088/provisioning/TOKEN/');
});

import t from 'tap';
import { buildDialogRequest, dialogAsUac, dialogAsUas } from '../../src/sip/dialog-request.js';
import type { SipRequest, SipResponse } from '../../src/sip/message.js';

const invite: SipRequest = {
  method: 'INVITE',
  uri: 'sip:*77*100*@hotdesk.test',
  version: '2.0',
  headers: {
    via: [{ version: '2.0', protocol: 'UDP', host: '10.0.0.5', port: 5060, params: { branch: 'z9hG4bKa' } }],
    from: { uri: 'sip:HD0001@hotdesk.test', params: { tag: 'phone-tag' } },
    to: { uri: 'sip:*77*100*@hotdesk.test', params: {} },
    'call-id': 'call-1',
    cseq: { seq: 7, method: 'INVITE' },
    contact: [{ uri: 'sip:HD0001@10.0.0.5:5060', params: {} }],
    'record-route': [
      { uri: 'sip:p1.test;lr', params: {} },
      { uri: 'sip:p2.test;lr', params: {} },
    ],
  },
};

t.test('UAS (RFC 3261 §12.1.1): our tag on To, their Contact as target, Record-Route as it is', (t) => {
  const dialog = dialogAsUas(invite, 'our-tag');
  const bye = buildDialogRequest(dialog, 'BYE', 12);
  t.equal(bye.uri, 'sip:HD0001@10.0.0.5:5060');
  t.same(bye.headers.from, { uri: 'sip:*77*100*@hotdesk.test', params: { tag: 'our-tag' } });
  t.same(bye.headers.to, invite.headers.from);
  t.same(bye.headers.cseq, { seq: 12, method: 'BYE' });
  t.same(
    bye.headers.route?.map((route) => route.uri),
    ['sip:p1.test;lr', 'sip:p2.test;lr'],
  );
  t.same(bye.headers.via, [], 'the stack adds our Via');
  t.end();
});

t.test('UAC (RFC 3261 §12.1.2): the 2xx gives their tag, target and the route set reversed', (t) => {
  const ok: SipResponse = {
    status: 200,
    reason: 'OK',
    version: '2.0',
    headers: {
      ...invite.headers,
      to: { uri: 'sip:*77*100*@hotdesk.test', params: { tag: 'callee' } },
      contact: [{ uri: 'sip:callee@10.0.0.9', params: {} }],
    },
  };
  const dialog = dialogAsUac(invite, ok);
  const ack = buildDialogRequest(dialog, 'ACK', 7);
  t.equal(ack.uri, 'sip:callee@10.0.0.9');
  t.equal(ack.headers.to.params['tag'], 'callee');
  t.equal(ack.headers.from.params['tag'], 'phone-tag');
  t.same(
    ack.headers.route?.map((route) => route.uri),
    ['sip:p2.test;lr', 'sip:p1.test;lr'],
  );
  const noRoutes = dialogAsUac(invite, { ...ok, headers: { ...ok.headers, 'record-route': [] } });
  t.notOk('route' in buildDialogRequest(noRoutes, 'BYE', 8).headers, 'no Route without a route set');
  t.end();
});

import t from 'tap';
import { createBlfCalls } from '../../../src/daemon/sip/blf-calls.js';
import type { CallEvent } from '../../../src/daemon/sip/proxy.js';
import type { SipRequest } from '../../../src/sip/message.js';

const invite = {
  method: 'INVITE',
  uri: 'sip:101@office.test',
  version: '2.0',
  headers: {
    via: [],
    from: { uri: 'sip:100@office.test', params: { tag: 'a' } },
    to: { uri: 'sip:101@office.test', params: {} },
    'call-id': 'c1',
    cseq: { seq: 1, method: 'INVITE' },
  },
} satisfies SipRequest;
const event = (phase: CallEvent['phase']): CallEvent => ({ callId: 'c1', phase, request: invite });

t.test('call events become dialog events for the extensions in the call', (t) => {
  let clock = 1000;
  const calls = createBlfCalls(
    (number) => number === '100' || number === '101',
    () => clock,
  );
  t.same(
    calls.dialogEvents(event('trying')).map((e) => [e.extension, e.direction, e.remote, e.phase]),
    [
      ['100', 'initiator', 'sip:101@office.test', 'trying'],
      ['101', 'recipient', 'sip:100@office.test', 'trying'],
    ],
  );
  clock = 5000;
  t.equal(calls.dialogEvents(event('terminated')).length, 2, 'the end is told to both');
  t.equal(calls.lastCallAt('100'), 5000, 'last call seen');
  t.same(calls.dialogEvents(event('confirmed')), [], 'a call gone is forgotten');
  t.equal(calls.lastCallAt('102'), undefined);
  t.end();
});

t.test('a party that is no extension (the trunk) gets no dialog events', (t) => {
  const calls = createBlfCalls(
    (number) => number === '101',
    () => 0,
  );
  t.same(
    calls.dialogEvents(event('trying')).map((e) => e.extension),
    ['101'],
  );
  t.end();
});

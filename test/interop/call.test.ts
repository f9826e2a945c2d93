/**
 * A call between two registered extensions through hotdeskd's proxy, SIPp on
 * both ends: 101 registers from the port its SIPp UAS then answers on; 100
 * calls 101 (INVITE → 407 → ACK, INVITE with SIPp's own Proxy-Authorization
 * → 180 → 200 → ACK → BYE → 200), hotdeskd on its defaults.
 */
import t from 'tap';
import { join } from 'node:path';
import { call, register, SCENARIOS, sippPassed, sippPorts, startOffice } from './support/office.js';

t.test('a call between two extensions goes through the proxy and ends with BYE', async (t) => {
  const office = await startOffice(t, [
    ['extension', 'add', '100', '--name', 'Ada Lovelace', '--password', 'k7Qw9xZt3m', '--pin', '4071', '--hotdesk'],
    ['extension', 'add', '101', '--name', 'Bob Babbage', '--password', 'p4Lm8sVr2q', '--pin', '5182'],
  ]);
  const [adaPort, bobPort] = (await sippPorts(2)) as [number, number];

  const bobRegistered = await register(office, { account: '101', port: bobPort });
  sippPassed(t, bobRegistered.result, '101 registers from the port it will answer on');
  const adaRegistered = await register(office, { account: '100', port: adaPort });
  sippPassed(t, adaRegistered.result, '100 registers');

  const bob = await office.startSipp({
    scenario: join(SCENARIOS, 'uas-answer.xml'),
    name: 'uas-101',
    port: bobPort,
    keys: { hd_account: '101' },
  });
  await bob.ready;
  const ada = await call(office, {
    account: '100',
    dialled: '101',
    port: adaPort,
    scenario: 'call-auth.xml',
    holdMs: 500,
  });
  const answered = await bob.finished;

  sippPassed(t, ada.result, 'caller: INVITE → 407 → ACK, INVITE with credentials → 180 → 200 → ACK → BYE → 200');
  const statuses = ada.result.received().map((message) => `${message.status} ${message.headers('CSeq')[0]}`);
  t.ok(statuses.includes('407 1 INVITE'), 'the proxy asks the caller for credentials', { statuses });
  t.same(ada.offered, ['MD5'], 'Proxy-Authenticate for MD5 alone: the shipped default');
  const signed = ada.result.sent().find((message) => message.headers('CSeq')[0] === '2 INVITE');
  t.match(
    signed?.headers('Proxy-Authorization')[0] ?? '',
    /uri="sip:101@office\.test"/,
    'SIPp signed the Request-URI (-auth_uri)',
  );
  t.ok(statuses.includes('180 2 INVITE'), 'the caller hears ringing', { statuses });
  t.ok(statuses.includes('200 2 INVITE'), 'the call is answered');
  t.ok(statuses.includes('200 3 BYE'), 'the BYE is answered');
  const ok = ada.result
    .received()
    .find((message) => message.status === 200 && message.headers('CSeq')[0] === '2 INVITE');
  t.match(
    ok?.headers('Record-Route').join(',') ?? '',
    new RegExp(`127\\.0\\.0\\.1:${office.sip.port};lr`),
    'the 200 carries the proxy Record-Route',
  );
  const ack = ada.result.sent().find((message) => message.method === 'ACK' && message.headers('CSeq')[0] === '2 ACK');
  t.match(
    ack?.headers('Route').join(',') ?? '',
    new RegExp(`127\\.0\\.0\\.1:${office.sip.port};lr`),
    'ACK follows the route set',
  );
  t.match(ack?.requestUri ?? '', new RegExp(`^sip:101@127\\.0\\.0\\.1:${bobPort}`), "ACK goes to 101's contact");

  sippPassed(t, answered, 'callee: INVITE → 180 → 200, ACK, BYE → 200');
  const requests = answered.received().filter((message) => message.method);
  t.same(
    [...new Set(requests.map((message) => message.method))],
    ['INVITE', 'ACK', 'BYE'],
    'the callee sees INVITE, then ACK, then BYE',
  );
  const invite = requests[0];
  t.match(
    invite?.requestUri ?? '',
    new RegExp(`^sip:101@127\\.0\\.0\\.1:${bobPort}`),
    "the INVITE is retargeted to 101's registered contact",
  );
  t.match(
    invite?.headers('Record-Route').join(',') ?? '',
    new RegExp(`127\\.0\\.0\\.1:${office.sip.port};lr`),
    'the proxy record-routes',
  );
  t.same(invite?.headers('Proxy-Authorization'), [], "the caller's credentials are not passed on");
  t.equal(invite?.headers('Via').length, 2, 'the proxy added its Via');
  t.same(office.logLines(), [], 'hotdeskd logged no warnings or errors');
});

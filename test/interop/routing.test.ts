/**
 * hotdeskd's routing rules seen from SIPp: an idle hot-desk phone (HD0001)
 * is refused 403 "Log In First" for an extension but reaches the trunk (a
 * SIPp UAS) for 112; the login code `*77*100*` is answered by the login
 * voice menu and the PIN typed as RFC 2833 events logs the phone in; the
 * code is refused 403 "Forbidden" once a dial code `*70` exists.
 */
import t, { type Test } from 'tap';
import { join } from 'node:path';
import {
  call,
  register,
  SCENARIOS,
  sippPassed,
  sippPorts,
  startOffice,
  storeEventually,
  type Office,
} from './support/office.js';
import type { TracedMessage } from './support/sipp.js';

/** The final response to the authenticated INVITE (CSeq 2). */
function finalAnswer(messages: TracedMessage[]): TracedMessage | undefined {
  return messages.find(
    (message) => message.status !== undefined && message.status >= 200 && message.headers('CSeq')[0] === '2 INVITE',
  );
}

async function registeredIdlePhone(t: Test, office: Office): Promise<number> {
  const [port] = (await sippPorts(1)) as [number];
  const flow = await register(office, { account: 'HD0001', port });
  sippPassed(t, flow.result, 'HD0001 registers with its idle account');
  return port;
}

t.test('routing rules', async (t) => {
  const [trunkPort] = (await sippPorts(1)) as [number];
  const office = await startOffice(t, [
    ['extension', 'add', '100', '--name', 'Ada Lovelace', '--password', 'k7Qw9xZt3m', '--pin', '2468', '--hotdesk'],
    ['extension', 'add', '201', '--name', 'Carol Shaw', '--password', 'r9Tn2wQx5k', '--pin', '6293'],
    ['add-phone', '--model', 'yealink-t54w', '--mac', '00:15:65:aa:bb:cc'],
    ['trunk', 'set', `sip:127.0.0.1:${trunkPort}`],
  ]);
  const phonePort = await registeredIdlePhone(t, office);

  await t.test('an idle hot-desk phone may not call an extension: 403 Log In First', async (t) => {
    const flow = await call(office, {
      account: 'HD0001',
      dialled: '201',
      port: phonePort,
      scenario: 'invite-rejected.xml',
    });
    sippPassed(t, flow.result, 'INVITE → 407 → ACK, INVITE with credentials → refusal → ACK');
    const answer = finalAnswer(flow.result.received());
    t.equal(answer?.status, 403);
    t.equal(answer?.reason, 'Log In First');
  });

  await t.test('an idle hot-desk phone reaches the trunk for 112', async (t) => {
    const trunk = await office.startSipp({
      scenario: join(SCENARIOS, 'uas-answer.xml'),
      name: 'trunk',
      port: trunkPort,
      keys: { hd_account: 'trunk' },
    });
    await trunk.ready;
    const flow = await call(office, { account: 'HD0001', dialled: '112', port: phonePort, scenario: 'call-auth.xml' });
    const atTrunk = await trunk.finished;
    sippPassed(t, flow.result, 'caller: INVITE → 407 → ACK, INVITE with credentials → 200 → ACK → BYE → 200');
    sippPassed(t, atTrunk, 'trunk: INVITE → 180 → 200, ACK, BYE → 200');
    const invite = atTrunk.received().find((message) => message.method === 'INVITE');
    t.match(
      invite?.requestUri ?? '',
      new RegExp(`^sip:112@127\\.0\\.0\\.1:${trunkPort}$`),
      'the trunk is asked for 112',
    );
    t.same(
      [...new Set(atTrunk.received().flatMap((message) => (message.method ? [message.method] : [])))],
      ['INVITE', 'ACK', 'BYE'],
      'ACK and BYE reach the trunk through the proxy',
    );
    const bye = flow.result.received().find((message) => message.headers('CSeq')[0] === '3 BYE');
    t.equal(bye?.status, 200, 'the BYE is answered');
  });

  await t.test(
    '*77*100*: the login voice menu answers, the PIN typed as RFC 2833 events logs HD0001 in as 100',
    async (t) => {
      const [mediaPort] = (await sippPorts(1)) as [number];
      const flow = await call(office, {
        account: 'HD0001',
        dialled: '*77*100*',
        port: phonePort,
        scenario: 'login-dtmf.xml',
        args: ['-mi', '127.0.0.1', '-mp', String(mediaPort)],
        timeoutS: 40,
      });
      sippPassed(
        t,
        flow.result,
        'INVITE → 407 → ACK, INVITE → 200 → ACK, PIN 2468# from the sip-tester pcaps, BYE from hotdeskd → 200',
      );
      const ok = finalAnswer(flow.result.received());
      t.equal(ok?.status, 200, 'answered');
      t.match(ok?.text ?? '', /m=audio \d+ RTP\/AVP 0 101/, 'PCMU and telephone-event 101 in the answer');
      t.ok(
        await storeEventually(office, (data) => data.phones[0]?.session?.extension === '100'),
        'the store says HD0001 is 100',
      );
      const rows = JSON.parse((await office.cli('status', '--json')).stdout) as {
        name: string;
        extension: string | null;
      }[];
      t.equal(rows.find((row) => row.name === 'HD0001')?.extension, '100', 'hotdesk status shows 100 on HD0001');
      const audit = (await office.store()).audit.filter((entry) => entry.kind === 'login');
      t.same(
        audit.map((entry) => [entry.phone, entry.extension, entry.actor]),
        [['HD0001', '100', 'user']],
        "the login is audited as the user's",
      );
    },
  );

  await t.test("*77*100* with a dial code '*70' in place: 403 Forbidden", async (t) => {
    // With the daemon running, the CLI sends the change over the control socket.
    const set = await office.cli('dial-codes', 'set', 'park', '*70', '--force');
    t.equal(set.code, 0, 'hotdesk dial-codes set park *70 --force');
    const flow = await call(office, {
      account: 'HD0001',
      dialled: '*77*100*',
      port: phonePort,
      scenario: 'invite-rejected.xml',
    });
    sippPassed(t, flow.result, 'INVITE → 407 → ACK, INVITE with credentials → refusal → ACK');
    const answer = finalAnswer(flow.result.received());
    t.equal(answer?.status, 403);
    t.equal(answer?.reason, 'Forbidden');
  });

  t.same(office.logLines(50), [], 'hotdeskd logged no errors');
  t.match(
    office.logLines(40).join('\n'),
    /hot-desk code refused/,
    'the refused hot-desk code is logged with the culprit',
  );
});

/**
 * SIPp registers with the real hotdeskd: an extension and a hot-desk phone's
 * idle account get 401 then 200; a wrong password gets 401 again and no
 * binding.
 */
import t from 'tap';
import { register, sippPassed, startOffice, storeEventually, DOMAIN } from './support/office.js';

t.test('registration against hotdeskd', async (t) => {
  const office = await startOffice(t, [
    ['extension', 'add', '100', '--name', 'Ada Lovelace', '--password', 'k7Qw9xZt3m', '--pin', '4071', '--hotdesk'],
    ['extension', 'add', '101', '--name', 'Bob Babbage', '--password', 'p4Lm8sVr2q', '--pin', '5182'],
    ['add-phone', '--model', 'yealink-t54w', '--mac', '00:15:65:aa:bb:cc'],
    // 100 is known to answer SHA-256: challenged SHA-256 first; every other account gets the default, MD5 alone.
    ['extension', 'set', '100', '--digest', 'sha-256,md5'],
  ]);

  await t.test('extension 100: 401, then 200 with MD5 credentials', async (t) => {
    const flow = await register(office, { account: '100', algorithm: 'MD5' });
    sippPassed(t, flow.challenge, 'REGISTER without credentials');
    sippPassed(t, flow.answer, 'REGISTER with credentials');
    const [unauthorized] = flow.challenge.received();
    t.equal(unauthorized?.status, 401, 'the first REGISTER is challenged');
    t.same(
      flow.offered.map((challenge) => challenge.algorithm),
      ['SHA-256', 'MD5'],
      'one challenge per algorithm, SHA-256 first (RFC 8760), as set for this extension',
    );
    t.ok(flow.offered.every((challenge) => challenge.realm === DOMAIN && challenge.qop === 'auth'), 'realm is the SIP domain, qop=auth');
    const ok = flow.answer.received().find((message) => message.status === 200);
    t.ok(ok, 'the REGISTER with credentials gets 200');
    t.match(ok?.headers('Contact').join(', ') ?? '', new RegExp(`sip:100@127\\.0\\.0\\.1:${flow.answer.port}.*expires=\\d+`), 'the binding comes back with its expiry');
    t.ok(
      await storeEventually(office, (data) => data.bindings.some((binding) => binding.aor === '100' && binding.contact.includes(`:${flow.answer.port}`))),
      'the binding is saved in the store',
    );
  });

  await t.test('extension 100 again: 200 with SHA-256 credentials', async (t) => {
    const flow = await register(office, { account: '100', algorithm: 'SHA-256' });
    sippPassed(t, flow.answer, 'REGISTER with SHA-256 credentials');
    t.ok(flow.answer.received().some((message) => message.status === 200));
  });

  await t.test('extension 100 over TCP: 401, then 200', async (t) => {
    const flow = await register(office, { account: '100', transport: 'tcp', expires: 60 });
    sippPassed(t, flow.challenge, 'REGISTER over TCP without credentials');
    sippPassed(t, flow.answer, 'REGISTER over TCP with credentials');
    t.match(flow.answer.sent()[0]?.headers('Via')[0] ?? '', /^SIP\/2\.0\/TCP /, 'SIPp spoke TCP');
    t.ok(flow.answer.received().some((message) => message.status === 200), 'registered over TCP');
  });

  await t.test('hot-desk phone HD0001 with its idle password: 401, then 200', async (t) => {
    t.equal((await office.store()).phones[0]?.name, 'HD0001', 'add-phone made HD0001');
    const flow = await register(office, { account: 'HD0001' });
    t.equal(flow.challenge.received()[0]?.status, 401);
    sippPassed(t, flow.answer, 'REGISTER of HD0001 with credentials');
    t.ok(flow.answer.received().some((message) => message.status === 200), 'HD0001 is registered');
    t.ok(await storeEventually(office, (data) => data.bindings.some((binding) => binding.aor === 'HD0001')), 'and saved');
  });

  await t.test('a wrong password is challenged again, never accepted', async (t) => {
    const flow = await register(office, { account: '101', password: 'not-the-password', scenario: 'register-refused.xml' });
    sippPassed(t, flow.answer, 'REGISTER with a wrong password');
    const answers = flow.answer.received().map((message) => message.status);
    t.same(answers, [401], 'a fresh 401, no 200');
    // Give a wrongly accepted binding the time to be saved before looking.
    await new Promise((resolve) => setTimeout(resolve, 800));
    t.notOk((await office.store()).bindings.some((binding) => binding.aor === '101'), 'no binding for 101');
  });

  t.same(office.logLines(), [], 'hotdeskd logged no warnings or errors');
});

/**
 * SIPp registers with the real hotdeskd on its defaults and answers the
 * challenge with its own digest code (`[authentication]`, -au/-ap/-auth_uri):
 * an extension and a hot-desk phone's idle account get 401 (MD5 alone, the
 * shipped default) then 200; a wrong password gets 401 again and no binding.
 * An extension set to SHA-256 first is offered SHA-256 then MD5; SIPp 3.6.1
 * answers only the first challenge and only MD5, so that account's SHA-256
 * registration is linphone's (linphone.test.ts) and this file looks at the
 * challenge alone.
 */
import t from 'tap';
import { register, sippPassed, startOffice, storeEventually, DOMAIN } from './support/office.js';

t.test('registration against hotdeskd', async (t) => {
  const office = await startOffice(t, [
    ['extension', 'add', '100', '--name', 'Ada Lovelace', '--password', 'k7Qw9xZt3m', '--pin', '4071', '--hotdesk'],
    ['extension', 'add', '101', '--name', 'Bob Babbage', '--password', 'p4Lm8sVr2q', '--pin', '5182'],
    ['extension', 'add', '102', '--name', 'Grace Hopper', '--password', 'w3Jd6yHs8n', '--pin', '7305'],
    ['add-phone', '--model', 'yealink-t54w', '--mac', '00:15:65:aa:bb:cc'],
    // 102 is known to answer SHA-256: challenged SHA-256 first; every other account gets the default, MD5 alone.
    ['extension', 'set', '102', '--digest', 'sha-256,md5'],
  ]);

  await t.test("extension 100: 401 offering MD5 alone, then 200 with SIPp's own credentials", async (t) => {
    const flow = await register(office, { account: '100' });
    sippPassed(t, flow.result, 'REGISTER → 401 → REGISTER with credentials → 200');
    t.same(
      flow.result.received().map((message) => message.status),
      [401, 200],
      'challenged once, then registered',
    );
    t.same(flow.offered, ['MD5'], 'one challenge, MD5: the shipped default');
    const [unauthorized] = flow.result.received();
    t.match(
      unauthorized?.headers('WWW-Authenticate')[0] ?? '',
      new RegExp(`realm="${DOMAIN.replace('.', '\\.')}".*qop="auth"`),
      'realm is the SIP domain, qop=auth',
    );
    const signed = flow.result.sent().find((message) => message.headers('CSeq')[0] === '2 REGISTER');
    t.match(
      signed?.headers('Authorization')[0] ?? '',
      new RegExp(`uri="sip:${DOMAIN.replace('.', '\\.')}"`),
      'SIPp signed the Request-URI (-auth_uri)',
    );
    const ok = flow.result.received().find((message) => message.status === 200);
    t.match(
      ok?.headers('Contact').join(', ') ?? '',
      new RegExp(`sip:100@127\\.0\\.0\\.1:${flow.result.port}.*expires=\\d+`),
      'the binding comes back with its expiry',
    );
    t.ok(
      await storeEventually(office, (data) =>
        data.bindings.some((binding) => binding.aor === '100' && binding.contact.includes(`:${flow.result.port}`)),
      ),
      'the binding is saved in the store',
    );
  });

  await t.test('extension 102, set to SHA-256 first: challenged SHA-256 then MD5 (RFC 8760 order)', async (t) => {
    const flow = await register(office, { account: '102', scenario: 'register-challenge.xml' });
    sippPassed(t, flow.result, 'REGISTER without credentials → 401');
    t.same(flow.offered, ['SHA-256', 'MD5'], 'one challenge per algorithm, SHA-256 first, as set for this extension');
  });

  await t.test('extension 100 over TCP: 401, then 200', async (t) => {
    const flow = await register(office, { account: '100', transport: 'tcp', expires: 60 });
    sippPassed(t, flow.result, 'REGISTER over TCP → 401 → REGISTER with credentials → 200');
    t.match(flow.result.sent()[0]?.headers('Via')[0] ?? '', /^SIP\/2\.0\/TCP /, 'SIPp spoke TCP');
    t.ok(
      flow.result.received().some((message) => message.status === 200),
      'registered over TCP',
    );
  });

  await t.test('hot-desk phone HD0001 with its idle password: 401, then 200', async (t) => {
    t.equal((await office.store()).phones[0]?.name, 'HD0001', 'add-phone made HD0001');
    const flow = await register(office, { account: 'HD0001' });
    sippPassed(t, flow.result, 'REGISTER of HD0001 → 401 → REGISTER with credentials → 200');
    t.same(
      flow.result.received().map((message) => message.status),
      [401, 200],
      'HD0001 is registered',
    );
    t.ok(
      await storeEventually(office, (data) => data.bindings.some((binding) => binding.aor === 'HD0001')),
      'and saved',
    );
  });

  await t.test('a wrong password is challenged again, never accepted', async (t) => {
    const flow = await register(office, {
      account: '101',
      password: 'not-the-password',
      scenario: 'register-refused.xml',
    });
    sippPassed(t, flow.result, 'REGISTER → 401 → REGISTER with a wrong password → 401');
    t.same(
      flow.result.received().map((message) => message.status),
      [401, 401],
      'a fresh 401, no 200',
    );
    // Give a wrongly accepted binding the time to be saved before looking.
    await new Promise((resolve) => setTimeout(resolve, 800));
    t.notOk(
      (await office.store()).bindings.some((binding) => binding.aor === '101'),
      'no binding for 101',
    );
  });

  t.same(office.logLines(), [], 'hotdeskd logged no warnings or errors');
});

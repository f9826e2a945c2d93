/**
 * The check-sync NOTIFY goes through the one client path (digest-retry.ts): a
 * phone's challenge is answered once with the registered account's
 * credentials, with CSeq 2; without credentials it is logged and not retried.
 */
import t, { type Test } from 'tap';
import { sendCheckSync } from '../../../src/daemon/sip/phone-sync-notify.js';
import { createPhoneSyncContext, type PhoneSyncOptions } from '../../../src/daemon/sip/phone-sync-context.js';
import { answerDigestChallenge } from '../../../src/daemon/sip/digest-retry.js';
import { buildResponse, type SipRequest } from '../../../src/sip/message.js';
import type { Binding } from '../../../src/sip/location.js';
import type { StoreData } from '../../../src/store/schema.js';
import { startSipPair } from '../../support/sip-pair.js';

const challenge = { scheme: 'Digest', realm: '"phone"', nonce: '"n1"', algorithm: 'MD5', qop: '"auth"' };

async function setUp(t: Test, aor: string) {
  const pair = await startSipPair();
  t.teardown(() => pair.close());
  const seen: SipRequest[] = [];
  const logged: { level: string; message: string }[] = [];
  const done = new Promise<void>((resolve) => {
    pair.onPhone((request) => {
      seen.push(request);
      const first = seen.length === 1;
      pair.phone.respond(
        first
          ? buildResponse(request, 401, 'Unauthorized', { toTag: 'p', headers: { 'www-authenticate': [challenge] } })
          : buildResponse(request, 200, 'OK', { toTag: 'p' }),
      );
      if (!first) resolve();
    });
  });
  const entry = (level: string) => (_: unknown, message: string) => void logged.push({ level, message });
  const data = {
    settings: { sipDomain: 'office.example' },
    extensions: [{ number: '101', sipPassword: 'ext-secret' }],
    phones: [{ name: 'HD0001', model: 'yealink-t54w', idlePassword: 'idle-secret' }],
  } as unknown as StoreData;
  const options = {
    stack: pair.ours,
    log: { warn: entry('warn'), debug: entry('debug'), info: entry('info') },
    data: () => data,
    vendorOf: () => 'yealink',
    ownUri: () => 'sip:hotdesk@127.0.0.1',
    answerChallenge: answerDigestChallenge,
  } as unknown as PhoneSyncOptions;
  const ctx = createPhoneSyncContext(options);
  const target = { aor, contact: 'sip:HD0001@127.0.0.1', source: pair.phoneAt } as Binding;
  sendCheckSync(ctx, 'HD0001', target);
  return { seen, logged, done, ctx };
}

t.test('a challenge is answered once with the extension credentials and CSeq 2', async (t) => {
  const { seen, logged, done, ctx } = await setUp(t, '101');
  await done;
  t.equal(seen.length, 2);
  t.equal(seen[0]!.headers.cseq.seq, 1);
  t.equal(seen[1]!.headers.cseq.seq, 2, 'the retry takes the next CSeq');
  t.equal(seen[1]!.headers['authorization']?.[0]?.['username'], '"101"');
  t.equal(seen[1]!.headers['call-id'], seen[0]!.headers['call-id'], 'same NOTIFY, same Call-ID');
  t.equal(ctx.sent, 1, 'counted once');
  t.same(
    logged.filter((line) => line.level === 'warn'),
    [],
    'nothing refused',
  );
});

t.test('no credentials for the account: the challenge is logged, not answered', async (t) => {
  const { seen, logged } = await setUp(t, '999');
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.equal(seen.length, 1, 'no retry');
  t.ok(
    logged.some((line) => line.level === 'warn' && /no credentials fit/.test(line.message)),
    'logged as a challenge no credentials fit',
  );
});

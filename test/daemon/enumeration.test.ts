/**
 * Extension enumeration gives nothing away (real sockets): for REGISTER,
 * INVITE, OPTIONS and SUBSCRIBE, an existing extension (100) and a missing
 * one (999) get the same status, reason phrase and headers, whether the
 * prober sends no credentials or wrong ones, and whether it names the
 * extension as itself (From) or as the target (Request-URI).
 */
import t from 'tap';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { startDaemon } from '../../src/daemon/main.js';
import { createLogger } from '../../src/adapters/log.js';
import { serializeStore } from '../../src/store/migrate.js';
import type { SipResponse } from '../../src/sip/message.js';
import { addExtension, office } from '../support/office.js';
import { tempDir } from '../support/temp-data.js';
import { startTestPhone, type TestPhone } from '../support/test-phone.js';

/** What a prober can compare: status, phrase, header names, and the values that do not vary per request. */
function shape(response: SipResponse): Record<string, unknown> {
  const headers = Object.keys(response.headers)
    .filter((name) => !['via', 'call-id', 'cseq', 'from', 'to', 'content-length'].includes(name))
    .sort();
  const challenge = (response.headers['www-authenticate'] ?? response.headers['proxy-authenticate']) as
    Record<string, string>[] | undefined;
  return {
    status: response.status,
    reason: response.reason,
    headers,
    challenge: challenge?.map((entry) => ({ ...entry, nonce: '(varies)' })),
    allow: response.headers['allow'],
    body: response.content ?? '',
  };
}

t.test('existing and missing extensions are answered alike', async (t) => {
  const dir = await tempDir(t);
  await writeFile(
    join(dir, 'hotdesk.json'),
    serializeStore(
      office(addExtension('100', 'Ada'), addExtension('101', 'Bob'), {
        kind: 'set-settings',
        sipDomain: 'office.test',
      }),
    ),
  );
  const daemon = await startDaemon({
    dataDir: dir,
    log: createLogger({ level: 'silent' }),
    // Probes from one address would soon be slowed down and blocked — alike for both, but slowly: lift the limits here.
    sip: {
      bind: '127.0.0.1',
      port: 0,
      rtpPorts: { min: 0, max: 0 },
      floodLimit: null,
      authThrottle: { source: { delayAfter: 1000, blockAfter: 1000 } },
    },
  });
  t.teardown(() => daemon.stop());
  const server = { address: '127.0.0.1', port: daemon.sip!.stack.transport.port };
  const phones: TestPhone[] = [];
  t.teardown(() => Promise.all(phones.map((phone) => phone.close())));
  const prober = async (user: string, password: string) => {
    const phone = await startTestPhone({ user, password, server, domain: 'office.test' });
    phones.push(phone);
    return phone;
  };

  const probes: [string, (as: string) => Promise<SipResponse>][] = [
    [
      'REGISTER without credentials',
      async (as) =>
        (await prober(as, 'x')).request('REGISTER', 'sip:office.test', { auth: false, extra: ['Expires: 60'] }),
    ],
    ['REGISTER with a wrong password', async (as) => (await prober(as, 'wrong-password')).register()],
    [
      'INVITE from it, without credentials',
      async (as) => (await prober(as, 'x')).request('INVITE', 'sip:101@office.test', { auth: false }),
    ],
    [
      'INVITE from it, wrong password',
      async (as) => (await (await prober(as, 'wrong-password')).call('sip:101@office.test')).response,
    ],
    [
      'INVITE to it, without credentials',
      async (as) => (await prober('101', 'x')).request('INVITE', `sip:${as}@office.test`, { auth: false }),
    ],
    [
      'OPTIONS to it',
      async (as) => (await prober('101', 'x')).request('OPTIONS', `sip:${as}@office.test`, { auth: false }),
    ],
    ['OPTIONS from it', async (as) => (await prober(as, 'x')).request('OPTIONS', 'sip:office.test', { auth: false })],
    [
      'SUBSCRIBE to it, without credentials',
      async (as) =>
        (await prober('101', 'x')).request('SUBSCRIBE', `sip:${as}@office.test`, {
          auth: false,
          extra: ['Event: dialog', 'Accept: application/dialog-info+xml', 'Expires: 60'],
        }),
    ],
    [
      'SUBSCRIBE from it, wrong password',
      async (as) =>
        (await prober(as, 'wrong-password')).request('SUBSCRIBE', 'sip:101@office.test', {
          extra: ['Event: dialog', 'Accept: application/dialog-info+xml', 'Expires: 60'],
        }),
    ],
  ];
  for (const [what, probe] of probes) {
    const existing = shape(await probe('100'));
    const missing = shape(await probe('999'));
    t.same(missing, existing, `${what}: ${String(existing['status'])} for both`);
  }
});

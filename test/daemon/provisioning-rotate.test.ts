/**
 * `hotdesk provisioning rotate-token` on real sockets: a phone that was
 * provisioned before is told (check-sync), fetches with the URL it has (the
 * old token, still taken for it), gets a file carrying the new URL, and is
 * done with the old token once it fetched under the new one. Nobody else may
 * use the old token: not a phone that was never provisioned, not a request
 * that names no phone.
 */
import t, { type Test } from 'tap';
import http from 'node:http';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { startDaemon } from '../../src/daemon/main.js';
import { createLogger } from '../../src/adapters/log.js';
import { serializeStore } from '../../src/store/migrate.js';
import { addExtension, addPhone, office } from '../support/office.js';
import { tempDir } from '../support/temp-data.js';
import { startTestPhone } from '../support/test-phone.js';
import { runCli } from '../support/run-cli.js';
import { isRequest } from '../support/login-office.js';

const UA1 = 'Yealink SIP-T54W 96.86.0.70 00:15:65:00:00:01';
const UA2 = 'Yealink SIP-T54W 96.86.0.70 00:15:65:00:00:02';

async function rotateOffice(t: Test) {
  const dir = await tempDir(t);
  const data = office(addExtension('100', 'Ada'), addPhone('001565000001'), addPhone('001565000002'), {
    kind: 'set-settings',
    sipDomain: 'office.test',
  });
  await writeFile(join(dir, 'hotdesk.json'), serializeStore(data));
  const daemon = await startDaemon({
    dataDir: dir,
    log: createLogger({ level: 'silent' }),
    sip: { bind: '127.0.0.1', port: 0, rtpPorts: { min: 0, max: 0 }, checkSyncRetryMs: [300, 300], floodLimit: null },
    http: { bind: '127.0.0.1', port: 0 },
  });
  t.teardown(() => daemon.stop());
  const get = (token: string, file: string, ua: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      http
        .get(
          `http://127.0.0.1:${daemon.http!.port}/provisioning/${token}/${file}`,
          { headers: { 'user-agent': ua } },
          (response) => {
            let body = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => (body += chunk));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
          },
        )
        .on('error', reject);
    });
  return { dir, daemon, data, get, server: { address: '127.0.0.1', port: daemon.sip!.stack.transport.port } };
}

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

t.test('a provisioned phone follows a new token without a visit; the old one then stops', async (t) => {
  const o = await rotateOffice(t);
  const old = o.data.settings.provisioningToken;
  t.equal((await o.get(old, '001565000001.cfg', UA1)).status, 200, 'HD0001 fetches its file');
  const inStep = () =>
    o.daemon.store.data.phones[0]!.appliedGeneration === o.daemon.store.data.phones[0]!.desiredGeneration;
  t.ok(await eventually(inStep), 'and is in step');
  const phone = await startTestPhone({
    user: 'HD0001',
    password: o.data.phones[0]!.idlePassword,
    server: o.server,
    domain: 'office.test',
  });
  t.teardown(() => phone.close());
  t.equal((await phone.register()).status, 200, 'and registers');

  const rotated = await runCli(o.dir, ['provisioning', 'rotate-token']);
  t.equal(rotated.code, 0, `hotdesk provisioning rotate-token (${rotated.stderr.trim()})`);
  const fresh = o.daemon.store.data.settings.provisioningToken;
  t.not(fresh, old, 'a new token');
  t.match(rotated.stdout, `/provisioning/${fresh}/`, 'the CLI prints the new URL whole');
  t.match(rotated.stdout, /1 phone\(s\) already provisioned/, 'and says who follows');
  t.notOk(JSON.stringify(o.daemon.store.data.audit).includes(fresh), 'no token in the audit trail');
  t.ok(await eventually(() => phone.received.some(isRequest('NOTIFY'))), 'the phone is told to fetch (check-sync)');

  const shown = await runCli(o.dir, ['provisioning']);
  t.match(
    shown.stdout,
    /previous URL\s+still taken until \S+ from HD0001/,
    'hotdesk provisioning says who may still use the old URL',
  );
  t.notOk(shown.stdout.includes(old), 'without showing the old token');

  t.equal(
    (await o.get(old, '001565000002.cfg', UA2)).status,
    404,
    'a phone never provisioned may not use the old token',
  );
  t.equal(
    (await o.get(old, 'y000000000123.cfg', 'Yealink SIP-T54W 96.86.0.70')).status,
    404,
    'nor a request that names no phone',
  );

  const viaOld = await o.get(old, '001565000001.cfg', UA1);
  t.equal(viaOld.status, 200, 'HD0001 fetches with the URL it has');
  t.match(
    viaOld.body,
    new RegExp(`^static\\.auto_provision\\.server\\.url = http://\\S+/provisioning/${fresh}/$`, 'm'),
    'and its file carries the new URL',
  );
  await new Promise((resolve) => setTimeout(resolve, 200));
  const [hd1] = o.daemon.store.data.phones;
  t.ok(
    hd1!.appliedGeneration < hd1!.desiredGeneration,
    'a fetch under the old token does not count: the phone is asked again',
  );
  t.same(o.daemon.store.data.settings.previousProvisioningToken?.phones, ['HD0001'], 'it still may use the old token');

  t.equal((await o.get(fresh, '001565000001.cfg', UA1)).status, 200, 'the phone fetches under the new URL');
  t.ok(
    await eventually(() => o.daemon.store.data.settings.previousProvisioningToken === undefined),
    'every phone followed: the old token is gone',
  );
  t.equal(
    o.daemon.store.data.phones[0]!.appliedGeneration,
    o.daemon.store.data.phones[0]!.desiredGeneration,
    'and the phone is in step',
  );
  t.equal((await o.get(old, '001565000001.cfg', UA1)).status, 404, 'the old token works no more');
});

t.test('--grace 0: the old token stops at once', async (t) => {
  const o = await rotateOffice(t);
  const old = o.data.settings.provisioningToken;
  t.equal((await o.get(old, '001565000001.cfg', UA1)).status, 200, 'HD0001 was provisioned');
  t.ok(await eventually(() => o.daemon.store.data.phones[0]!.appliedGeneration > 0), 'it has taken a configuration');
  t.equal((await runCli(o.dir, ['provisioning', 'rotate-token', '--grace', '0'])).code, 0, 'rotate-token --grace 0');
  t.equal((await o.get(old, '001565000001.cfg', UA1)).status, 404, 'the old token is refused');
  t.equal(
    (await runCli(o.dir, ['provisioning', 'rotate-token', '--grace', 'soon'])).code,
    1,
    'a grace that is no number is refused',
  );
});

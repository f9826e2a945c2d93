/**
 * Provisioning secrets bound to the phone (#12 item 9), on real sockets: once
 * HD0001 has registered from 127.0.0.1, its own file (its idle SIP password,
 * or its logged-in user's) is served only there. The attack: a second address
 * (127.0.0.2) that knows the token and the MAC on the label asks for the file.
 * It gets the same bare 404 as any unknown file, and the refusal is logged
 * with the fail2ban line. `hotdesk provisioning release HD0001` lets another
 * address fetch it again, until the phone registers anew.
 */
import t, { type Test } from 'tap';
import http from 'node:http';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { startDaemon, type Daemon } from '../../src/daemon/main.js';
import { createLogger } from '../../src/adapters/log.js';
import { serializeStore } from '../../src/store/migrate.js';
import { addExtension, addPhone, office } from '../support/office.js';
import { tempDir } from '../support/temp-data.js';
import { startTestPhone } from '../support/test-phone.js';
import { runCli } from '../support/run-cli.js';
import type { Connection } from '../../src/core/model.js';
import type { Change } from '../../src/store/changes.js';

const UA = 'Yealink SIP-T54W 96.86.0.70 00:15:65:00:00:01';

async function boundOffice(t: Test, connection: Connection = { mode: 'lan' }) {
  const dir = await tempDir(t);
  const data = office(addExtension('100', 'Ada'), { ...addPhone('001565000001'), connection } as Change, {
    kind: 'set-settings',
    sipDomain: 'office.test',
  });
  await writeFile(join(dir, 'hotdesk.json'), serializeStore(data));
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const daemon: Daemon = await startDaemon({
    dataDir: dir,
    log: createLogger({ destination, human: false, level: 'info' }),
    sip: { bind: '127.0.0.1', port: 0, rtpPorts: { min: 0, max: 0 }, checkSyncRetryMs: [300, 300], floodLimit: null },
    http: { bind: '127.0.0.1', port: 0 },
  });
  t.teardown(() => daemon.stop());
  const server = { address: '127.0.0.1', port: daemon.sip!.stack.transport.port };
  const url = `http://127.0.0.1:${daemon.http!.port}/provisioning/${data.settings.provisioningToken}/001565000001.cfg`;
  /** GET the phone's own file from `from` (a loopback address). */
  const fetchFrom = (from: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      http
        .get(url, { localAddress: from, headers: { 'user-agent': UA } }, (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        })
        .on('error', reject);
    });
  return { dir, daemon, data, server, logs, fetchFrom };
}

/** Polls until `check` holds (the binding is written a moment after the 200 to the REGISTER). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 3000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

t.test(
  "attack: a second address fetching a registered phone's file is refused; the phone still gets it; release opens it",
  async (t) => {
    const o = await boundOffice(t);
    const idle = o.data.phones[0]!.idlePassword;
    const before = await o.fetchFrom('127.0.0.2');
    t.equal(before.status, 200, 'before the phone registered, any address gets its file (as before)');
    t.ok(before.body.includes(idle), 'with its idle password');

    const phone = await startTestPhone({ user: 'HD0001', password: idle, server: o.server, domain: 'office.test' });
    t.teardown(() => phone.close());
    t.equal((await phone.register()).status, 200, 'HD0001 registers from 127.0.0.1');

    t.ok(
      await eventually(async () => (await o.fetchFrom('127.0.0.2')).status === 404),
      'from 127.0.0.2 the file is refused (404)',
    );
    const refused = await o.fetchFrom('127.0.0.2');
    t.equal(refused.body, 'not found\n', 'the same bare 404 as for any unknown file');
    t.notOk(refused.body.includes(idle), 'no password');
    const lines = o.logs.filter((line) => line['alert'] === 'sip-auth-blocked' && line['source'] === '127.0.0.2');
    t.ok(lines.length > 0, 'the refusal is logged with the fail2ban line of its source');
    t.equal(lines[0]?.['reason'], 'provisioning-file-elsewhere', 'naming why');
    t.notOk(JSON.stringify(o.logs).includes(o.data.settings.provisioningToken), 'the token is never logged');

    const own = await o.fetchFrom('127.0.0.1');
    t.equal(own.status, 200, "the phone's own address still gets its file");

    // A user logs in on the phone: the file now carries the user's password, bound the same way.
    t.equal((await runCli(o.dir, ['login', '100', '--phone', 'HD0001'])).code, 0, 'hotdesk login 100 --phone HD0001');
    const userFile = await o.fetchFrom('127.0.0.2');
    t.equal(userFile.status, 404, "the logged-in user's file is refused to the second address too");
    t.notOk(userFile.body.includes('secret-100'), "the user's SIP password does not leave");
    t.ok((await o.fetchFrom('127.0.0.1')).body.includes('secret-100'), 'while the phone gets it');

    const released = await runCli(o.dir, ['provisioning', 'release', 'HD0001']);
    t.equal(released.code, 0, `hotdesk provisioning release HD0001 (${released.stderr.trim()})`);
    t.equal((await o.fetchFrom('127.0.0.2')).status, 200, 'after release another address may fetch it');
  },
);

t.test('the phone of a re-added entry is not bound to where the old one registered', async (t) => {
  const o = await boundOffice(t);
  const phone = await startTestPhone({
    user: 'HD0001',
    password: o.data.phones[0]!.idlePassword,
    server: o.server,
    domain: 'office.test',
  });
  t.teardown(() => phone.close());
  t.equal((await phone.register()).status, 200, 'HD0001 registers');
  t.ok(await eventually(async () => (await o.fetchFrom('127.0.0.2')).status === 404), 'and is bound to 127.0.0.1');
  t.equal((await runCli(o.dir, ['remove-phone', 'HD0001'])).code, 0, 'the phone is removed');
  t.equal(
    (await runCli(o.dir, ['add-phone', '--model', 'yealink-t54w', '--mac', '001565000001'])).code,
    0,
    'and added again',
  );
  t.equal(
    (await o.fetchFrom('127.0.0.2')).status,
    200,
    'the new entry may be fetched from anywhere until it registers',
  );
});

t.test("a phone behind an SBC registers from the SBC's address, not its own: it is not bound", async (t) => {
  const o = await boundOffice(t, { mode: 'sbc', sbc: '127.0.0.1:5060' });
  const phone = await startTestPhone({
    user: 'HD0001',
    password: o.data.phones[0]!.idlePassword,
    server: o.server,
    domain: 'office.test',
  });
  t.teardown(() => phone.close());
  t.equal((await phone.register()).status, 200, 'HD0001 registers (through its SBC, here 127.0.0.1)');
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.equal(o.daemon.store.data.phones[0]!.provisioningAddress, undefined, 'no address is stored');
  t.equal((await o.fetchFrom('127.0.0.2')).status, 200, 'its file is served from its own address, whatever it is');
});

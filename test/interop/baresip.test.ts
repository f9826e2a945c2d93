/**
 * baresip, a real softphone (Debian package), as a hot-desk phone: it
 * registers as HD0001, dials the login code, sends the PIN as RFC 2833
 * telephone events while hotdeskd's prompt plays, and is hung up on once it
 * is logged in as 100. (baresip does not fetch configurations, so it stays
 * registered as HD0001: the logout as the user is covered by the SIPp-free
 * tests in test/daemon/login-ivr.test.ts and test/e2e.)
 */
import t from 'tap';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startOffice, storeEventually } from './support/office.js';
import { BARESIP_MISSING, baresipInstalled, startBaresip, type Baresip } from './support/baresip.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function typeKeys(phone: Baresip, keys: string): Promise<void> {
  for (const key of keys) {
    phone.command('sndcode', key);
    await sleep(250);
  }
}

t.test('baresip logs in by phone with RFC 2833 DTMF', async (t) => {
  if (!baresipInstalled()) return t.fail(BARESIP_MISSING);
  const office = await startOffice(t, [
    ['extension', 'add', '100', '--name', 'Ada Lovelace', '--password', 'k7Qw9xZt3m', '--pin', '3579', '--hotdesk'],
    ['add-phone', '--model', 'yealink-t54w', '--mac', '00:15:65:aa:bb:cc'],
  ]);
  const dir = join(office.dir, 'baresip');
  await mkdir(dir, { recursive: true });
  const phone = await startBaresip({
    dir,
    account: 'HD0001',
    password: await office.password('HD0001'),
    server: office.sip,
  });
  t.teardown(() => phone.stop());

  t.ok(
    await storeEventually(office, (data) => data.bindings.some((binding) => binding.aor === 'HD0001'), 10_000),
    'baresip registered as HD0001',
  );
  phone.command('dial', `sip:*77*100*@${office.sip.host}:${office.sip.port}`);
  await phone.waitForEvent('CALL_ESTABLISHED', 10_000);
  t.pass('the login code is answered');
  await sleep(800);
  await typeKeys(phone, '3579#');
  await phone.waitForEvent('CALL_CLOSED', 20_000);
  t.pass('hotdeskd hung up after the confirmation');
  t.ok(
    await storeEventually(office, (data) => data.phones[0]?.session?.extension === '100', 5_000),
    'HD0001 is logged in as 100',
    {
      baresip: phone.output().slice(-2000),
      log: office.logLines(30).slice(-20),
    },
  );
  t.same(office.logLines(50), [], 'hotdeskd logged no errors');
});

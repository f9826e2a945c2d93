/**
 * A stranger cannot lock a user out (on the in-memory network, fake-network.ts): wrong PINs from one
 * hot-desk phone lock that phone and the (phone, extension) pair, never the
 * extension for everyone; the user on another phone logs in with the right
 * PIN. Only wrong PINs from three phones lock the extension itself, briefly.
 * `hotdesk status` and `hotdesk unlock` (the built CLI over the control
 * socket) name each lock for what it is.
 */
import t from 'tap';
import type { SipRequest } from '../../src/sip/message.js';
import { waitFor } from '../support/start-daemon.js';
import { addPhone } from '../support/office.js';
import { cliJson, lines, runCli } from '../support/run-cli.js';
import { dial, isRequest, PIN, startLoginOffice, type LoginOffice } from '../support/login-office.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** HD0001…HD0004, extension 101 (Bob) with hot desking. */
async function startOffice(t: Parameters<typeof startLoginOffice>[0]): Promise<LoginOffice> {
  return startLoginOffice(t, {
    inMemory: true,
    changes: [
      addPhone('001565000002'),
      addPhone('001565000003'),
      addPhone('001565000004'),
      { kind: 'set-extension', number: '101', hotdesk: true },
    ],
  });
}

async function registered(o: LoginOffice, name: string) {
  const record = o.daemon.store.data.phones.find((phone) => phone.name === name)!;
  const phone = await o.phone(name, record.idlePassword);
  const response = await phone.register();
  if (response.status !== 200) throw new Error(`${name} did not register: ${response.status}`);
  return phone;
}

/** One login call for `extension` typing `pins`; resolves when hotdeskd hangs up. */
async function loginCall(
  o: LoginOffice,
  phone: Awaited<ReturnType<typeof registered>>,
  extension: string,
  pins: string[],
): Promise<void> {
  const rtp = await o.rtp();
  // In memory a prompt is one packet: the first packet of audio is enough.
  const { call } = await dial(phone, rtp, `*77*${extension}*`, o.network ? 1 : 10);
  if (call.response.status !== 200) throw new Error(`the login call got ${call.response.status}`);
  const bye = phone.waitFor((m) => isRequest('BYE')(m) && (m as SipRequest).headers['call-id'] === call.callId, 20_000);
  for (const pin of pins) {
    await rtp.typeKeys(`${pin}#`);
    await sleep(300);
  }
  await bye;
  await waitFor(() => o.daemon.sip!.ivr!.active === 0, 'the login call to end', 20_000);
}

const sessionOf = (o: LoginOffice, name: string) =>
  o.daemon.store.data.phones.find((phone) => phone.name === name)!.session?.extension ?? null;

t.test(
  'attack: a stranger phone types wrong PINs for 101 call after call; the user on another phone still logs in',
  async (t) => {
    const o = await startOffice(t);
    const stranger = await registered(o, 'HD0002');
    for (let call = 0; call < 4; call++) await loginCall(o, stranger, '101', ['1111', '2222', '3333']);
    const failures = o.daemon.store.data.audit.filter(
      (entry) => entry.kind === 'login-failed' && entry.extension === '101',
    );
    t.ok(failures.length >= 5, `the stranger's wrong PINs were counted (${failures.length})`);

    const user = await registered(o, 'HD0001');
    await loginCall(o, user, '101', [PIN]);
    t.equal(sessionOf(o, 'HD0001'), '101', 'the user logged in with the right PIN on a phone that made no wrong tries');

    const status = await runCli(o.dir, ['status']);
    t.equal(status.code, 0, status.stderr);
    const text = lines(status.stdout);
    const table = text.slice(text.findIndex((line) => line.startsWith('LOCKED'))).filter((line) => line !== '');
    t.match(
      table.map((line) => line.split(/\s{2,}/)),
      [
        ['LOCKED', 'UNTIL', 'LOCKS', 'RELEASE WITH'],
        ['phone HD0002 for extension 101', /UTC$/, '1', 'hotdesk unlock 101 --phone HD0002'],
      ],
      'status names the pair lock and its release',
    );
    t.equal(table.length, 2, 'no extension-wide lock, no other lock');
    const rows = await cliJson<{ name: string; locks?: unknown[] }[]>(o.dir, ['status', '--json']);
    t.match(
      rows.find((row) => row.name === 'HD0002')?.locks,
      [{ lock: 'pair', extension: '101', level: 1 }],
      "status --json: the stranger phone's pair lock",
    );
    t.equal(rows.find((row) => row.name === 'HD0001')?.locks, undefined, "the user's phone has none");
    const locks = await cliJson<{ pairs: { phone: string; extension: string }[]; extensions: unknown[] }>(o.dir, [
      'unlock',
      '--json',
    ]);
    t.match(locks.pairs, [{ phone: 'HD0002', extension: '101' }]);
    t.same(locks.extensions, []);

    // The stranger is still refused on its own phone, even with the right PIN.
    await loginCall(o, stranger, '101', [PIN]);
    t.equal(sessionOf(o, 'HD0002'), null, 'a right PIN on the locked phone is refused');
  },
);

t.test(
  'wrong PINs from three phones lock extension 101 for everyone, briefly; hotdesk unlock 101 releases it',
  async (t) => {
    const o = await startOffice(t);
    const started = Date.now();
    for (const name of ['HD0002', 'HD0003'])
      await loginCall(o, await registered(o, name), '101', ['1111', '2222', '3333']);
    const user = await registered(o, 'HD0001');
    const two = await cliJson<{ extensions: unknown[] }>(o.dir, ['unlock', '--json']);
    t.same(two.extensions, [], 'two phones do not lock the extension');

    await loginCall(o, await registered(o, 'HD0004'), '101', ['4444']);
    const locks = await cliJson<{ extensions: { extension: string; until: string }[] }>(o.dir, ['unlock', '--json']);
    t.equal(locks.extensions.length, 1, 'the third phone locks the extension');
    t.equal(locks.extensions[0]!.extension, '101');
    const length = Date.parse(locks.extensions[0]!.until) - started;
    t.ok(
      length > 0 && length <= 60_000 + 60_000,
      `a short lock (ends ${Math.round(length / 1000)} s after the attack began)`,
    );

    await loginCall(o, user, '101', [PIN]);
    t.equal(sessionOf(o, 'HD0001'), null, 'the right PIN is refused while the extension-wide lock holds');

    const status = await runCli(o.dir, ['status']);
    t.match(
      status.stdout,
      /^extension 101\s.*hotdesk unlock 101$/m,
      'status names the extension-wide lock and its release',
    );
    const unlocked = await runCli(o.dir, ['unlock', '101']);
    t.same([unlocked.code, unlocked.stdout], [0, 'extension 101 unlocked\n']);
    await loginCall(o, user, '101', [PIN]);
    t.equal(sessionOf(o, 'HD0001'), '101', 'after the unlock the user logs in');
  },
);

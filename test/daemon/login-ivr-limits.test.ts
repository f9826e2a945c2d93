/**
 * PIN guessing against the login voice menu (on the in-memory network, fake-network.ts): parallel login
 * calls from one hot-desk phone get one call's tries, not ten.
 */
import t from 'tap';
import { waitFor } from '../support/start-daemon.js';
import { dial, idlePassword, startLoginOffice, typeWrongPins } from '../support/login-office.js';

t.test(
  "attack: ten parallel login calls from one phone: one is answered, the others 486 Busy Here; one call's tries in all",
  async (t) => {
    const o = await startLoginOffice(t, { inMemory: true });
    const phone = await o.phone('HD0001', idlePassword(o));
    t.equal((await phone.register()).status, 200);
    const peers = await Promise.all(Array.from({ length: 10 }, () => o.rtp()));
    const calls = await Promise.all(peers.map((rtp) => phone.call('sip:*77*100*@office.test', [], rtp.offer())));
    const statuses = calls.map((call) => call.response.status).sort();
    t.same(statuses, [200, ...Array<number>(9).fill(486)], 'one login call at a time per phone');
    // The answered call guesses three PINs.
    const answered = peers.filter((_, index) => calls[index]!.response.status === 200);
    t.equal(answered.length, 1);
    await answered[0]!.waitForPackets(10);
    await typeWrongPins(o, answered[0]!, ['1111#', '2222#', '3333#']);
    await waitFor(() => o.daemon.sip!.ivr!.active === 0, 'the login calls to end', 20_000);
    const failures = o.daemon.store.data.audit.filter((entry) => entry.kind === 'login-failed');
    t.equal(failures.length, 3, 'three wrong tries counted, as for one call');
    t.equal(o.daemon.store.data.phones[0]!.session, null, 'still idle');
    const next = await dial(phone, await o.rtp(), '*77*100*');
    t.equal(next.call.response.status, 200, 'once the call is over, the phone may call the login code again');
  },
);

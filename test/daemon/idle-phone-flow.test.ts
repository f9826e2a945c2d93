/**
 * Attacks with a hot-desk phone's idle credentials (HD0001's password, printed
 * in its configuration file) from a host where that phone is not registered:
 * the hot-desk codes and BLF subscriptions are refused (403) and logged with
 * the fail2ban-readable line; from the phone's own registered flow they work.
 * The refusals run on the in-memory network (fake-network.ts); the phone's own
 * call to the login menu on real sockets.
 */
import t from 'tap';
import type { Test } from 'tap';
import { sendControl } from '../../src/adapters/control-socket.js';
import type { Change } from '../../src/store/changes.js';
import { waitFor } from '../support/start-daemon.js';
import { idlePassword, isRequest, startLoginOffice, type LoginOffice } from '../support/login-office.js';

async function submit(o: LoginOffice, change: Change): Promise<void> {
  const response = await sendControl(o.daemon.paths.socket, { kind: 'change', change });
  if (!response.ok) throw new Error(`${change.kind} refused: ${JSON.stringify(response)}`);
}

/** HD0001 registered from its own socket, then logged in as 100 by the admin. */
async function loggedInDesk(t: Test, o: LoginOffice) {
  const desk = await o.phone('HD0001', idlePassword(o));
  t.equal((await desk.register()).status, 200, 'the desk phone registers as HD0001');
  await submit(o, { kind: 'login', extension: '100', phone: 'HD0001', actor: 'admin' });
  await desk.waitFor((m) => isRequest('NOTIFY')(m), 5000);
  return desk;
}

t.test('*77*5* with the idle credentials from a stranger address does not log the user out', async (t) => {
  const o = await startLoginOffice(t, { inMemory: true });
  await loggedInDesk(t, o);
  const stranger = await o.phone('HD0001', idlePassword(o));
  t.not(stranger.port, o.daemon.sip!.stack.transport.port);
  const call = await stranger.call('sip:*77*5*@office.test', [], (await o.rtp()).offer());
  t.equal(call.response.status, 403, 'refused');
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.equal(o.daemon.store.data.phones[0]!.session?.extension, '100', 'the user stays logged in');
});

t.test('login and logout-everywhere codes with the idle credentials from a stranger address are refused', async (t) => {
  const o = await startLoginOffice(t, { inMemory: true });
  await loggedInDesk(t, o);
  const stranger = await o.phone('HD0001', idlePassword(o));
  const login = await stranger.call('sip:*77*100*@office.test', [], (await o.rtp()).offer());
  t.equal(login.response.status, 403, 'login code refused');
  const everywhere = await stranger.call('sip:*77*0*100*@office.test', [], (await o.rtp()).offer());
  t.equal(everywhere.response.status, 403, 'logout-everywhere code refused');
  t.equal(o.daemon.sip!.ivr!.active, 0, 'no voice menu call was started');
});

t.test('an idle hot-desk account may not subscribe to dialog state, from anywhere', async (t) => {
  const o = await startLoginOffice(t, { inMemory: true });
  const desk = await o.phone('HD0001', idlePassword(o));
  t.equal((await desk.register()).status, 200);
  const own = await desk.request('SUBSCRIBE', 'sip:100@office.test', {
    extra: ['Event: dialog', 'Accept: application/dialog-info+xml', 'Expires: 600'],
  });
  t.equal(own.status, 403, 'from its own registered flow');
  const stranger = await o.phone('HD0001', idlePassword(o));
  const other = await stranger.request('SUBSCRIBE', 'sip:100@office.test', {
    extra: ['Event: dialog', 'Accept: application/dialog-info+xml', 'Expires: 600'],
  });
  t.equal(other.status, 403, 'from a stranger address');
});

t.test('the registered idle phone itself still reaches the login menu', async (t) => {
  const o = await startLoginOffice(t);
  const desk = await o.phone('HD0001', idlePassword(o));
  t.equal((await desk.register()).status, 200);
  const rtp = await o.rtp();
  const call = await desk.call('sip:*77*100*@office.test', [], rtp.offer());
  t.equal(call.response.status, 200, 'answered by the voice menu');
  await call.hangUp();
  await waitFor(() => o.daemon.sip!.ivr!.active === 0, 'the call to end');
});

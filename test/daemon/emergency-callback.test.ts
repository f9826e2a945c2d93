/**
 * The callback after an emergency call, end to end on 127.0.0.1: a hot-desk
 * phone logged in as 102 (its desk with a callback number, ELIN) dials 112
 * through a fake trunk (a test UA on 127.0.0.2); the user then logs out. Within
 * the callback window, the trunk's call to the ELIN or to 102 rings the desk
 * phone, now idle; once the window is closed they route as usual again.
 */
import t from 'tap';
import type { SipRequest } from '../../src/sip/message.js';
import type { Change } from '../../src/store/changes.js';
import { sendControl } from '../../src/adapters/control-socket.js';
import { hashPin } from '../../src/adapters/pin-hash.js';
import { waitFor } from '../support/start-daemon.js';
import { idlePassword, isRequest, PIN, startLoginOffice } from '../support/login-office.js';
import { startTestPhone } from '../support/test-phone.js';
import { addExtension } from '../support/office.js';

const ELIN = '+15551234567';
const uriText = (uri: unknown): string => (typeof uri === 'string' ? uri : JSON.stringify(uri));

t.test(
  'the trunk calls the ELIN or the user back within the window: the desk rings after the user logged out',
  async (t) => {
    const pinHash = await hashPin(PIN);
    const o = await startLoginOffice(t, {
      changes: [{ ...addExtension('102', 'Ada Lovelace'), pinHash } as ReturnType<typeof addExtension>],
    });
    const control = (change: Change) => sendControl(o.daemon.paths.socket, { kind: 'change', change });
    const trunk = await startTestPhone({ user: 'trunk', password: '-', server: o.server, address: '127.0.0.2' });
    t.teardown(() => trunk.close());
    t.ok((await control({ kind: 'set-trunk', uri: `sip:127.0.0.2:${trunk.port}` })).ok);
    // The desk's callback number, as `hotdesk phone set HD0001 --emergency-callback` stores it.
    const data = o.daemon.store.data;
    await o.daemon.store.commit({
      ...data,
      phones: data.phones.map((phone) => ({ ...phone, emergencyCallback: ELIN })),
    });

    const desk = await o.phone('HD0001', idlePassword(o));
    const deskRtp = await o.rtp();
    desk.answerWithSdp(deskRtp.offer());
    t.equal((await desk.register()).status, 200);
    t.ok((await control({ kind: 'login', extension: '102', phone: 'HD0001', actor: 'admin' })).ok);
    await desk.waitFor(isRequest('NOTIFY'), 5000);
    desk.switchAccount('102', 'secret-102');
    t.equal((await desk.register()).status, 200, 'the desk registers as 102');

    const emergency = await desk.call('sip:112@office.test', [], deskRtp.offer());
    t.equal(emergency.response.status, 200, 'the emergency call goes through');
    await emergency.hangUp();
    await waitFor(() => o.daemon.store.data.emergency?.active?.length === 1, 'the call to be recorded');
    t.match(o.daemon.store.data.emergency?.active?.[0], { phone: 'HD0001', extension: '102', callback: ELIN });

    // The user leaves: logged out, the phone back on its own account.
    const notifies = desk.received.filter(isRequest('NOTIFY')).length;
    t.ok((await control({ kind: 'logout', target: { extension: '102' }, actor: 'user' })).ok);
    await waitFor(() => desk.received.filter(isRequest('NOTIFY')).length > notifies, 'the check-sync after the logout');
    desk.switchAccount('HD0001', idlePassword(o));
    t.equal((await desk.register()).status, 200, 'the idle desk registers as HD0001');

    const server = `127.0.0.1:${o.server.port}`;
    const invitesAtDesk = () => desk.received.filter(isRequest('INVITE')) as SipRequest[];
    const callback = await trunk.call(`sip:${ELIN}@${server}`, [], deskRtp.offer());
    t.equal(callback.response.status, 200, 'the callback to the ELIN is answered');
    t.match(uriText(invitesAtDesk().at(-1)?.uri), /^sip:HD0001@/, 'at the desk phone, now idle');
    await callback.hangUp();

    const before = invitesAtDesk().length;
    const national = await trunk.call(`sip:5551234567@${server}`, [], deskRtp.offer());
    t.equal(national.response.status, 200, 'the national form of the ELIN too');
    t.equal(invitesAtDesk().length, before + 1);
    await national.hangUp();

    const user = await trunk.call(`sip:102@${server}`, [], deskRtp.offer());
    t.equal(user.response.status, 200, "the user's number rings the desk although 102 is logged out");
    t.match(uriText(invitesAtDesk().at(-1)?.uri), /^sip:HD0001@/);
    await user.hangUp();

    // The window closes (0 minutes): both route as usual again.
    t.ok((await control({ kind: 'set-emergency-callback', minutes: 0 })).ok);
    const count = invitesAtDesk().length;
    const after = await trunk.request('INVITE', `sip:${ELIN}@${server}`, { body: deskRtp.offer(), auth: false });
    t.equal(after.status, 403, 'the ELIN is an outside number again: refused to the trunk');
    const userAfter = await trunk.request('INVITE', `sip:102@${server}`, { body: deskRtp.offer(), auth: false });
    t.ok(userAfter.status >= 400, `102 is not registered anywhere: refused (${userAfter.status})`);
    t.equal(invitesAtDesk().length, count, 'the desk no longer rings');
  },
);

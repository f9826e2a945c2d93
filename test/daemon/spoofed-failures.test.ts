/**
 * Failed digests from a registered phone's address (a stranger forging its
 * source, here a second socket on the same address) on real sockets: the
 * address is blocked for strangers, but the phone keeps registering and its
 * emergency call goes through.
 */
import t from 'tap';
import { startTestPhone } from '../support/test-phone.js';
import { world } from '../support/sip-world.js';

t.test('attack: spoofed failures against a registered phone, then its REGISTER and its emergency call', async (t) => {
  const w = await world(t);
  const trunk = await startTestPhone({ user: 'trunk', password: '-', server: w.server });
  t.teardown(() => trunk.close());
  await w.store.update((data) => ({
    next: { ...data, settings: { ...data.settings, trunk: { uri: `sip:127.0.0.1:${trunk.port}` } } },
    value: undefined,
  }));
  const hd = await w.phone('HD0001', 'idle-001565000001');
  t.equal((await hd.register()).status, 200, 'the phone registers');

  const stranger = await w.phone('HD0001', 'not-the-password');
  const statuses: number[] = [];
  for (let i = 0; i < 20; i++) statuses.push((await stranger.register()).status);
  t.equal(statuses.at(-1), 403, 'twenty failures block the address');
  stranger.switchAccount('101', 'secret-101');
  t.equal((await stranger.register()).status, 403, 'an account not registered from there is refused');

  t.equal((await hd.register()).status, 200, "the phone's own REGISTER with valid credentials passes");
  const emergency = await hd.call('sip:112@office.test');
  t.equal(emergency.response.status, 200, 'its emergency call reaches the trunk');
  t.equal((await emergency.hangUp()).status, 200);
});

import t from 'tap';
import { reasonStatus } from '../../src/sip/reason-status.js';

t.same(
  reasonStatus({ kind: 'dial-code-conflict', name: 'park', code: '*70' }),
  { status: 403, phrase: 'Forbidden' },
  'the 3CX behaviour: Forbidden',
);
t.equal(reasonStatus({ kind: 'idle-phone-restricted', phone: 'HD0001', dialled: '201' }).status, 403);
t.equal(reasonStatus({ kind: 'no-route', dialled: '5' }).status, 404);
t.equal(reasonStatus({ kind: 'not-registered', extension: '100' }).status, 480);
t.same(reasonStatus({ kind: 'login-service-unavailable' }), { status: 480, phrase: 'Hot-Desk Login Unavailable' });
t.equal(reasonStatus({ kind: 'no-trunk', dialled: '112' }).status, 503);
t.equal(reasonStatus({ kind: 'invalid-mac', value: 'x' }).status, 500, 'admin reasons never come from SIP');
t.same(reasonStatus({ kind: 'extension-locked', extension: '100', until: '2026-11-22T08:05:00.000Z' }), {
  status: 403,
  phrase: 'Extension Locked',
});
t.same(reasonStatus({ kind: 'phone-locked', phone: 'HD0001', until: '2026-11-22T08:05:00.000Z' }), {
  status: 403,
  phrase: 'Phone Locked',
});
t.same(reasonStatus({ kind: 'pair-locked', phone: 'HD0001', extension: '100', until: '2026-11-22T08:05:00.000Z' }), {
  status: 403,
  phrase: 'Locked On This Phone',
});
t.equal(reasonStatus({ kind: 'not-locked', target: 'extension 100' }).status, 500, 'unlocking is an admin matter');
t.same(reasonStatus({ kind: 'phone-pinned', phone: 'HD0001', extension: '100' }), {
  status: 403,
  phrase: 'Phone Pinned',
});

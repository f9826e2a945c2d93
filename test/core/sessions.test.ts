import t from 'tap';
import {
  applyLogin,
  applyLogout,
  applyPin,
  type LoginRequest,
  type LogoutOptions,
  type LogoutTarget,
  type PinRequest,
} from '../../src/core/sessions.js';
import type { Phone } from '../../src/core/model.js';
import type { Reason } from '../../src/core/reasons.js';

const phone = (name: string, extension?: string): Phone => ({
  name,
  model: 'yealink-t54w',
  mac: name
    .toLowerCase()
    .padStart(12, '0')
    .slice(-12)
    .replace(/[^0-9a-f]/g, '0'),
  connection: { mode: 'lan' },
  idlePassword: 'x',
  session: extension ? { extension, since: '2026-01-01T00:00:00.000Z' } : null,
  desiredGeneration: 5,
  appliedGeneration: 5,
});
const now = '2026-11-22T09:00:00.000Z';

t.test('login on an idle phone bumps its generation', async (t) => {
  const outcome = applyLogin([phone('HD0001')], { extension: '100', phone: 'HD0001', now, policy: 'exclusive' });
  t.ok(outcome.ok);
  if (!outcome.ok) return;
  t.same(outcome.value.phones[0]!.session, { extension: '100', since: now });
  t.equal(outcome.value.phones[0]!.desiredGeneration, 6);
  t.same(outcome.value.released, []);
  t.same(outcome.value.reprovision, ['HD0001']);
});

t.test('login as B while A is logged in switches without a logout', async (t) => {
  const outcome = applyLogin([phone('HD0001', '100')], { extension: '101', phone: 'HD0001', now, policy: 'exclusive' });
  t.ok(outcome.ok);
  if (!outcome.ok) return;
  t.same(outcome.value.phones[0]!.session, { extension: '101', since: now });
  t.same(outcome.value.released, [{ phone: 'HD0001', extension: '100' }]);
});

t.test('logging in again on the same phone changes nothing', async (t) => {
  const phones = [phone('HD0001', '100')];
  const outcome = applyLogin(phones, { extension: '100', phone: 'HD0001', now, policy: 'exclusive' });
  t.ok(outcome.ok && outcome.value.phones[0] === phones[0] && outcome.value.reprovision.length === 0);
});

t.test('multi-login policies', async (t) => {
  const phones = [phone('HD0001', '100'), phone('HD0002')];
  const exclusive = applyLogin(phones, { extension: '100', phone: 'HD0002', now, policy: 'exclusive' });
  t.ok(
    exclusive.ok && exclusive.value.phones[0]!.session === null && exclusive.value.phones[0]!.desiredGeneration === 6,
  );
  const allow = applyLogin(phones, { extension: '100', phone: 'HD0002', now, policy: 'allow' });
  t.ok(
    allow.ok &&
      allow.value.phones[0]!.session?.extension === '100' &&
      allow.value.phones[1]!.session?.extension === '100',
  );
  const deny = applyLogin(phones, { extension: '100', phone: 'HD0002', now, policy: 'deny' });
  t.same(deny, { ok: false, reason: { kind: 'already-logged-in', extension: '100', phone: 'HD0001' } });
});

t.test('logout targets', async (t) => {
  const phones = [phone('HD0001', '100'), phone('HD0002', '100'), phone('HD0003', '101'), phone('HD0004')];
  const byExtension = applyLogout(phones, { extension: '100' });
  t.ok(byExtension.ok && byExtension.value.reprovision.join() === 'HD0001,HD0002');
  const byPhone = applyLogout(phones, { phone: 'HD0003' });
  t.ok(byPhone.ok && byPhone.value.released.length === 1 && byPhone.value.phones[2]!.session === null);
  const all = applyLogout(phones, { all: true });
  t.ok(all.ok && all.value.released.length === 3);
  const none = applyLogout([phone('HD0004')], { all: true });
  t.ok(none.ok && none.value.released.length === 0, '--all on an idle office is not an error');
  t.same(applyLogout(phones, { phone: 'HD0004' }), { ok: false, reason: { kind: 'not-logged-in', target: 'HD0004' } });
  t.same(applyLogout(phones, { phone: 'HD0009' }), { ok: false, reason: { kind: 'unknown-phone', value: 'HD0009' } });
});

const pinnedPhone = (name: string, extension: string): Phone => ({ ...phone(name, extension), pinned: extension });
/** Sessions of a phone list, as [name, extension or null, pinned or null]. */
const sessions = (phones: Phone[]) =>
  phones.map((entry) => [entry.name, entry.session?.extension ?? null, entry.pinned ?? null]);

t.test('pinned phones and takeover at login', async (t) => {
  type Case = [string, Phone[], LoginRequest, ReturnType<typeof sessions> | Reason, string[]?];
  const cases: Case[] = [
    [
      'a pinned phone takes no login as someone else',
      [pinnedPhone('HD0001', '100')],
      { extension: '101', phone: 'HD0001', now, policy: 'allow' },
      { kind: 'phone-pinned', phone: 'HD0001', extension: '100' },
    ],
    [
      'nor under exclusive',
      [pinnedPhone('HD0001', '100'), phone('HD0002', '101')],
      { extension: '101', phone: 'HD0001', now, policy: 'exclusive' },
      { kind: 'phone-pinned', phone: 'HD0001', extension: '100' },
    ],
    [
      'its own user logging in there changes nothing',
      [pinnedPhone('HD0001', '100')],
      { extension: '100', phone: 'HD0001', now, policy: 'exclusive' },
      [['HD0001', '100', '100']],
      [],
    ],
    [
      'exclusive leaves a phone pinned to the user',
      [pinnedPhone('HD0001', '100'), phone('HD0002')],
      { extension: '100', phone: 'HD0002', now, policy: 'exclusive' },
      [
        ['HD0001', '100', '100'],
        ['HD0002', '100', null],
      ],
      ['HD0002'],
    ],
    [
      'exclusive ends the other unpinned sessions only',
      [pinnedPhone('HD0001', '100'), phone('HD0002', '100'), phone('HD0003')],
      { extension: '100', phone: 'HD0003', now, policy: 'exclusive' },
      [
        ['HD0001', '100', '100'],
        ['HD0002', null, null],
        ['HD0003', '100', null],
      ],
      ['HD0002', 'HD0003'],
    ],
    [
      'deny does not count a phone pinned to the user',
      [pinnedPhone('HD0001', '100'), phone('HD0002')],
      { extension: '100', phone: 'HD0002', now, policy: 'deny' },
      [
        ['HD0001', '100', '100'],
        ['HD0002', '100', null],
      ],
      ['HD0002'],
    ],
    [
      'no takeover: exclusive keeps the other session, as allow does',
      [phone('HD0001', '100'), phone('HD0002')],
      { extension: '100', phone: 'HD0002', now, policy: 'exclusive', takeover: false },
      [
        ['HD0001', '100', null],
        ['HD0002', '100', null],
      ],
      ['HD0002'],
    ],
    [
      'takeover true is the default',
      [phone('HD0001', '100'), phone('HD0002')],
      { extension: '100', phone: 'HD0002', now, policy: 'exclusive', takeover: true },
      [
        ['HD0001', null, null],
        ['HD0002', '100', null],
      ],
      ['HD0001', 'HD0002'],
    ],
    [
      'no takeover under deny is still a refusal',
      [phone('HD0001', '100'), phone('HD0002')],
      { extension: '100', phone: 'HD0002', now, policy: 'deny', takeover: false },
      { kind: 'already-logged-in', extension: '100', phone: 'HD0001' },
    ],
    [
      'no takeover does not stop a login over the user at the same phone',
      [phone('HD0001', '100')],
      { extension: '101', phone: 'HD0001', now, policy: 'exclusive', takeover: false },
      [['HD0001', '101', null]],
      ['HD0001'],
    ],
  ];
  for (const [name, phones, request, expected, reprovision] of cases) {
    const outcome = applyLogin(phones, request);
    if (!Array.isArray(expected)) {
      t.same(outcome, { ok: false, reason: expected }, name);
      continue;
    }
    t.ok(outcome.ok, name);
    if (!outcome.ok) continue;
    t.same(sessions(outcome.value.phones), expected, `${name}: sessions`);
    t.same(outcome.value.reprovision, reprovision, `${name}: re-provisioned`);
  }
});

t.test('pinned phones at logout', async (t) => {
  const office = [
    pinnedPhone('HD0001', '100'),
    phone('HD0002', '100'),
    phone('HD0003', '101'),
    pinnedPhone('HD0004', '102'),
  ];
  type Case = [string, Phone[], LogoutTarget, LogoutOptions | undefined, ReturnType<typeof sessions> | Reason];
  const cases: Case[] = [
    [
      'a pinned phone cannot be logged out',
      office,
      { phone: 'HD0001' },
      undefined,
      { kind: 'phone-pinned', phone: 'HD0001', extension: '100' },
    ],
    [
      'an extension is logged out of its unpinned phones only',
      office,
      { extension: '100' },
      undefined,
      [
        ['HD0001', '100', '100'],
        ['HD0002', null, null],
        ['HD0003', '101', null],
        ['HD0004', '102', '102'],
      ],
    ],
    [
      'an extension only on pinned phones: refused, named',
      office,
      { extension: '102' },
      undefined,
      { kind: 'phone-pinned', phone: 'HD0004', extension: '102' },
    ],
    [
      'all passes pinned phones over',
      office,
      { all: true },
      undefined,
      [
        ['HD0001', '100', '100'],
        ['HD0002', null, null],
        ['HD0003', null, null],
        ['HD0004', '102', '102'],
      ],
    ],
    [
      'includePinned releases and unpins them (the extension is removed)',
      office,
      { extension: '100' },
      { includePinned: true },
      [
        ['HD0001', null, null],
        ['HD0002', null, null],
        ['HD0003', '101', null],
        ['HD0004', '102', '102'],
      ],
    ],
    [
      'an extension nowhere is still not-logged-in',
      office,
      { extension: '105' },
      undefined,
      { kind: 'not-logged-in', target: '105' },
    ],
  ];
  for (const [name, phones, target, options, expected] of cases) {
    const outcome = applyLogout(phones, target, options);
    if (!Array.isArray(expected)) {
      t.same(outcome, { ok: false, reason: expected }, name);
      continue;
    }
    t.ok(outcome.ok, name);
    if (outcome.ok) t.same(sessions(outcome.value.phones), expected, `${name}: sessions`);
  }
  const byExtension = applyLogout(office, { extension: '100' });
  t.ok(
    byExtension.ok && byExtension.value.released.length === 1 && byExtension.value.reprovision.join() === 'HD0002',
    'the count is of released phones only',
  );
});

t.test('pin and unpin', async (t) => {
  type Case = [
    string,
    Phone[],
    PinRequest,
    ReturnType<typeof sessions> | Reason,
    { released: { phone: string; extension: string }[]; reprovision: string[]; before: string | undefined }?,
  ];
  const cases: Case[] = [
    [
      'pinning an idle phone logs it in',
      [phone('HD0001')],
      { phone: 'HD0001', extension: '100', now },
      [['HD0001', '100', '100']],
      { released: [], reprovision: ['HD0001'], before: undefined },
    ],
    [
      'pinning a phone in use by someone else releases them',
      [phone('HD0001', '101')],
      { phone: 'HD0001', extension: '100', now },
      [['HD0001', '100', '100']],
      { released: [{ phone: 'HD0001', extension: '101' }], reprovision: ['HD0001'], before: undefined },
    ],
    [
      'pinning to the user already on it re-provisions nothing',
      [phone('HD0001', '100')],
      { phone: 'HD0001', extension: '100', now },
      [['HD0001', '100', '100']],
      { released: [], reprovision: [], before: undefined },
    ],
    [
      'pinning applies no multi-login policy: the user keeps the other phone',
      [phone('HD0001', '100'), phone('HD0002')],
      { phone: 'HD0002', extension: '100', now },
      [
        ['HD0001', '100', null],
        ['HD0002', '100', '100'],
      ],
      { released: [], reprovision: ['HD0002'], before: undefined },
    ],
    [
      're-pinning to another extension switches it',
      [pinnedPhone('HD0001', '100')],
      { phone: 'HD0001', extension: '101', now },
      [['HD0001', '101', '101']],
      { released: [{ phone: 'HD0001', extension: '100' }], reprovision: ['HD0001'], before: '100' },
    ],
    [
      'unpinning keeps the session',
      [pinnedPhone('HD0001', '100')],
      { phone: 'HD0001', extension: null, now },
      [['HD0001', '100', null]],
      { released: [], reprovision: [], before: '100' },
    ],
    [
      'an unknown phone',
      [phone('HD0001')],
      { phone: 'HD0009', extension: '100', now },
      { kind: 'unknown-phone', value: 'HD0009' },
    ],
  ];
  for (const [name, phones, request, expected, rest] of cases) {
    const outcome = applyPin(phones, request);
    if (!Array.isArray(expected)) {
      t.same(outcome, { ok: false, reason: expected }, name);
      continue;
    }
    t.ok(outcome.ok, name);
    if (!outcome.ok) continue;
    t.same(sessions(outcome.value.phones), expected, `${name}: sessions`);
    t.same(
      { released: outcome.value.released, reprovision: outcome.value.reprovision, before: outcome.value.before },
      rest,
      `${name}: what changed`,
    );
    const target = outcome.value.phones.find((entry) => entry.name === request.phone)!;
    const old = phones.find((entry) => entry.name === request.phone)!;
    t.equal(
      target.desiredGeneration,
      old.desiredGeneration + (rest!.reprovision.length > 0 ? 1 : 0),
      `${name}: generation bumped only when re-provisioned`,
    );
    if (rest!.reprovision.length > 0) t.equal(target.session?.since, now, `${name}: the session starts now`);
  }
  const unpinned = applyPin([pinnedPhone('HD0001', '100')], { phone: 'HD0001', extension: null, now });
  t.ok(unpinned.ok && !('pinned' in unpinned.value.phones[0]!), 'unpinning removes the member (absent: not pinned)');
});

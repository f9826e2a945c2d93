/**
 * What the login voice menu does to the office (ivr-actions.ts), run against
 * the real `applyChange` on an in-memory store and real scrypt PIN hashes:
 * logout everywhere counts the phones released, a pinned phone's logout is
 * refused with its prompt, and refusals map to prompts.
 */
import t from 'tap';
import { applyChange, type Change } from '../../../src/store/changes.js';
import type { StoreData } from '../../../src/store/schema.js';
import type { ControlResponse } from '../../../src/adapters/control-socket.js';
import { hashPin, verifyPin } from '../../../src/adapters/pin-hash.js';
import { createIvrActions, refusalPrompt } from '../../../src/daemon/ivr/ivr-actions.js';
import type { Reason } from '../../../src/core/reasons.js';
import type { PromptName } from '../../../src/media/prompt-names.js';
import { addExtension, addPhone, CATALOGUE, NOW, office } from '../../support/office.js';

async function officeWithActions(...changes: Change[]) {
  const pinHash = await hashPin('2468');
  let data: StoreData = office(
    { ...addExtension('100'), pinHash } as Change,
    { ...addExtension('101'), pinHash } as Change,
    addPhone('001565000001'),
    addPhone('001565000002'),
    addPhone('001565000003'),
    { kind: 'set-policy', name: 'multi-login', value: 'allow' },
    ...changes,
  );
  const submitted: Change[] = [];
  const submit = async (change: Change): Promise<ControlResponse> => {
    submitted.push(change);
    const outcome = applyChange(data, change, { now: NOW, catalogue: CATALOGUE });
    if (!outcome.ok) return { ok: false, reason: outcome.reason };
    data = outcome.value.data;
    return { ok: true, result: outcome.value.result };
  };
  const actions = createIvrActions({
    data: () => data,
    submit,
    verifyPin,
    dummyHash: await hashPin('97531'),
    callEnded: () => {},
    now: () => Date.parse(NOW),
  });
  return { actions, submitted, data: () => data };
}

t.test('logout everywhere: the count of phones released, pinned ones kept, zero when none', async (t) => {
  const o = await officeWithActions(
    { kind: 'login', extension: '100', phone: 'HD0001', actor: 'admin' },
    { kind: 'login', extension: '100', phone: 'HD0002', actor: 'admin' },
    { kind: 'set-phone', phone: 'HD0003', pinned: '100' },
  );
  t.equal(await o.actions.logoutEverywhere('100'), 2);
  t.same(
    o.submitted.at(-1),
    { kind: 'logout', target: { extension: '100' }, actor: 'user' },
    'through the one change path, as the user',
  );
  t.same(
    o.data().phones.map((phone) => phone.session?.extension ?? null),
    [null, null, '100'],
  );
  t.equal(await o.actions.logoutEverywhere('100'), 0, 'only the pinned phone left: zero');
  t.equal(await o.actions.logoutEverywhere('101'), 0, 'logged in nowhere: zero');
  t.equal(await o.actions.logoutEverywhere('555'), 0, 'no such extension: zero');
});

t.test('logout of a pinned phone is refused with the phone-pinned prompt', async (t) => {
  const o = await officeWithActions(
    { kind: 'set-phone', phone: 'HD0001', pinned: '100' },
    { kind: 'login', extension: '101', phone: 'HD0002', actor: 'admin' },
  );
  t.equal(o.actions.pinnedTo('HD0001'), '100');
  t.equal(o.actions.pinnedTo('HD0002'), undefined);
  t.equal(o.actions.pinnedTo('101'), undefined, 'an account outside the pool is pinned to nothing');
  t.same(await o.actions.logout('HD0001'), { ok: false, prompt: 'phone-pinned' });
  t.equal(o.data().phones[0]!.session?.extension, '100');
  t.same(await o.actions.logout('HD0002'), { ok: true });
  t.same(await o.actions.logout('HD0002'), { ok: true }, 'an idle phone is logged out either way');
  t.same(
    await o.actions.login('101', 'HD0001'),
    { ok: false, prompt: 'phone-pinned' },
    'a login the store refuses as pinned',
  );
});

t.test("PIN checks for logout everywhere count against the caller's account outside the pool", async (t) => {
  const o = await officeWithActions();
  t.same(await o.actions.checkPin('100', '101', '1111'), { ok: false, locked: false });
  t.same(
    await o.actions.checkPin('555', '101', '2468'),
    { ok: false, locked: false },
    'an unknown extension is a wrong PIN, even with a PIN someone has',
  );
  t.same(await o.actions.checkPin('100', '101', '2468'), { ok: true });
  t.same(
    o
      .data()
      .audit.filter((entry) => entry.kind === 'login-failed')
      .map((entry) => [entry.extension, entry.phone]),
    [
      ['100', '101'],
      ['555', '101'],
    ],
  );
});

t.test('refusals the store gives, as prompts', async (t) => {
  const cases: [Reason, PromptName][] = [
    [{ kind: 'phone-pinned', phone: 'HD0001', extension: '100' }, 'phone-pinned'],
    [{ kind: 'hotdesk-disabled', extension: '100' }, 'hotdesk-not-allowed'],
    [{ kind: 'already-logged-in', extension: '100', phone: 'HD0002' }, 'hotdesk-not-allowed'],
    [{ kind: 'extension-locked', extension: '100', until: NOW }, 'too-many-attempts'],
    [{ kind: 'phone-locked', phone: 'HD0001', until: NOW }, 'too-many-attempts'],
    [{ kind: 'pair-locked', phone: 'HD0001', extension: '100', until: NOW }, 'too-many-attempts'],
    [{ kind: 'unknown-extension', extension: '555' }, 'wrong-pin'],
  ];
  for (const [reason, prompt] of cases) t.equal(refusalPrompt(reason), prompt, reason.kind);
});

/** IVR actions on a store in memory that count how many PINs they hash. */
async function countingActions() {
  const o = await officeWithActions();
  let count = 0;
  const counting = createIvrActions({
    data: o.data,
    submit: async (change) => {
      const outcome = applyChange(o.data(), change, { now: NOW, catalogue: CATALOGUE });
      if (!outcome.ok) return { ok: false, reason: outcome.reason };
      Object.assign(o.data(), outcome.value.data);
      return { ok: true, result: outcome.value.result };
    },
    verifyPin: async (pin, hash) => {
      count++;
      return verifyPin(pin, hash);
    },
    dummyHash: await hashPin('97531'),
    callEnded: () => {},
    now: () => Date.parse(NOW),
  });
  return { o, counting, hashed: () => count };
}

t.test(
  'attack: ten PIN checks in parallel on one extension (scrypt running) get no more wrong tries than the ' +
    'lockout allows',
  async (t) => {
    const { o, counting, hashed } = await countingActions();
    // Ten guesses from ten phones at once, then the right PIN from an eleventh while the lock holds.
    const phones = Array.from({ length: 10 }, (_, index) => `guesser-${index}`);
    const verdicts = await Promise.all(
      phones.map((phone, index) => counting.checkPin('100', phone, `${1000 + index}`)),
    );
    // Three phones' wrong PINs lock the extension (core/pin-locks.ts): no more than three are checked.
    t.equal(hashed(), 3, 'only as many PINs are hashed as wrong tries lock the extension');
    t.equal(
      verdicts.filter((verdict) => !verdict.ok && verdict.locked).length,
      8,
      "the rest are told it is locked (the third's own try included)",
    );
    t.equal(
      o.data().audit.filter((entry) => entry.kind === 'login-failed').length,
      3,
      'three wrong tries counted, no more',
    );
    t.ok(o.data().security.extensions['100']?.lockedUntil, 'the extension-wide lock holds');
    t.same(
      await counting.checkPin('100', 'HD0001', '2468'),
      { ok: false, locked: true },
      'a right PIN during the lock is refused',
    );
    t.equal(hashed(), 3, 'and not even hashed');
  },
);

t.test(
  'attack: ten PIN checks in parallel from one phone for one extension get no more wrong tries than its pair ' +
    'lock allows',
  async (t) => {
    const { o, counting, hashed } = await countingActions();
    await Promise.all(Array.from({ length: 10 }, (_, index) => counting.checkPin('100', 'HD0002', `${1000 + index}`)));
    t.equal(hashed(), 5, 'five hashed: the pair locks at five');
    t.equal(o.data().audit.filter((entry) => entry.kind === 'login-failed').length, 5, 'five wrong tries counted');
    t.same(
      await counting.checkPin('100', 'HD0002', '2468'),
      { ok: false, locked: true },
      'a right PIN on that phone is refused during its pair lock',
    );
    t.same(await counting.checkPin('100', 'HD0001', '2468'), { ok: true }, 'the user on another phone logs in');
    t.equal(hashed(), 6);
  },
);

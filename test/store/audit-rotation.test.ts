import t from 'tap';
import {
  AUDIT_LIMITS,
  auditEntryKey,
  auditOverlap,
  planAuditRotation,
  sortAuditByTime,
} from '../../src/store/audit-rotation.js';
import type { AuditEntry } from '../../src/core/model.js';

const T0 = Date.parse('2026-11-22T09:00:00.000Z');
/** Entry `i` of a trail: one a second, each different. */
const e = (i: number): AuditEntry => ({
  at: new Date(T0 + i * 1000).toISOString(),
  kind: 'login',
  actor: 'admin',
  extension: String(100 + i),
});
const range = (from: number, to: number): AuditEntry[] => Array.from({ length: to - from }, (_, i) => e(from + i));
const numbers = (entries: AuditEntry[] | undefined) => entries?.map((entry) => Number(entry.extension) - 100);

t.test('the limits', async (t) => {
  t.same(AUDIT_LIMITS, { max: 5000, keep: 4500 });
});

t.test('planAuditRotation: nothing until past max, then down to keep', async (t) => {
  const limits = { max: 5, keep: 3 };
  const cases: [string, number, { archive: number[]; keep: number[] } | undefined][] = [
    ['empty', 0, undefined],
    ['under max', 4, undefined],
    ['at max', 5, undefined],
    ['one past max', 6, { archive: [0, 1, 2], keep: [3, 4, 5] }],
    ['far past max', 9, { archive: [0, 1, 2, 3, 4, 5], keep: [6, 7, 8] }],
  ];
  for (const [what, length, expected] of cases) {
    const plan = planAuditRotation(range(0, length), limits);
    t.same(plan && { archive: numbers(plan.archive), keep: numbers(plan.keep) }, expected, what);
  }
  t.same(numbers(planAuditRotation(range(0, 4), { max: 3, keep: 0 })?.keep), [], 'keep 0 archives everything');
  t.same(numbers(planAuditRotation(range(0, 5), { max: 3, keep: 9 })?.keep), [2, 3, 4], 'keep above max is max');
  t.equal(planAuditRotation(range(0, 5000)), undefined, 'the default: 5000 stay');
  t.same(planAuditRotation(range(0, 5001))?.archive.length, 501, 'the default: 5001 → 501 archived, 4500 kept');
});

t.test('auditEntryKey: equal entries, equal keys, whatever the member order', async (t) => {
  const a: AuditEntry = {
    at: '2026-11-22T09:00:00.000Z',
    kind: 'login',
    actor: 'user',
    extension: '100',
    phone: 'HD0001',
  };
  const reordered = JSON.parse(
    '{"phone":"HD0001","extension":"100","actor":"user","kind":"login","at":"2026-11-22T09:00:00.000Z"}',
  ) as AuditEntry;
  t.equal(auditEntryKey(reordered), auditEntryKey(a));
  for (const change of [
    { at: '2026-11-22T09:00:00.001Z' },
    { kind: 'logout' as const },
    { actor: 'admin' as const },
    { extension: '101' },
    { phone: 'HD0002' },
    { detail: 'x' },
  ]) {
    t.not(auditEntryKey({ ...a, ...change }), auditEntryKey(a), `differs by ${Object.keys(change)[0]}`);
  }
  t.not(auditEntryKey({ ...a, detail: '' }), auditEntryKey(a), 'an empty detail is not a missing one');
});

t.test('auditOverlap: the stored entries already at the end of the archive', async (t) => {
  const cases: [string, AuditEntry[], AuditEntry[], number][] = [
    ['no archive', [], range(0, 5), 0],
    ['empty store', range(0, 5), [], 0],
    ['archive then store, as after a clean rotation', range(0, 5), range(5, 10), 0],
    ['crash after archiving 0..4: the store still starts at 0', range(0, 5), range(0, 10), 5],
    ['crash after archiving 3..4 (0..2 archived before)', range(0, 5), range(3, 10), 2],
    ['the whole store is archived', range(0, 10), range(4, 10), 6],
    ['the store is longer than the archive and starts with it', range(0, 3), range(0, 3), 3],
    ['the store starts with an archived entry but goes on differently', range(0, 5), [e(3), e(9)], 0],
    ['the first stored entry earlier in the archive, not at its end', [...range(0, 5), e(9)], range(3, 10), 0],
    ['a gap in the store', range(0, 5), [e(3), e(5), e(6)], 0],
  ];
  for (const [what, archived, stored, expected] of cases) t.equal(auditOverlap(archived, stored), expected, what);

  // Repeated equal entries: the longest overlap wins.
  const same = e(1);
  t.equal(auditOverlap([e(0), same, same], [same, same, e(2)]), 2, 'two equal entries archived, both recognised');
  t.equal(auditOverlap([e(0), same], [same, same, e(2)]), 1, 'one archived, the second equal one is new');
});

t.test('sortAuditByTime: oldest first, recorded order between equal times', async (t) => {
  const a = e(1);
  const b: AuditEntry = { ...e(1), kind: 'logout' };
  const cases: [string, AuditEntry[], AuditEntry[]][] = [
    ['sorted already', [e(0), e(1), e(2)], [e(0), e(1), e(2)]],
    ['out of order', [e(2), e(0), e(1)], [e(0), e(1), e(2)]],
    ['equal times keep their order', [b, e(0), a], [e(0), b, a]],
    ['empty', [], []],
  ];
  for (const [what, input, expected] of cases) t.same(sortAuditByTime(input), expected, what);
});

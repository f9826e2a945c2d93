import t from 'tap';
import {
  auditSelector,
  filterAudit,
  parseAuditKinds,
  parseAuditTime,
  type AuditFilter,
} from '../../src/core/audit-filter.js';
import type { AuditEntry } from '../../src/core/model.js';

const NOW = '2026-11-22T12:00:00.000Z';

t.test('parseAuditTime: ISO dates and times, durations back from now, and nothing else', async (t) => {
  const cases: [string, string | undefined][] = [
    ['2026-11-01', '2026-11-01T00:00:00.000Z'],
    ['2026-11-01T08:00:00Z', '2026-11-01T08:00:00.000Z'],
    ['2026-11-01T08:00:00.250Z', '2026-11-01T08:00:00.250Z'],
    ['2026-11-01T08:00Z', '2026-11-01T08:00:00.000Z'],
    ['2026-11-01T08:00:00+01:00', '2026-11-01T07:00:00.000Z'],
    ['2026-11-01T08:00-0130', '2026-11-01T09:30:00.000Z'],
    // No offset: UTC, like every time in the trail.
    ['2026-11-01T08:00:00', '2026-11-01T08:00:00.000Z'],
    ['2026-11-01 08:00', '2026-11-01T08:00:00.000Z'],
    ['  2026-11-01  ', '2026-11-01T00:00:00.000Z'],
    ['30m', '2026-11-22T11:30:00.000Z'],
    ['24h', '2026-11-21T12:00:00.000Z'],
    ['7d', '2026-11-15T12:00:00.000Z'],
    ['2w', '2026-11-08T12:00:00.000Z'],
    ['90s', '2026-11-22T11:58:30.000Z'],
    ['0m', NOW],
    ['yesterday', undefined],
    ['last week', undefined],
    ['', undefined],
    ['30', undefined],
    ['-5m', undefined],
    ['5 m', undefined],
    ['1.5h', undefined],
    ['30M', undefined],
    ['2026-13-01', undefined],
    ['2026-02-30', undefined],
    ['2026-11-01T25:00:00Z', undefined],
    ['2026-11', undefined],
    ['01/11/2026', undefined],
    ['2026-11-01T08:00:00Zjunk', undefined],
  ];
  for (const [input, expected] of cases) t.equal(parseAuditTime(input, NOW), expected, JSON.stringify(input));
});

t.test('parseAuditKinds: repeated or comma-separated, checked against the kinds', async (t) => {
  const cases: [string[], ReturnType<typeof parseAuditKinds>][] = [
    [['login-failed'], { ok: true, kinds: ['login-failed'] }],
    [['login,logout'], { ok: true, kinds: ['login', 'logout'] }],
    [['login', 'logout,unlocked'], { ok: true, kinds: ['login', 'logout', 'unlocked'] }],
    [[' Login , login ,'], { ok: true, kinds: ['login'] }],
    [[], { ok: true, kinds: [] }],
    [['logins'], { ok: false, unknown: ['logins'] }],
    [['login,pin,pin', 'x'], { ok: false, unknown: ['pin', 'x'] }],
  ];
  for (const [input, expected] of cases) t.same(parseAuditKinds(input), expected, JSON.stringify(input));
});

const entry = (at: string, kind: AuditEntry['kind'], fields: Partial<AuditEntry> = {}): AuditEntry => ({
  at,
  kind,
  actor: 'admin',
  ...fields,
});

const TRAIL: AuditEntry[] = [
  entry('2026-11-20T08:00:00.000Z', 'phone-added', { phone: 'HD0001', detail: 'yealink-t54w 001565aabb01' }),
  entry('2026-11-21T09:00:00.000Z', 'login', { extension: '100', phone: 'HD0001' }),
  entry('2026-11-21T09:05:00.000Z', 'login-failed', { actor: 'user', extension: '101', phone: 'HD0002' }),
  entry('2026-11-22T10:00:00.000Z', 'logout', { extension: '100', phone: 'HD0001' }),
  entry('2026-11-22T11:00:00.000Z', 'extension-changed', { extension: '100', detail: 'name' }),
  entry('2026-11-22T11:30:00.000Z', 'login-failed', { actor: 'user', extension: '999', phone: 'sip:10.0.0.9' }),
];

t.test('filterAudit: each filter alone and together', async (t) => {
  const cases: [string, AuditFilter, number[]][] = [
    ['no filter', {}, [0, 1, 2, 3, 4, 5]],
    ['extension', { extension: '100' }, [1, 3, 4]],
    ['extension with spaces', { extension: ' 100 ' }, [1, 3, 4]],
    ['extension nobody has', { extension: '555' }, []],
    ['phone', { phones: ['HD0001'] }, [0, 1, 3]],
    ['phone in any case', { phones: ['hd0001'] }, [0, 1, 3]],
    ['phone as recorded from elsewhere', { phones: ['SIP:10.0.0.9'] }, [5]],
    ['either of two phones', { phones: ['HD0001', 'HD0002'] }, [0, 1, 2, 3]],
    ['no phones matches nothing', { phones: [] }, []],
    ['one kind', { kinds: ['login-failed'] }, [2, 5]],
    ['two kinds', { kinds: ['login', 'logout'] }, [1, 3]],
    ['no kinds: every kind', { kinds: [] }, [0, 1, 2, 3, 4, 5]],
    ['since, inclusive', { since: '2026-11-22T10:00:00.000Z' }, [3, 4, 5]],
    ['until, exclusive', { until: '2026-11-22T10:00:00.000Z' }, [0, 1, 2]],
    ['since and until: one day', { since: '2026-11-21T00:00:00.000Z', until: '2026-11-22T00:00:00.000Z' }, [1, 2]],
    ['until before since', { since: '2026-11-22T00:00:00.000Z', until: '2026-11-21T00:00:00.000Z' }, []],
    [
      'everything at once',
      { extension: '100', phones: ['HD0001'], kinds: ['logout', 'login'], since: '2026-11-22T00:00:00.000Z' },
      [3],
    ],
  ];
  for (const [what, filter, expected] of cases) {
    t.same(
      filterAudit(TRAIL, filter),
      expected.map((i) => TRAIL[i]),
      what,
    );
  }
});

t.test('auditSelector: an entry with an unreadable time passes no time filter', async (t) => {
  const odd = entry('not a time', 'login');
  t.equal(auditSelector({})(odd), true);
  t.equal(auditSelector({ since: '2000-01-01T00:00:00.000Z' })(odd), false);
  t.equal(auditSelector({ until: '2999-01-01T00:00:00.000Z' })(odd), false);
});

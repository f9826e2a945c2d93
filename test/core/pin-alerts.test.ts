import t from 'tap';
import {
  activePinAlerts,
  describePinAlert,
  newPinAlerts,
  PIN_ALERT_RULE,
  type PinAlert,
} from '../../src/core/pin-alerts.js';
import type { AuditEntry } from '../../src/core/model.js';

const T0 = Date.parse('2026-11-22T09:00:00.000Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

const failed = (atMs: number, extension: string, phone: string): AuditEntry => ({
  at: iso(atMs),
  kind: 'login-failed',
  actor: 'user',
  extension,
  phone,
  detail: 'wrong PIN',
});

/** `count` failures for `extension` on `phone`, one every `stepMs` from `startMs`. */
const burst = (count: number, startMs: number, stepMs: number, extension: string, phone: string): AuditEntry[] =>
  Array.from({ length: count }, (_, i) => failed(startMs + i * stepMs, extension, phone));

t.test('the documented rule', async (t) => {
  t.same(PIN_ALERT_RULE, { threshold: 10, windowMinutes: 10 });
});

t.test('activePinAlerts: which bursts are active at now', async (t) => {
  const nine = burst(9, T0, 10_000, '100', 'HD0001');
  const ten = burst(10, T0, 10_000, '100', 'HD0001');
  const now = T0 + 2 * MIN;
  const cases: [string, AuditEntry[], number, Partial<PinAlert>[]][] = [
    ['nothing recorded', [], now, []],
    ['9 failures: below the threshold', nine, now, []],
    [
      '10 failures for one extension on one phone: both alerts',
      ten,
      now,
      [
        { target: 'extension', key: '100', failures: 10, first: iso(T0), last: iso(T0 + 90_000), windowMinutes: 10 },
        { target: 'phone', key: 'HD0001', failures: 10, first: iso(T0), last: iso(T0 + 90_000), windowMinutes: 10 },
      ],
    ],
    [
      'one extension from ten phones: the extension only',
      Array.from({ length: 10 }, (_, i) => failed(T0 + i * 1000, '100', `HD000${i}`)),
      now,
      [{ target: 'extension', key: '100', failures: 10 }],
    ],
    [
      'one phone trying ten extensions (unknown ones too): the phone only',
      Array.from({ length: 10 }, (_, i) => failed(T0 + i * 1000, `90${i}`, 'HD0007')),
      now,
      [{ target: 'phone', key: 'HD0007', failures: 10 }],
    ],
    ['10 failures spread over more than 10 minutes', burst(10, T0, 70_000, '100', 'HD0001'), T0 + 9 * 70_000, []],
    ['the window has passed', ten, T0 + 90_000 + 10 * MIN, []],
    [
      'just inside the window',
      ten,
      T0 + 10 * MIN - 1,
      [
        { target: 'extension', failures: 10 },
        { target: 'phone', failures: 10 },
      ],
    ],
    ['the first failure just out of the window', ten, T0 + 10 * MIN, []],
    [
      'only the failures in the window are counted',
      [...burst(5, T0 - 30 * MIN, 1000, '100', 'HD0001'), ...ten, failed(T0 + 100_000, '100', 'HD0001')],
      now,
      [
        { target: 'extension', key: '100', failures: 11, first: iso(T0), last: iso(T0 + 100_000) },
        { target: 'phone', key: 'HD0001', failures: 11 },
      ],
    ],
    [
      'other kinds do not count',
      [...nine, { at: iso(T0 + 95_000), kind: 'login', actor: 'user', extension: '100', phone: 'HD0001' }],
      now,
      [],
    ],
    [
      'sorted: extensions, then phones, each by key',
      [...burst(10, T0, 1000, '200', 'HD0009'), ...burst(10, T0, 1000, '105', 'HD0002')],
      now,
      [
        { target: 'extension', key: '105' },
        { target: 'extension', key: '200' },
        { target: 'phone', key: 'HD0002' },
        { target: 'phone', key: 'HD0009' },
      ],
    ],
    [
      'failures stamped after now still count',
      burst(10, T0 + 5 * MIN, 1000, '100', 'HD0001'),
      T0,
      [
        { target: 'extension', key: '100' },
        { target: 'phone', key: 'HD0001' },
      ],
    ],
  ];
  for (const [what, entries, at, expected] of cases) {
    const alerts = activePinAlerts(entries, iso(at));
    t.equal(alerts.length, expected.length, `${what}: count`);
    t.match(alerts, expected, what);
  }
});

t.test('activePinAlerts: another rule', async (t) => {
  const entries = burst(3, T0, 1000, '100', 'HD0001');
  t.same(
    activePinAlerts(entries, iso(T0 + MIN), { threshold: 3, windowMinutes: 2 }).map((a) => [
      a.target,
      a.failures,
      a.windowMinutes,
    ]),
    [
      ['extension', 3, 2],
      ['phone', 3, 2],
    ],
  );
  t.same(activePinAlerts(entries, iso(T0 + MIN), { threshold: 4, windowMinutes: 2 }), []);
});

t.test('newPinAlerts: an alert is new only when it becomes active', async (t) => {
  const now = iso(T0 + 2 * MIN);
  const nine = burst(9, T0, 1000, '100', 'HD0001');
  const tenth = failed(T0 + 20_000, '100', 'HD0001');
  const eleventh = failed(T0 + 21_000, '100', 'HD0001');
  const cases: [string, AuditEntry[], AuditEntry[], string[]][] = [
    ['the 10th failure raises both', nine, [...nine, tenth], ['extension 100', 'phone HD0001']],
    ['the 11th raises nothing more', [...nine, tenth], [...nine, tenth, eleventh], []],
    ['nothing new when nothing changed', [...nine, tenth], [...nine, tenth], []],
    ['below the threshold, nothing', nine.slice(1), nine, []],
    [
      'another phone reaching it while the extension is already active',
      [...nine, tenth, ...burst(9, T0, 1000, '100', 'HD0003')],
      [...nine, tenth, ...burst(10, T0, 1000, '100', 'HD0003')],
      ['phone HD0003'],
    ],
  ];
  for (const [what, before, after, expected] of cases) {
    t.same(
      newPinAlerts(before, after, now).map((alert) => `${alert.target} ${alert.key}`),
      expected,
      what,
    );
  }
  // After a quiet spell the same extension raises a new alert.
  const later = burst(10, T0 + 30 * MIN, 1000, '100', 'HD0001');
  t.same(
    newPinAlerts([...nine, tenth, ...later.slice(0, 9)], [...nine, tenth, ...later], iso(T0 + 31 * MIN)).map(
      (alert) => alert.key,
    ),
    ['100', 'HD0001'],
    'a burst after the window has passed is new again',
  );
});

t.test('describePinAlert: the stable wording', async (t) => {
  const alert = (target: PinAlert['target'], key: string, failures: number, windowMinutes: number): PinAlert => ({
    target,
    key,
    failures,
    windowMinutes,
    first: iso(T0),
    last: iso(T0),
  });
  const cases: [PinAlert, string][] = [
    [alert('extension', '100', 10, 10), 'failed-PIN burst: extension 100, 10 failures in 10 minutes'],
    [alert('phone', 'HD0001', 12, 10), 'failed-PIN burst: phone HD0001, 12 failures in 10 minutes'],
    [alert('phone', 'HD0001', 1, 1), 'failed-PIN burst: phone HD0001, 1 failure in 1 minute'],
  ];
  for (const [input, expected] of cases) t.equal(describePinAlert(input), expected);
});

/**
 * Policy logouts driven with a fake clock: a small driver plays the daemon
 * (ticks every minute, keeps the schedule's instants from node-cron in the
 * office time zone, carries logouts out, answers warnings or not) around the
 * pure decisions, and the tests read what happened when.
 */
import t from 'tap';
import {
  applyWarningAnswer,
  decideAutoLogout,
  isProtected,
  type AutoLogoutDecision,
  type AutoLogoutMemory,
  type PhoneActivity,
} from '../../src/core/auto-logout.js';
import type { Extension, Phone } from '../../src/core/model.js';
import { POLICY_DEFAULTS, type Policies } from '../../src/core/policies.js';
import { nextCronInstant } from '../../src/adapters/scheduler.js';

const MINUTE = 60_000;

const extension = (number: string, fields: Partial<Extension> = {}): Extension => ({
  number,
  name: `User ${number}`,
  sipPassword: `secret-${number}`,
  pinHash: 'scrypt$x',
  hotdesk: true,
  language: 'en',
  blf: [],
  ...fields,
});

const phone = (
  name: string,
  session: { extension: string; since: string } | null,
  fields: Partial<Phone> = {},
): Phone => ({
  name,
  model: 'yealink-t54w',
  mac: '001565000001',
  connection: { mode: 'lan' },
  idlePassword: 'idle',
  session,
  desiredGeneration: 1,
  appliedGeneration: 1,
  ...fields,
});

interface Scenario {
  phones: Phone[];
  extensions?: Extension[];
  policies: Partial<Policies>;
  from: string;
  to: string;
  /** Calls per phone: [start, end]. */
  calls?: Record<string, [string, string][]>;
  /** Whether the user presses 1 at a warning. */
  pressOne?: (decision: Extract<AutoLogoutDecision, { kind: 'warn' }>) => boolean;
  timeZone?: string;
  /** Logins during the run: [time, phone, extension]. */
  logins?: [string, string, string][];
}

/**
 * Runs a scenario minute by minute; returns what happened as "TIME what phone reason" lines (a deferral once per
 * logout).
 */
function simulate(scenario: Scenario): string[] {
  const policies: Policies = { ...POLICY_DEFAULTS, ...scenario.policies };
  let phones = scenario.phones;
  const extensions = scenario.extensions ?? [extension('100'), extension('101')];
  let memory: AutoLogoutMemory = {};
  const events: string[] = [];
  const deferred = new Set<string>();
  const end = Date.parse(scenario.to);
  const zone = scenario.timeZone ?? 'Europe/Berlin';
  let schedule: { previousMs?: number; nextMs?: number } = {};
  if (policies.autoLogoutAt)
    schedule = { nextMs: nextCronInstant(policies.autoLogoutAt, zone, new Date(scenario.from))?.getTime() };
  for (let now = Date.parse(scenario.from); now <= end; now += MINUTE) {
    while (policies.autoLogoutAt && schedule.nextMs !== undefined && now >= schedule.nextMs) {
      schedule = {
        previousMs: schedule.nextMs,
        nextMs: nextCronInstant(policies.autoLogoutAt, zone, new Date(schedule.nextMs))?.getTime(),
      };
    }
    for (const [time, name, ext] of scenario.logins ?? []) {
      if (Date.parse(time) !== now) continue;
      phones = phones.map((candidate) =>
        candidate.name === name
          ? { ...candidate, session: { extension: ext, since: new Date(now).toISOString() } }
          : candidate,
      );
    }
    const activity: Record<string, PhoneActivity> = {};
    for (const [name, calls] of Object.entries(scenario.calls ?? {})) {
      const spans = calls.map(([start, stop]) => [Date.parse(start), Date.parse(stop)] as const);
      const inCall = spans.some(([start, stop]) => start <= now && now < stop);
      const ended = spans.filter(([, stop]) => stop <= now).map(([, stop]) => stop);
      activity[name] = {
        inCall,
        ...(inCall ? { lastCallMs: now } : ended.length > 0 ? { lastCallMs: Math.max(...ended) } : {}),
      };
    }
    const step = decideAutoLogout({ nowMs: now, phones, extensions, policies, activity, schedule, memory });
    memory = step.memory;
    const at = new Date(now).toISOString().slice(0, 16);
    for (const decision of step.decisions) {
      if (decision.kind === 'warn') {
        events.push(
          `${at} warn ${decision.phone} ${decision.reason} due ${new Date(decision.dueMs).toISOString().slice(11, 16)}`,
        );
        const since = phones.find((candidate) => candidate.name === decision.phone)!.session!.since;
        if (scenario.pressOne?.(decision)) {
          memory = applyWarningAnswer(memory, { ...decision, since, extendMinutes: policies.extendMinutes });
          events.push(`${at} extended ${decision.phone}`);
        }
      } else if (decision.kind === 'defer') {
        const key = `${decision.phone} ${decision.dueMs}`;
        if (!deferred.has(key)) events.push(`${at} defer ${decision.phone} ${decision.reason}`);
        deferred.add(key);
      } else {
        events.push(`${at} logout ${decision.phone} ${decision.reason}`);
        phones = phones.map((candidate) =>
          candidate.name === decision.phone ? { ...candidate, session: null } : candidate,
        );
      }
    }
  }
  return events;
}

const session = (since: string, ext = '100') => ({ extension: ext, since });

t.test('time of day: warned five minutes before, logged out at the scheduled time (office time zone)', async (t) => {
  // Monday 22 March 2027, Berlin on winter time (UTC+1): 20:00 there is 19:00 UTC.
  const events = simulate({
    phones: [phone('HD0001', session('2027-03-22T07:00:00.000Z')), phone('HD0002', null)],
    policies: { autoLogoutAt: '0 20 * * 1-5' },
    from: '2027-03-22T07:00:00Z',
    to: '2027-03-22T21:00:00Z',
  });
  t.same(events, ['2027-03-22T18:55 warn HD0001 schedule due 19:00', '2027-03-22T19:00 logout HD0001 schedule']);
});

t.test('time of day across the change to summer time', async (t) => {
  // Friday 26 March at 20:00 CET (19:00 UTC); the clocks go forward on Sunday 28 March; Monday 29 March at 20:00
  // CEST (18:00 UTC).
  const events = simulate({
    phones: [phone('HD0001', session('2027-03-26T07:00:00.000Z')), phone('HD0002', null)],
    logins: [['2027-03-29T06:30:00Z', 'HD0002', '101']],
    policies: { autoLogoutAt: '0 20 * * 1-5', warningMinutes: 10 },
    from: '2027-03-26T07:00:00Z',
    to: '2027-03-29T20:00:00Z',
  });
  t.same(events, [
    '2027-03-26T18:50 warn HD0001 schedule due 19:00',
    '2027-03-26T19:00 logout HD0001 schedule',
    '2027-03-29T17:50 warn HD0002 schedule due 18:00',
    '2027-03-29T18:00 logout HD0002 schedule',
  ]);
});

t.test('time of day across the change back to winter time, at a time that happens twice', async (t) => {
  // Sunday 31 October 2027: 02:30 happens at 00:30 UTC (summer time) and again at 01:30 UTC; the logout happens
  // once, the first time.
  const events = simulate({
    phones: [phone('HD0001', session('2027-10-30T20:00:00.000Z'))],
    policies: { autoLogoutAt: '30 2 * * *', warningMinutes: 0 },
    from: '2027-10-30T20:00:00Z',
    to: '2027-10-31T03:00:00Z',
  });
  t.same(events, ['2027-10-31T00:30 logout HD0001 schedule']);
  const relogged = simulate({
    phones: [phone('HD0001', session('2027-10-31T01:00:00.000Z'))],
    policies: { autoLogoutAt: '30 2 * * *', warningMinutes: 0 },
    from: '2027-10-31T01:00:00Z',
    to: '2027-10-31T03:00:00Z',
  });
  t.same(relogged, [], 'someone logging in between the two 02:30s stays until the next day');
});

t.test('a session that began after the scheduled time is not ended by it', async (t) => {
  const events = simulate({
    phones: [phone('HD0001', session('2027-03-22T19:30:00.000Z'))],
    policies: { autoLogoutAt: '0 20 * * 1-5' },
    from: '2027-03-22T19:30:00Z',
    to: '2027-03-23T19:00:00Z',
  });
  t.same(events, ['2027-03-23T18:55 warn HD0001 schedule due 19:00', '2027-03-23T19:00 logout HD0001 schedule']);
});

t.test('max session', async (t) => {
  const events = simulate({
    phones: [
      phone('HD0001', session('2027-03-22T08:00:00.000Z')),
      phone('HD0002', session('2027-03-22T09:30:00.000Z', '101')),
    ],
    policies: { maxSessionMinutes: 600 },
    from: '2027-03-22T08:00:00Z',
    to: '2027-03-22T20:00:00Z',
  });
  t.same(events, [
    '2027-03-22T17:55 warn HD0001 max-session due 18:00',
    '2027-03-22T18:00 logout HD0001 max-session',
    '2027-03-22T19:25 warn HD0002 max-session due 19:30',
    '2027-03-22T19:30 logout HD0002 max-session',
  ]);
});

t.test('idle: counted from the last call made or received, never during one', async (t) => {
  const events = simulate({
    phones: [
      phone('HD0001', session('2027-03-22T08:00:00.000Z')),
      phone('HD0002', session('2027-03-22T08:00:00.000Z', '101')),
    ],
    policies: { idleLogoutMinutes: 120 },
    calls: {
      HD0001: [['2027-03-22T09:00:00Z', '2027-03-22T09:10:00Z']],
      HD0002: [['2027-03-22T09:30:00Z', '2027-03-22T12:30:00Z']],
    },
    from: '2027-03-22T08:00:00Z',
    to: '2027-03-22T15:00:00Z',
  });
  t.same(events, [
    '2027-03-22T11:05 warn HD0001 idle due 11:10',
    '2027-03-22T11:10 logout HD0001 idle',
    '2027-03-22T14:25 warn HD0002 idle due 14:30',
    '2027-03-22T14:30 logout HD0002 idle',
  ]);
});

t.test('a logout due during a call waits for its end; no warning while in the call', async (t) => {
  const events = simulate({
    phones: [phone('HD0001', session('2027-03-22T08:00:00.000Z'))],
    policies: { maxSessionMinutes: 60 },
    calls: { HD0001: [['2027-03-22T08:50:00Z', '2027-03-22T09:20:00Z']] },
    from: '2027-03-22T08:00:00Z',
    to: '2027-03-22T10:00:00Z',
  });
  t.same(events, ['2027-03-22T09:00 defer HD0001 max-session', '2027-03-22T09:20 logout HD0001 max-session']);

  const endsInTime = simulate({
    phones: [phone('HD0001', session('2027-03-22T08:00:00.000Z'))],
    policies: { maxSessionMinutes: 60 },
    calls: { HD0001: [['2027-03-22T08:50:00Z', '2027-03-22T08:57:00Z']] },
    from: '2027-03-22T08:00:00Z',
    to: '2027-03-22T10:00:00Z',
  });
  t.same(
    endsInTime,
    ['2027-03-22T08:57 warn HD0001 max-session due 09:00', '2027-03-22T09:00 logout HD0001 max-session'],
    'warned once the call ends, if the logout is still ahead',
  );
});

t.test('warning, then 1: postponed once by the extension time', async (t) => {
  const events = simulate({
    phones: [phone('HD0001', session('2027-03-22T08:00:00.000Z'))],
    policies: { maxSessionMinutes: 60, extendMinutes: 45 },
    pressOne: () => true,
    from: '2027-03-22T08:00:00Z',
    to: '2027-03-22T11:00:00Z',
  });
  t.same(events, [
    '2027-03-22T08:55 warn HD0001 max-session due 09:00',
    '2027-03-22T08:55 extended HD0001',
    '2027-03-22T09:45 logout HD0001 max-session',
  ]);
  const scheduled = simulate({
    phones: [phone('HD0001', session('2027-03-22T07:00:00.000Z'))],
    policies: { autoLogoutAt: '0 20 * * 1-5' },
    pressOne: () => true,
    from: '2027-03-22T18:00:00Z',
    to: '2027-03-22T21:00:00Z',
  });
  t.same(scheduled, [
    '2027-03-22T18:55 warn HD0001 schedule due 19:00',
    '2027-03-22T18:55 extended HD0001',
    '2027-03-22T20:00 logout HD0001 schedule',
  ]);
});

t.test('warning without 1: logged out when due', async (t) => {
  const events = simulate({
    phones: [phone('HD0001', session('2027-03-22T08:00:00.000Z'))],
    policies: { maxSessionMinutes: 60 },
    pressOne: () => false,
    from: '2027-03-22T08:00:00Z',
    to: '2027-03-22T10:00:00Z',
  });
  t.same(events, ['2027-03-22T08:55 warn HD0001 max-session due 09:00', '2027-03-22T09:00 logout HD0001 max-session']);
});

t.test('the earliest policy wins; warning off means no call', async (t) => {
  const events = simulate({
    phones: [phone('HD0001', session('2027-03-22T08:00:00.000Z'))],
    policies: { maxSessionMinutes: 600, idleLogoutMinutes: 90, autoLogoutAt: '0 20 * * 1-5', warningMinutes: 0 },
    from: '2027-03-22T08:00:00Z',
    to: '2027-03-22T20:00:00Z',
  });
  t.same(events, ['2027-03-22T09:30 logout HD0001 idle']);
});

t.test('pinned phones and protected users are untouched', async (t) => {
  const events = simulate({
    phones: [
      phone('HD0001', session('2027-03-22T08:00:00.000Z'), { pinned: '100' }),
      phone('HD0002', session('2027-03-22T08:00:00.000Z', '101')),
    ],
    extensions: [extension('100'), extension('101', { hotdeskTakeover: false })],
    policies: { maxSessionMinutes: 60, idleLogoutMinutes: 30, autoLogoutAt: '0 * * * *' },
    from: '2027-03-22T08:00:00Z',
    to: '2027-03-22T20:00:00Z',
  });
  t.same(events, []);
  t.ok(isProtected(phone('HD0001', session('x'), { pinned: '100' }), []));
  t.notOk(isProtected(phone('HD0001', session('x')), [extension('100', { hotdeskTakeover: true })]));
});

t.test('memory belongs to a session', async (t) => {
  const policies: Policies = { ...POLICY_DEFAULTS, maxSessionMinutes: 60 };
  const first = phone('HD0001', session('2027-03-22T08:00:00.000Z'));
  const base = { extensions: [extension('100')], policies, activity: {}, schedule: {} };
  const warned = decideAutoLogout({ ...base, nowMs: Date.parse('2027-03-22T08:56:00Z'), phones: [first], memory: {} });
  t.same(warned.decisions, [
    {
      kind: 'warn',
      phone: 'HD0001',
      extension: '100',
      reason: 'max-session',
      dueMs: Date.parse('2027-03-22T09:00:00Z'),
    },
  ]);
  const again = decideAutoLogout({
    ...base,
    nowMs: Date.parse('2027-03-22T08:57:00Z'),
    phones: [first],
    memory: warned.memory,
  });
  t.same(again.decisions, [], 'one warning per logout');
  const later = phone('HD0001', session('2027-03-22T08:00:30.000Z'));
  const fresh = decideAutoLogout({
    ...base,
    nowMs: Date.parse('2027-03-22T08:57:00Z'),
    phones: [later],
    memory: warned.memory,
  });
  t.equal(fresh.decisions[0]?.kind, 'warn', 'a new session is warned afresh');
  const stale = applyWarningAnswer(warned.memory, {
    phone: 'HD0001',
    since: 'another',
    reason: 'max-session',
    dueMs: 0,
    extendMinutes: 60,
  });
  t.equal(stale, warned.memory, 'an answer for a session that ended changes nothing');
  const idle = decideAutoLogout({
    ...base,
    nowMs: Date.parse('2027-03-22T08:57:00Z'),
    phones: [phone('HD0002', null)],
    memory: warned.memory,
  });
  t.same(idle, { decisions: [], memory: {} }, 'idle phones: nothing, and nothing remembered');
});

t.test(
  'an emergency callback window holds a due logout like a call, marked as such, and no warning is made',
  async (t) => {
    const phones = [phone('HD0001', session('2027-03-22T07:00:00.000Z'))];
    const input = {
      phones,
      extensions: [extension('100')],
      policies: { ...POLICY_DEFAULTS, maxSessionMinutes: 60, warningMinutes: 5 },
      schedule: {},
      memory: {},
    };
    const due = Date.parse('2027-03-22T08:00:00.000Z');
    const held = { HD0001: { inCall: false, emergencyHold: true } };
    t.same(decideAutoLogout({ ...input, nowMs: due, activity: held }).decisions, [
      { kind: 'defer', phone: 'HD0001', extension: '100', reason: 'max-session', dueMs: due, emergencyHold: true },
    ]);
    t.same(
      decideAutoLogout({ ...input, nowMs: due - 2 * MINUTE, activity: held }).decisions,
      [],
      'no warning call while held',
    );
    t.same(
      decideAutoLogout({ ...input, nowMs: due, activity: {} }).decisions,
      [{ kind: 'logout', phone: 'HD0001', extension: '100', reason: 'max-session' }],
      'released: logged out',
    );
  },
);

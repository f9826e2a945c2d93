import t from 'tap';
import {
  DEFAULT_MULTI_LOGIN,
  formatPolicy,
  MULTI_LOGIN_POLICIES,
  parseMultiLoginPolicy,
  parsePolicyText,
  POLICY_DEFAULTS,
  POLICY_KEYS,
  POLICY_NAMES,
  readPolicies,
  type PolicyName,
} from '../../src/core/policies.js';
import { formatDuration, parseDuration } from '../../src/core/duration.js';
import { checkCronExpression } from '../../src/core/cron-syntax.js';

t.test('multi-login policies', async (t) => {
  t.same(MULTI_LOGIN_POLICIES, ['exclusive', 'deny', 'allow']);
  t.equal(DEFAULT_MULTI_LOGIN, 'exclusive');
  const cases: [unknown, string | undefined][] = [
    ['exclusive', 'exclusive'],
    ['deny', 'deny'],
    ['allow', 'allow'],
    ['Deny', undefined],
    ['', undefined],
    [undefined, undefined],
    [1, undefined],
  ];
  for (const [input, expected] of cases) t.equal(parseMultiLoginPolicy(input), expected, JSON.stringify(input));
});

t.test('reading the stored policies fills in defaults', async (t) => {
  t.same(readPolicies({}), POLICY_DEFAULTS);
  t.same(POLICY_DEFAULTS, {
    multiLogin: 'exclusive',
    autoLogoutAt: null,
    maxSessionMinutes: null,
    idleLogoutMinutes: null,
    warningMinutes: 5,
    extendMinutes: 60,
    backupAt: '30 2 * * *',
    backupKeep: 14,
  });
  t.same(readPolicies({ multiLogin: 'deny' }), { ...POLICY_DEFAULTS, multiLogin: 'deny' });
  t.same(readPolicies({ multiLogin: 'sometimes' }), POLICY_DEFAULTS, 'an unknown value is not trusted');
  t.same(readPolicies({ somethingLater: true, multiLogin: 'allow' }), { ...POLICY_DEFAULTS, multiLogin: 'allow' });
  t.same(
    readPolicies({
      autoLogoutAt: '0 20 * * 1-5',
      maxSessionMinutes: 600,
      idleLogoutMinutes: null,
      warningMinutes: 0,
      extendMinutes: 30,
      backupKeep: 3,
      backupAt: '0 3 * * *',
    }),
    {
      ...POLICY_DEFAULTS,
      autoLogoutAt: '0 20 * * 1-5',
      maxSessionMinutes: 600,
      warningMinutes: 0,
      extendMinutes: 30,
      backupKeep: 3,
      backupAt: '0 3 * * *',
    },
  );
  t.same(
    readPolicies({
      autoLogoutAt: '0 25 * * *',
      maxSessionMinutes: -5,
      warningMinutes: '5m',
      extendMinutes: 0,
      backupKeep: 1.5,
      backupAt: null,
    }),
    POLICY_DEFAULTS,
    'values that are not valid fall back to the defaults',
  );
});

t.test('policy values as typed at the CLI', async (t) => {
  const cases: [PolicyName, string, unknown][] = [
    ['multi-login', 'deny', 'deny'],
    ['multi-login', 'sometimes', undefined],
    ['auto-logout', '0 20 * * 1-5', '0 20 * * 1-5'],
    ['auto-logout', '  0  20 * * mon-fri ', '0 20 * * mon-fri'],
    ['auto-logout', 'off', null],
    ['auto-logout', '0 20 * *', undefined],
    ['auto-logout', '0 20 * * 1-5 2027', undefined],
    ['max-session', '10h', 600],
    ['max-session', '1h30m', 90],
    ['max-session', '1d', 1440],
    ['max-session', 'OFF', null],
    ['max-session', '10', undefined],
    ['max-session', '0m', undefined],
    ['max-session', '31d', undefined],
    ['idle-logout', '2h', 120],
    ['idle-logout', '30m1h', undefined],
    ['warning', '5m', 5],
    ['warning', 'off', 0],
    ['warning', '0m', 0],
    ['extend', '1h', 60],
    ['extend', 'off', undefined],
    ['backups', '14', 14],
    ['backups', 'off', 0],
    ['backups', '1001', undefined],
    ['backups', 'many', undefined],
    ['backup-at', '30 2 * * *', '30 2 * * *'],
    ['backup-at', 'off', undefined],
  ];
  for (const [name, text, expected] of cases) {
    const parsed = parsePolicyText(name, text);
    t.same(parsed.ok ? parsed.value : undefined, expected, `${name} ${JSON.stringify(text)}`);
    if (!parsed.ok) t.ok(parsed.expected.length > 0, 'says what was expected');
  }
  t.same(
    POLICY_NAMES.map((name) => POLICY_KEYS[name]).sort(),
    Object.keys(POLICY_DEFAULTS).sort(),
    'every policy has a name and a key',
  );
});

t.test('policy values as the CLI shows them', async (t) => {
  const policies = { ...POLICY_DEFAULTS, maxSessionMinutes: 90, autoLogoutAt: '0 20 * * 1-5' };
  const shown = Object.fromEntries(POLICY_NAMES.map((name) => [name, formatPolicy(name, policies)]));
  t.same(shown, {
    'multi-login': 'exclusive',
    'auto-logout': '0 20 * * 1-5',
    'max-session': '1h30m',
    'idle-logout': 'off',
    warning: '5m',
    extend: '1h',
    backups: '14',
    'backup-at': '30 2 * * *',
  });
  t.equal(formatPolicy('warning', { ...POLICY_DEFAULTS, warningMinutes: 0 }), 'off');
  t.equal(formatPolicy('backups', { ...POLICY_DEFAULTS, backupKeep: 0 }), 'off');
});

t.test('durations', async (t) => {
  const parsed: [string, number | undefined][] = [
    ['90m', 90],
    ['10h', 600],
    ['1d', 1440],
    ['1h30m', 90],
    ['2d4h', 3120],
    [' 5M ', 5],
    ['10', undefined],
    ['', undefined],
    ['1.5h', undefined],
    ['h', undefined],
    ['1h1h', undefined],
    ['-5m', undefined],
    ['5s', undefined],
  ];
  for (const [text, expected] of parsed) t.equal(parseDuration(text), expected, JSON.stringify(text));
  const formatted: [number, string][] = [
    [600, '10h'],
    [90, '1h30m'],
    [1440, '1d'],
    [1501, '1d1h1m'],
    [0, '0m'],
    [5, '5m'],
  ];
  for (const [minutes, expected] of formatted) t.equal(formatDuration(minutes), expected, String(minutes));
});

t.test('cron expressions are checked when saved', async (t) => {
  const cases: [string, RegExp | undefined][] = [
    ['0 20 * * 1-5', undefined],
    ['*/15 8-18 * * mon-fri', undefined],
    ['0 0 1 jan,jul *', undefined],
    ['5-59/10 * * * *', undefined],
    ['0 20 * *', /five fields .* got 4/],
    ['', /got 0/],
    ['0 24 * * *', /hour "24"/],
    ['60 * * * *', /minute "60"/],
    ['0 0 32 * *', /day of month "32"/],
    ['0 0 * 13 *', /month "13"/],
    ['0 0 * * 8', /day of week "8"/],
    ['5/10 * * * *', /minute/],
    ['*/0 * * * *', /minute/],
    ['0 20 * * 5-1', /day of week/],
    ['0 20 * * 1--5', /day of week/],
  ];
  for (const [expression, problem] of cases) {
    const found = checkCronExpression(expression);
    if (problem) t.match(found, problem, expression);
    else t.equal(found, undefined, expression);
  }
});

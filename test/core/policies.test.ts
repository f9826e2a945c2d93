import t from 'tap';
import { DEFAULT_MULTI_LOGIN, MULTI_LOGIN_POLICIES, parseMultiLoginPolicy, readPolicies } from '../../src/core/policies.js';

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
  t.same(readPolicies({}), { multiLogin: 'exclusive' });
  t.same(readPolicies({ multiLogin: 'deny' }), { multiLogin: 'deny' });
  t.same(readPolicies({ multiLogin: 'sometimes' }), { multiLogin: 'exclusive' }, 'an unknown value is not trusted');
  t.same(readPolicies({ somethingLater: true, multiLogin: 'allow' }), { multiLogin: 'allow' });
});

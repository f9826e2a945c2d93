import t from 'tap';
import { parseProvisioningTarget, type TargetCheck } from '../../src/provisioning/parse-provisioning-target.js';

const refused = (status: 400 | 404 | 405, why: string): TargetCheck => ({ ok: false, status, why }) as TargetCheck;

const CASES: [method: string, target: string, expected: TargetCheck][] = [
  ['GET', '/provisioning/tok-123/001565aabbcc.cfg', { ok: true, token: 'tok-123', file: '001565aabbcc.cfg' }],
  [
    'GET',
    '/provisioning/tok-123/y000000000096.cfg?mac=001565aabbcc',
    { ok: true, token: 'tok-123', file: 'y000000000096.cfg' },
  ],
  ['GET', '/provisioning/tok-123/cfg.xml?', { ok: true, token: 'tok-123', file: 'cfg.xml' }],
  // Other methods, whatever the path.
  ['HEAD', '/provisioning/tok-123/001565aabbcc.cfg', refused(405, 'method')],
  ['POST', '/provisioning/tok-123/001565aabbcc.cfg', refused(405, 'method')],
  ['PUT', '/x', refused(405, 'method')],
  ['get', '/provisioning/tok-123/001565aabbcc.cfg', refused(405, 'method')],
  // Traversal, plain and encoded.
  ['GET', '/provisioning/tok-123/../hotdesk.json', refused(400, 'traversal')],
  ['GET', '/provisioning/../../etc/passwd', refused(400, 'traversal')],
  ['GET', '/provisioning/tok-123/./a.cfg', refused(400, 'traversal')],
  ['GET', '/provisioning/tok-123/..', refused(400, 'traversal')],
  ['GET', '/provisioning/tok-123/%2e%2e/hotdesk.json', refused(400, 'odd-encoding')],
  ['GET', '/provisioning/tok-123/%2E%2E%2Fhotdesk.json', refused(400, 'odd-encoding')],
  ['GET', '/provisioning/tok-123/..%2fhotdesk.json', refused(400, 'odd-encoding')],
  ['GET', '/provisioning/tok-123/%252e%252e%252fhotdesk.json', refused(400, 'odd-encoding')],
  ['GET', '/provisioning/tok-123/a.cfg%00.xml', refused(400, 'odd-encoding')],
  ['GET', '/provisioning/tok-123/a\u0000.cfg', refused(400, 'odd-encoding')],
  ['GET', '/provisioning/tok-123/..\\hotdesk.json', refused(400, 'traversal')],
  ['GET', '/provisioning/tok-123\\..\\x', refused(400, 'traversal')],
  ['GET', '/provisioning/tok-123/a b.cfg', refused(400, 'odd-encoding')],
  ['GET', '/provisioning/tok-123/caf\u00e9.cfg', refused(400, 'odd-encoding')],
  ['GET', '/provisioning//001565aabbcc.cfg', refused(400, 'traversal')],
  ['GET', '/provisioning/tok-123//001565aabbcc.cfg', refused(400, 'traversal')],
  // Outside the tree.
  ['GET', '/', refused(404, 'outside-tree')],
  ['GET', '/provisioning', refused(404, 'outside-tree')],
  ['GET', '/provisioning/', refused(404, 'outside-tree')],
  ['GET', '/provisioning/tok-123/', refused(404, 'outside-tree')],
  ['GET', '/provisioning/tok-123/sub/001565aabbcc.cfg', refused(404, 'outside-tree')],
  ['GET', '/other/tok-123/001565aabbcc.cfg', refused(404, 'outside-tree')],
  ['GET', 'http://192.0.2.10/provisioning/tok-123/001565aabbcc.cfg', refused(404, 'outside-tree')],
  ['GET', '*', refused(404, 'outside-tree')],
  ['GET', '', refused(404, 'outside-tree')],
];

for (const [method, target, expected] of CASES) {
  t.same(parseProvisioningTarget(method, target), expected, `${method} ${JSON.stringify(target)}`);
}

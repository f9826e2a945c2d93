import t from 'tap';
import { createHash } from 'node:crypto';
import {
  buildProvisioningAuth,
  checkProvisioningAuth,
  checkProvisioningPassword,
  checkProvisioningUsername,
  PROVISIONING_REALM,
} from '../../src/core/provisioning-auth.js';

const hash = (algorithm: 'MD5' | 'SHA-256', text: string) =>
  createHash(algorithm === 'MD5' ? 'md5' : 'sha256')
    .update(text)
    .digest('hex');

t.test('HA1 per hash for the fixed realm (RFC 7616 §3.4.2)', async (t) => {
  const auth = buildProvisioningAuth('phones', 'Circle Of Life', hash);
  t.same(auth, {
    username: 'phones',
    realm: 'hotdesk provisioning',
    ha1: {
      md5: hash('MD5', 'phones:hotdesk provisioning:Circle Of Life'),
      sha256: hash('SHA-256', 'phones:hotdesk provisioning:Circle Of Life'),
    },
  });
  t.equal(PROVISIONING_REALM, 'hotdesk provisioning');
  t.equal(checkProvisioningAuth(auth), undefined);
  t.match(checkProvisioningAuth({ ...auth, realm: 'other' }), /realm/);
  t.match(checkProvisioningAuth({ ...auth, ha1: { ...auth.ha1, md5: 'XYZ' } }), /HA1/);
  t.match(checkProvisioningAuth({ ...auth, username: 'a:b' }), /user name/);
});

t.test('user names and passwords', async (t) => {
  for (const good of ['phones', 'a', 'prov-1_x.y@office', 'x'.repeat(64)])
    t.equal(checkProvisioningUsername(good), undefined, good);
  for (const bad of ['', 'a b', 'a:b', 'a"b', 'a\\b', 'caf\u00e9', 'x'.repeat(65), 'a\nb'])
    t.type(checkProvisioningUsername(bad), 'string', JSON.stringify(bad));
  for (const good of ['12345678', 'correct horse battery', 'x'.repeat(128)])
    t.equal(checkProvisioningPassword(good), undefined);
  for (const bad of ['1234567', 'x'.repeat(129), 'tab\there', 'caf\u00e9 caf\u00e9'])
    t.type(checkProvisioningPassword(bad), 'string', JSON.stringify(bad));
});

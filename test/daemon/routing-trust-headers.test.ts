import t from 'tap';
import { checkReferTo, replaceIdentity } from '../../src/daemon/sip/routing-trust.js';
import { request } from '../support/sip-text.js';
import { office } from '../support/office.js';
import type { Caller } from '../../src/sip/router.js';

t.test('identity headers: removed, and asserted towards the trunk', async (t) => {
  const forged = [
    'P-Asserted-Identity: <sip:110@x>',
    'Remote-Party-ID: <sip:110@x>',
    'P-Preferred-Identity: <sip:110@x>',
  ];
  const inside = request({ extra: forged });
  replaceIdentity(inside, '100', 'office.test', false);
  t.same(
    [inside.headers['p-asserted-identity'], inside.headers['remote-party-id'], inside.headers['p-preferred-identity']],
    [undefined, undefined, undefined],
  );
  const out = request({ extra: forged });
  replaceIdentity(out, 'HD0001', 'office.test', true);
  t.equal(
    out.headers['p-asserted-identity'],
    '<sip:HD0001@office.test>',
    "an idle phone's emergency call carries its own account",
  );
  t.equal(out.headers['remote-party-id'], undefined);
});

t.test('REFER targets: what the sender could dial itself', async (t) => {
  const data = office();
  const route = {
    settings: { ...data.settings, trunk: { uri: 'sip:198.51.100.1' } },
    isExtension: (number: string) => ['100', '101'].includes(number),
  };
  const own = (host: string) => host === 'office.test' || host === '192.0.2.10';
  const ext: Caller = { kind: 'extension', extension: '100' };
  const idle: Caller = { kind: 'idle-phone', phone: 'HD0001' };
  const fromTrunk: Caller = { kind: 'trunk' };
  const cases: [string, string | undefined, Caller | undefined, boolean][] = [
    ['extension to extension', '<sip:101@office.test>', ext, true],
    ['extension to outside', '<sip:0301234567@office.test>', ext, true],
    ['extension to another host', '<sip:101@198.51.100.66>', ext, false],
    ['idle phone to premium', '<sip:0900123456@office.test>', idle, false],
    ['idle phone to an extension', '<sip:101@office.test>', idle, false],
    ['idle phone to emergency', '<sip:112@office.test>', idle, true],
    ['trunk to extension', '<sip:101@192.0.2.10>', fromTrunk, true],
    ['trunk to outside', '<sip:0301234567@office.test>', fromTrunk, false],
    ['trunk to emergency', '<sip:112@office.test>', fromTrunk, false],
    ['a hot-desk code', '<sip:*77*101*@office.test>', ext, false],
    ['no Refer-To', undefined, ext, false],
    ['no known sender', '<sip:101@office.test>', undefined, false],
  ];
  for (const [name, referTo, caller, allowed] of cases) {
    const refer = request({ method: 'REFER', extra: referTo ? [`Refer-To: ${referTo}`] : [] });
    t.equal(checkReferTo(refer, caller, route, own), allowed, name);
  }
});

import t from 'tap';
import sip from 'sip';
import { checkTrunkSource } from '../../src/sip/trunk-source.js';
import type { Endpoint } from '../../src/sip/message.js';

const at = (protocol: Endpoint['protocol'], address: string, port: number): Endpoint => ({ protocol, address, port });
const cases: [string, string[] | undefined, Endpoint, boolean][] = [
  ['sip:198.51.100.1', undefined, at('UDP', '198.51.100.1', 5060), true],
  ['sip:198.51.100.1', undefined, at('TCP', '198.51.100.1', 5060), false],
  ['sip:198.51.100.1', undefined, at('UDP', '198.51.100.1', 5070), false],
  ['sip:198.51.100.1', undefined, at('UDP', '198.51.100.2', 5060), false],
  ['sip:198.51.100.1:5080', undefined, at('UDP', '198.51.100.1', 5080), true],
  ['sip:198.51.100.1;transport=tcp', undefined, at('TCP', '198.51.100.1', 5060), true],
  ['sip:198.51.100.1;transport=tcp', undefined, at('UDP', '198.51.100.1', 5060), false],
  ['sip:198.51.100.1;transport=tls', undefined, at('TLS', '198.51.100.1', 5061), true],
  ['sips:198.51.100.1', undefined, at('TLS', '198.51.100.1', 5061), true],
  ['sip:trunk.example', ['[2001:DB8::1]'], at('UDP', '2001:db8::1', 5060), true],
  ['sip:trunk.example', ['203.0.113.5', '203.0.113.6'], at('TCP', '203.0.113.6', 40000), true],
  ['sip:trunk.example', ['203.0.113.5'], at('UDP', '203.0.113.7', 5060), false],
];
for (const [uri, from, remote, expected] of cases) {
  const trunk = { uri, ...(from ? { from } : {}) };
  t.equal(
    checkTrunkSource(trunk, sip.parseUri(uri), remote),
    expected,
    `${uri} ${from?.join(',') ?? ''} from ${remote.protocol} ${remote.address}:${remote.port}`,
  );
}
t.equal(checkTrunkSource(null, undefined, at('UDP', '198.51.100.1', 5060)), false, 'no trunk: nobody is the trunk');

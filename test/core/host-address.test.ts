import t from 'tap';
import { checkHostAddress, isHostName, isIpv4, isIpv6 } from '../../src/core/host-address.js';

const cases: [string, 'ipv4' | 'ipv6' | 'host' | 'refused'][] = [
  ['192.168.1.10', 'ipv4'],
  ['0.0.0.0', 'ipv4'],
  ['255.255.255.255', 'ipv4'],
  ['999.1.1.1', 'refused'],
  ['256.1.1.1', 'refused'],
  ['1.2.3', 'refused'],
  ['01.2.3.4', 'refused'],
  ['1.2.3.4.5', 'refused'],
  ['::1', 'ipv6'],
  ['fe80::1', 'ipv6'],
  ['2001:db8::10', 'ipv6'],
  ['[2001:db8::10]', 'ipv6'],
  ['2001:db8:0:0:0:0:0:10', 'ipv6'],
  ['::ffff:192.0.2.1', 'ipv6'],
  ['2001:db8:::1', 'refused'],
  ['1:2:3:4:5:6:7:8:9', 'refused'],
  ['12345::1', 'refused'],
  ['pbx.example.net', 'host'],
  ['pbx', 'host'],
  ['office-1.example.net.', 'host'],
  ['-bad.example.net', 'refused'],
  ['bad host!', 'refused'],
  ['a..b', 'refused'],
  ['', 'refused'],
  [`${'a'.repeat(64)}.example.net`, 'refused'],
];

for (const [value, kind] of cases) {
  t.test(JSON.stringify(value), async (t) => {
    t.same([isIpv4(value), isIpv6(value), isHostName(value)], [kind === 'ipv4', kind === 'ipv6', kind === 'host']);
    if (kind === 'refused') t.equal(checkHostAddress(value), 'an IPv4 address, an IPv6 address or a host name');
    else t.equal(checkHostAddress(value), undefined);
  });
}

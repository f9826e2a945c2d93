import t from 'tap';
import { checkSbcAddress } from '../../src/core/sbc-address.js';

const cases: [string, string | undefined][] = [
  ['sbc.example.net:5060', undefined],
  ['192.0.2.1:5061', undefined],
  [' [2001:db8::1]:5060 ', undefined],
  ['', 'type the SBC as HOST:PORT, e.g. sbc.example.net:5060'],
  ['sbc.example.net', 'add the port: HOST:PORT'],
  ['sbc.example.net:', 'expected HOST:PORT (an IPv6 host goes in brackets: [2001:db8::1]:5060)'],
  ['2001:db8::1:5060', 'expected HOST:PORT (an IPv6 host goes in brackets: [2001:db8::1]:5060)'],
  ['sbc:0', 'port 0 is out of range (1 to 65535)'],
  ['sbc:65536', 'port 65536 is out of range (1 to 65535)'],
  ['sbc:65535', undefined],
];

for (const [input, expected] of cases) t.equal(checkSbcAddress(input), expected, JSON.stringify(input));

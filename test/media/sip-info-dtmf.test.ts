import t from 'tap';
import { parseSipInfoDtmf } from '../../src/media/sip-info-dtmf.js';

// [name, Content-Type, body, key]
const cases: [string, string | undefined, string | undefined, string | undefined][] = [
  ['dtmf-relay, CRLF', 'application/dtmf-relay', 'Signal=5\r\nDuration=160\r\n', '5'],
  ['dtmf-relay, LF only', 'application/dtmf-relay', 'Signal=9\nDuration=250\n', '9'],
  ['dtmf-relay star', 'application/dtmf-relay', 'Signal=*\r\nDuration=160\r\n', '*'],
  ['dtmf-relay hash', 'application/dtmf-relay', 'Signal=#\r\nDuration=160\r\n', '#'],
  ['dtmf-relay 10 is star', 'application/dtmf-relay', 'Signal=10\r\nDuration=160\r\n', '*'],
  ['dtmf-relay 11 is hash', 'application/dtmf-relay', 'Signal=11\r\nDuration=160\r\n', '#'],
  ['dtmf-relay 12 is A', 'application/dtmf-relay', 'Signal=12\r\n', 'A'],
  ['dtmf-relay lower-case d', 'application/dtmf-relay', 'Signal=d\r\n', 'D'],
  ['dtmf-relay spaces around =', 'application/dtmf-relay', 'Signal = 7 \r\nDuration = 100\r\n', '7'],
  ['dtmf-relay Duration first', 'application/dtmf-relay', 'Duration=160\r\nSignal=3\r\n', '3'],
  ['dtmf-relay no trailing CRLF', 'application/dtmf-relay', 'Signal=0', '0'],
  ['dtmf-relay key case', 'application/dtmf-relay', 'signal=4\r\nduration=160', '4'],
  ['dtmf-relay first Signal counts', 'application/dtmf-relay', 'Signal=1\r\nSignal=2\r\n', '1'],
  ['Content-Type case and parameters', 'Application/DTMF-Relay; charset=utf-8', 'Signal=8\r\n', '8'],
  ['dtmf-relay flash (16) is not a key', 'application/dtmf-relay', 'Signal=16\r\nDuration=160\r\n', undefined],
  ['dtmf-relay empty signal', 'application/dtmf-relay', 'Signal=\r\nDuration=160\r\n', undefined],
  ['dtmf-relay two keys', 'application/dtmf-relay', 'Signal=12 3\r\n', undefined],
  ['dtmf-relay no Signal line', 'application/dtmf-relay', 'Duration=160\r\n', undefined],
  ['dtmf-relay empty body', 'application/dtmf-relay', '', undefined],
  ['dtmf-relay Signal inside another key', 'application/dtmf-relay', 'XSignal=5\r\n', undefined],
  ['dtmf: the digit', 'application/dtmf', '5', '5'],
  ['dtmf: with CRLF', 'application/dtmf', '#\r\n', '#'],
  ['dtmf: star', 'application/dtmf', '*', '*'],
  ['dtmf: 11', 'application/dtmf', '11', '#'],
  ['dtmf: two digits', 'application/dtmf', '55', undefined],
  ['dtmf: a letter that is no key', 'application/dtmf', 'x', undefined],
  ['dtmf: a relay body is not a key', 'application/dtmf', 'Signal=5\r\n', undefined],
  ['SDP is not DTMF', 'application/sdp', 'Signal=5', undefined],
  ['telephone-event bodies are not read', 'application/telephone-event', '\u0005\u0080\u0000\u00a0', undefined],
  ['no Content-Type', undefined, 'Signal=5', undefined],
  ['no body', 'application/dtmf-relay', undefined, undefined],
];
for (const [name, contentType, body, expected] of cases) t.equal(parseSipInfoDtmf(contentType, body), expected, name);

import t from 'tap';
import { DTMF_DIGITS, dtmfDigitOfEvent, eventOfDtmfDigit, parseDtmfDigit } from '../../src/media/dtmf-digit.js';

t.same(DTMF_DIGITS.join(''), '0123456789*#ABCD', 'event-code order of RFC 4733 §3.2');

const events: [number, string | undefined][] = [
  [0, '0'],
  [9, '9'],
  [10, '*'],
  [11, '#'],
  [12, 'A'],
  [15, 'D'],
  [16, undefined],
  [255, undefined],
  [-1, undefined],
  [1.5, undefined],
  [Number.NaN, undefined],
];
for (const [code, expected] of events) t.equal(dtmfDigitOfEvent(code), expected, `event ${code}`);

t.test('event codes round trip', async (t) => {
  for (const digit of DTMF_DIGITS) t.equal(dtmfDigitOfEvent(eventOfDtmfDigit(digit)), digit, digit);
});

const texts: [string, string | undefined][] = [
  ['5', '5'],
  [' 5\r\n', '5'],
  ['*', '*'],
  ['#', '#'],
  ['a', 'A'],
  ['D', 'D'],
  ['10', '*'],
  ['11', '#'],
  ['12', 'A'],
  ['15', 'D'],
  ['16', undefined],
  ['05', undefined],
  ['E', undefined],
  ['55', undefined],
  ['', undefined],
  ['5 6', undefined],
  ['+', undefined],
];
for (const [text, expected] of texts) t.equal(parseDtmfDigit(text), expected, JSON.stringify(text));

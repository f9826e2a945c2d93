import t from 'tap';
import { escapeKeyValue, escapeXml } from '../../src/provisioning/escape.js';
import { asciiName as name } from '../fixtures/provisioning/office.js';

const xml: [unknown, string][] = [
  ['plain', 'plain'],
  ['Bob"/><x>', 'Bob&quot;/&gt;&lt;x&gt;'],
  ["O'Brien & Co", 'O&apos;Brien &amp; Co'],
  ['a\nb\r\tc', 'a b  c'],
  ['nul\u0000bell\u0007del\u007fc1\u0085', 'nul bell del c1 '],
  ['lone \ud800 surrogate', 'lone   surrogate'],
  ['pair \ud83d\ude00 kept', 'pair \ud83d\ude00 kept'],
  ['\ufffe\uffff', '  '],
  ['Zoë – Ünal', 'Zoë – Ünal'],
  [101, '101'],
  [undefined, ''],
  [null, ''],
];
for (const [input, expected] of xml) t.equal(escapeXml(input), expected, `xml ${name(input)}`);

const keyValue: [unknown, string][] = [
  ['Alice Example', 'Alice Example'],
  ['Eve\naccount.1.password = x', 'Eve account.1.password = x'],
  ['a\r\nb', 'a  b'],
  ['line\u2028sep\u2029para\u0085nel', 'line sep para nel'],
  ['tab\there', 'tab here'],
  ['x = y', 'x = y'],
  ['<&>"', '<&>"'],
  [0, '0'],
];
for (const [input, expected] of keyValue) t.equal(escapeKeyValue(input), expected, `key=value ${name(input)}`);

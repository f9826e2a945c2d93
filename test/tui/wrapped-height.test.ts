import t from 'tap';
import { wrappedHeight } from '../../src/tui/wrapped-height.js';

const cases: [string, string, number, number][] = [
  ['fits', 'HD0004 added', 20, 1],
  ['exactly the width', 'abcde fghij', 11, 1],
  ['one over: the last word moves down', 'abcde fghij', 10, 2],
  [
    'a word longer than a line starts a fresh line and is broken (never fewer lines than shown)',
    'see http://192.0.2.10:8088/provisioning/abcdef',
    20,
    4,
  ],
  ['two paragraphs', 'one\ntwo', 80, 2],
  ['empty', '', 80, 1],
];
for (const [name, text, columns, lines] of cases) t.equal(wrappedHeight(text, columns), lines, name);

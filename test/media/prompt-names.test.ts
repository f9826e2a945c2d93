import t from 'tap';
import { PROMPT_NAMES, spokenDigits } from '../../src/media/prompt-names.js';

t.equal(new Set(PROMPT_NAMES).size, PROMPT_NAMES.length, 'no name twice');
t.ok(
  PROMPT_NAMES.every((name) => /^[a-z0-9-]+$/.test(name)),
  'every name is a plain file name',
);
for (let digit = 0; digit <= 9; digit++)
  t.ok((PROMPT_NAMES as readonly string[]).includes(`digit-${digit}`), `digit-${digit} is a prompt`);

const cases: [string, string[]][] = [
  ['100', ['digit-1', 'digit-0', 'digit-0']],
  ['7', ['digit-7']],
  [
    '0123456789',
    ['digit-0', 'digit-1', 'digit-2', 'digit-3', 'digit-4', 'digit-5', 'digit-6', 'digit-7', 'digit-8', 'digit-9'],
  ],
  ['', []],
  ['*#', []],
  ['12a3', ['digit-1', 'digit-2', 'digit-3']],
  [' 2 0 ', ['digit-2', 'digit-0']],
  ['٣', []],
];
for (const [digits, expected] of cases) t.same(spokenDigits(digits), expected, JSON.stringify(digits));

import t from 'tap';
import { buildEmergencyAnnouncement, spelledOut } from '../../src/media/emergency-announcement.js';
import { PROMPT_NAMES } from '../../src/media/prompt-names.js';

const cases: [string, string[]][] = [
  ['HD0003', ['letter-h', 'letter-d', 'digit-0', 'digit-0', 'digit-0', 'digit-3']],
  ['214', ['digit-2', 'digit-1', 'digit-4']],
  ['Nord-Bü 2.1', ['letter-n', 'letter-o', 'letter-r', 'letter-d', 'letter-b', 'letter-u', 'digit-2', 'digit-1']],
  ['', []],
  ['---', []],
  ['Ω', []],
];
for (const [text, expected] of cases) t.same(spelledOut(text), expected, JSON.stringify(text));

t.same(
  buildEmergencyAnnouncement({
    phone: 'HD0003',
    desk: { building: 'A', floor: '2', room: '214' },
    extension: '101',
    account: '101',
  }),
  [
    'emergency-call',
    'emergency-from-desk',
    'letter-h',
    'letter-d',
    'digit-0',
    'digit-0',
    'digit-0',
    'digit-3',
    'emergency-building',
    'letter-a',
    'emergency-floor',
    'digit-2',
    'emergency-room',
    'digit-2',
    'digit-1',
    'digit-4',
    'emergency-by-extension',
    'digit-1',
    'digit-0',
    'digit-1',
  ],
  'a logged-in desk with its location',
);
t.same(
  buildEmergencyAnnouncement({ phone: 'HD0004', desk: { room: '---' }, account: 'HD0004' }),
  ['emergency-call', 'emergency-from-desk', 'letter-h', 'letter-d', 'digit-0', 'digit-0', 'digit-0', 'digit-4'],
  'an idle desk; a room with nothing sayable is left out',
);
t.same(
  buildEmergencyAnnouncement({ account: '102', extension: '102' }),
  ['emergency-call', 'emergency-by-extension', 'digit-1', 'digit-0', 'digit-2'],
  'a softphone',
);
t.same(
  buildEmergencyAnnouncement({ account: '103' }),
  ['emergency-call', 'emergency-by-extension', 'digit-1', 'digit-0', 'digit-3'],
  'the account when nothing else is known',
);

const known = new Set<string>(PROMPT_NAMES);
const everything = buildEmergencyAnnouncement({
  phone: 'abcdefghijklmnopqrstuvwxyz0123456789',
  desk: { building: 'x', floor: 'y', room: 'z' },
  extension: '1',
  account: '1',
});
t.ok(
  everything.every((name) => known.has(name)),
  'every piece is a prompt the library has',
);

import t from 'tap';
import {
  createAnnouncementCall,
  stepAnnouncementCall,
  type AnnouncementState,
} from '../../src/media/announcement-call.js';
import type { WarningCallEvent } from '../../src/media/warning-call.js';
import type { PromptName } from '../../src/media/prompt-names.js';

const prompts: PromptName[] = ['emergency-call', 'digit-1'];
const run = (events: WarningCallEvent[], times = 2) => {
  let state: AnnouncementState = createAnnouncementCall();
  const commands: string[] = [];
  for (const event of events) {
    const step = stepAnnouncementCall(state, event, { prompts, times });
    state = step.state;
    commands.push(
      ...step.commands.map((command) => (command.kind === 'done' ? `done:${command.outcome}` : command.kind)),
    );
  }
  return { state, commands };
};

const cases: [string, WarningCallEvent[], number, string[], string][] = [
  [
    'said twice, then hung up',
    [
      { kind: 'answered', nowMs: 0 },
      { kind: 'prompt-finished', nowMs: 1 },
      { kind: 'prompt-finished', nowMs: 2 },
    ],
    2,
    ['play', 'play', 'hang-up', 'done:heard'],
    'heard',
  ],
  [
    'said once',
    [
      { kind: 'answered', nowMs: 0 },
      { kind: 'prompt-finished', nowMs: 1 },
    ],
    1,
    ['play', 'hang-up', 'done:heard'],
    'heard',
  ],
  [
    'keys are ignored',
    [
      { kind: 'answered', nowMs: 0 },
      { kind: 'digit', digit: '1', nowMs: 1 },
      { kind: 'prompt-finished', nowMs: 2 },
    ],
    1,
    ['play', 'hang-up', 'done:heard'],
    'heard',
  ],
  [
    'the phone hangs up while it is said',
    [{ kind: 'answered', nowMs: 0 }, { kind: 'hangup' }],
    2,
    ['play', 'done:hung-up'],
    'hung-up',
  ],
  ['nobody answers', [{ kind: 'not-answered' }], 2, ['done:not-answered'], 'not-answered'],
  [
    'nothing after the end',
    [{ kind: 'not-answered' }, { kind: 'answered', nowMs: 0 }],
    2,
    ['done:not-answered'],
    'not-answered',
  ],
  [
    'zero times is still once',
    [
      { kind: 'answered', nowMs: 0 },
      { kind: 'prompt-finished', nowMs: 1 },
    ],
    0,
    ['play', 'hang-up', 'done:heard'],
    'heard',
  ],
];
for (const [name, events, times, commands, outcome] of cases) {
  const result = run(events, times);
  t.same(result.commands, commands, name);
  t.same(result.state, { phase: 'done', outcome }, `${name}: ${outcome}`);
}

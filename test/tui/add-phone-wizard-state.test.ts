import t from 'tap';
import {
  applyWizardEvent,
  initialWizardState,
  type AddPhoneWizardEvent,
  type AddPhoneWizardState,
} from '../../src/tui/add-phone-wizard-state.js';
import { CATALOGUE } from '../support/office.js';

/** A phone already in the pool. */
const TAKEN: ReadonlyMap<string, string> = new Map([['001565000009', 'HD0003']]);
const model = (filter: string, highlighted = 0, asked = false): AddPhoneWizardState => ({
  step: 'model',
  filter,
  highlighted,
  ...(asked ? { asked: true as const } : {}),
});
const mac = (text: string, tried = false): AddPhoneWizardState => ({
  step: 'mac',
  model: 'yealink-t54w',
  mac: text,
  tried,
});
const connection = (highlighted: number): AddPhoneWizardState => ({
  step: 'connection',
  model: 'yealink-t54w',
  mac: '00:15:65:00:00:01',
  highlighted,
});
const sbc = (text: string, tried = false): AddPhoneWizardState => ({
  step: 'sbc',
  model: 'yealink-t54w',
  mac: '00:15:65:00:00:01',
  sbc: text,
  tried,
});
const type = (text: string): AddPhoneWizardEvent => ({ kind: 'type', text });
const submit: AddPhoneWizardEvent = { kind: 'submit' };
const cancel: AddPhoneWizardEvent = { kind: 'cancel' };
const erase: AddPhoneWizardEvent = { kind: 'erase' };
const down: AddPhoneWizardEvent = { kind: 'move', by: 1 };
const up: AddPhoneWizardEvent = { kind: 'move', by: -1 };

const cases: [string, AddPhoneWizardState, AddPhoneWizardEvent, AddPhoneWizardState][] = [
  ['typing filters and resets the highlight', model('t5', 1), type('4'), model('t54', 0)],
  ['erasing widens the filter', model('t54', 0), erase, model('t5', 0)],
  ['down moves the highlight', model('', 0), down, model('', 1)],
  ['down stops at the last match', model('', 3), down, model('', 3)],
  ['up stops at the first', model('', 0), up, model('', 0)],
  ['down within a filtered list stops at its end', model('yealink', 1), down, model('yealink', 1)],
  [
    'Enter picks the highlighted model',
    model('', 2),
    submit,
    { step: 'mac', model: 'poly-vvx250', mac: '', tried: false },
  ],
  ['Enter on a part of several models asks which', model('t5', 0), submit, model('t5', 0, true)],
  ['Enter once asked picks the highlighted one', model('t5', 0, true), submit, mac('')],
  [
    'Enter on a model chosen with the arrows picks it',
    model('t5', 1),
    submit,
    { step: 'mac', model: 'yealink-t53', mac: '', tried: false },
  ],
  ['typing after the question clears it', model('t5', 0, true), type('4'), model('t54', 0)],
  [
    'a filter matching one model picks it',
    model('vvx', 0),
    submit,
    { step: 'mac', model: 'poly-vvx250', mac: '', tried: false },
  ],
  [
    'a whole model id picks it, even where it is part of another',
    model('yealink-t53', 0),
    submit,
    { step: 'mac', model: 'yealink-t53', mac: '', tried: false },
  ],
  ['Enter with no match does nothing', model('cisco', 0), submit, model('cisco', 0)],
  ['typing a MAC', mac('00:1'), type('5'), mac('00:15')],
  ['a pasted MAC arrives whole', mac(''), type('001565000001'), mac('001565000001')],
  ['newlines in pasted text are dropped', mac(''), type('0015\n65'), mac('001565')],
  ['erasing a MAC', mac('00:15'), erase, mac('00:1')],
  ['Enter on an invalid MAC stays and marks it tried', mac('00:15'), submit, mac('00:15', true)],
  [
    'Enter on the MAC of a phone in the pool stays and marks it tried',
    mac('00:15:65:00:00:09'),
    submit,
    mac('00:15:65:00:00:09', true),
  ],
  [
    'Enter on a valid MAC moves on with it normalised',
    mac('0015.65AA.BBCC'),
    submit,
    { step: 'connection', model: 'yealink-t54w', mac: '00:15:65:aa:bb:cc', highlighted: 0 },
  ],
  ['arrows do nothing in the MAC field', mac('00'), down, mac('00')],
  ['down to sbc', connection(0), down, connection(1)],
  ['down stops at direct', connection(2), down, connection(2)],
  ['typing does nothing in the connection list', connection(0), type('s'), connection(0)],
  [
    'lan finishes',
    connection(0),
    submit,
    { step: 'done', answer: { model: 'yealink-t54w', mac: '00:15:65:00:00:01', connection: 'lan' } },
  ],
  [
    'direct finishes',
    connection(2),
    submit,
    { step: 'done', answer: { model: 'yealink-t54w', mac: '00:15:65:00:00:01', connection: 'direct' } },
  ],
  ['sbc asks for the address', connection(1), submit, sbc('')],
  ['typing the SBC', sbc('sbc:506'), type('0'), sbc('sbc:5060')],
  ['Enter without a port stays', sbc('sbc.example.net'), submit, sbc('sbc.example.net', true)],
  ['Enter with a bad port stays', sbc('sbc:0'), submit, sbc('sbc:0', true)],
  [
    'Enter with HOST:PORT finishes',
    sbc(' [2001:db8::1]:5060 '),
    submit,
    {
      step: 'done',
      answer: { model: 'yealink-t54w', mac: '00:15:65:00:00:01', connection: 'sbc', sbc: '[2001:db8::1]:5060' },
    },
  ],
  ['Esc cancels the model step', model('t5'), cancel, { step: 'cancelled' }],
  ['Esc cancels the MAC step', mac('00'), cancel, { step: 'cancelled' }],
  ['Esc cancels the connection step', connection(1), cancel, { step: 'cancelled' }],
  ['Esc cancels the SBC step', sbc('x'), cancel, { step: 'cancelled' }],
  ['a cancelled wizard stays cancelled', { step: 'cancelled' }, submit, { step: 'cancelled' }],
  [
    'a finished wizard stays finished',
    { step: 'done', answer: { model: 'm', mac: 'x', connection: 'lan' } },
    cancel,
    { step: 'done', answer: { model: 'm', mac: 'x', connection: 'lan' } },
  ],
];

for (const [name, state, event, expected] of cases) {
  t.same(applyWizardEvent(state, event, CATALOGUE, TAKEN), expected, name);
}

t.same(initialWizardState, model(''), 'the wizard starts on the model list, unfiltered');
t.equal(
  (applyWizardEvent(mac(''), type('x'.repeat(100)), CATALOGUE) as { mac: string }).mac.length,
  64,
  'fields are capped',
);

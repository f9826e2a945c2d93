import t from 'tap';
import type { Change } from '../../src/store/changes.js';
import { buildAddPhoneChange } from '../../src/tui/build-add-phone-change.js';
import type { WizardAnswer } from '../../src/tui/wizard-answer.js';

const base = { kind: 'add-phone', model: 'yealink-t54w', mac: '00:15:65:00:00:01', idlePassword: 'pw' } as const;

const cases: [WizardAnswer, Change][] = [
  [
    { model: 'yealink-t54w', mac: '00:15:65:00:00:01', connection: 'lan' },
    { ...base, connection: { mode: 'lan' } },
  ],
  [
    { model: 'yealink-t54w', mac: '00:15:65:00:00:01', connection: 'direct' },
    { ...base, connection: { mode: 'direct' } },
  ],
  [
    { model: 'yealink-t54w', mac: '00:15:65:00:00:01', connection: 'sbc', sbc: 'sbc.example.net:5060' },
    { ...base, connection: { mode: 'sbc', sbc: 'sbc.example.net:5060' } },
  ],
];

for (const [answer, expected] of cases) t.same(buildAddPhoneChange(answer, 'pw'), expected, answer.connection);

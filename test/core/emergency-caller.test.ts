import t from 'tap';
import { emergencyCaller, emergencyCallerUser, type EmergencyCallerInput } from '../../src/core/emergency-caller.js';

const cases: [string, EmergencyCallerInput, ReturnType<typeof emergencyCaller>][] = [
  [
    'the desk ELIN wins over everything',
    {
      phone: { name: 'HD0003', emergencyCallback: '+15551234567', extension: '101' },
      account: '101',
      accountIsExtension: true,
      mainNumber: '+15550000000',
    },
    { kind: 'elin', number: '+15551234567' },
  ],
  [
    'a logged-in user without ELIN: the extension',
    {
      phone: { name: 'HD0003', extension: '101' },
      account: '101',
      accountIsExtension: true,
      mainNumber: '+15550000000',
    },
    { kind: 'extension', number: '101' },
  ],
  [
    'an idle desk: the main number',
    { phone: { name: 'HD0003' }, account: 'HD0003', accountIsExtension: false, mainNumber: '+15550000000' },
    { kind: 'main-number', number: '+15550000000' },
  ],
  [
    'an idle desk, no main number: its own account',
    { phone: { name: 'HD0003' }, account: 'HD0003', accountIsExtension: false },
    { kind: 'phone-account', account: 'HD0003' },
  ],
  [
    'a softphone of an extension (no hot-desk phone)',
    { account: '102', accountIsExtension: true },
    { kind: 'extension', number: '102' },
  ],
];
for (const [name, input, expected] of cases) t.same(emergencyCaller(input), expected, name);
t.equal(emergencyCallerUser({ kind: 'elin', number: '+15551234567' }), '+15551234567');
t.equal(emergencyCallerUser({ kind: 'phone-account', account: 'HD0001' }), 'HD0001');

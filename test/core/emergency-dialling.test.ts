import t from 'tap';
import { checkEmergencyDialling } from '../../src/core/emergency-dialling.js';

const office = { emergencyNumbers: ['112', '911'], extensions: ['100', '101'], notify: ['100'] };
t.same(checkEmergencyDialling(office), [], 'a sound office has no findings');

t.match(checkEmergencyDialling({ ...office, emergencyNumbers: [] }), [
  { level: 'problem', message: /no emergency number/, fix: /emergency add 112/ },
]);
t.match(
  checkEmergencyDialling({ ...office, emergencyNumbers: ['9911'] }),
  [
    {
      level: 'problem',
      message: /9911 needs the prefix 9: 911 must work dialled directly/,
      fix: 'hotdesk emergency add 911',
    },
  ],
  'Kari: a number stored only with an outside-line prefix',
);
t.same(
  checkEmergencyDialling({ ...office, emergencyNumbers: ['9911', '911'] }),
  [],
  'the prefixed form beside the direct one is fine',
);
t.same(checkEmergencyDialling({ ...office, emergencyNumbers: ['0112', '112'] }), []);
t.same(checkEmergencyDialling({ ...office, emergencyNumbers: ['9999'] }), [
  {
    level: 'problem',
    message: "emergency number 9999 needs the prefix 9: 999 must work dialled directly (Kari's Law)",
    fix: 'hotdesk emergency add 999',
  },
]);
t.same(
  checkEmergencyDialling({ ...office, emergencyNumbers: ['1234'] }),
  [],
  'an unusual local number is taken as it is',
);

t.match(checkEmergencyDialling({ ...office, extensions: ['112'] }), [
  { level: 'problem', message: /extension 112 is also the emergency number 112/ },
]);
t.match(checkEmergencyDialling({ ...office, extensions: ['11'] }), [
  { level: 'warning', message: /extension 11 is how emergency number 112 starts/ },
]);
t.match(checkEmergencyDialling({ ...office, notify: [] }), [
  { level: 'warning', message: /nobody on site is told/, fix: /emergency notify add/ },
]);

import t from 'tap';
import { checkPin } from '../../src/core/pin-policy.js';

const refused: [string, string, RegExp][] = [
  ['123', '100', /at least 4/],
  ['12a4', '100', /digits only/],
  ['', '100', /digits only/],
  ['1111', '100', /repeat one digit/],
  ['0000000', '100', /repeat one digit/],
  ['1234', '100', /ascending/],
  ['7890', '100', /ascending/],
  ['4321', '100', /descending/],
  ['0987', '100', /descending/],
  ['2001', '2001', /equal the extension/],
  ['1234567890123', '100', /at most 12/],
];
for (const [pin, extension, problem] of refused) {
  t.match(checkPin(pin, extension), problem, `PIN ${pin} for ${extension} is refused`);
}
for (const pin of ['4821', '1357', '2001', '90210', '1122']) {
  t.equal(checkPin(pin, '100'), undefined, `PIN ${pin} is accepted`);
}

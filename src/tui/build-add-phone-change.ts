/** The add-phone change for a wizard answer, as the flag path would submit it. */
import type { Connection } from '../core/model.js';
import type { Change } from '../store/changes.js';
import type { WizardAnswer } from './wizard-answer.js';

/** `idlePassword` comes from the edge (a random secret); the screens never make one up. */
export function buildAddPhoneChange(
  answer: WizardAnswer,
  idlePassword: string,
): Extract<Change, { kind: 'add-phone' }> {
  const connection: Connection =
    answer.connection === 'sbc'
      ? { mode: 'sbc', sbc: answer.sbc ?? '' }
      : answer.connection === 'direct'
        ? { mode: 'direct' }
        : { mode: 'lan' };
  return { kind: 'add-phone', model: answer.model, mac: answer.mac, connection, idlePassword };
}

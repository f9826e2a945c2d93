/** The add-phone wizard's input hook: terminal keys → wizard events, and the answer handed back once. */
import { useEffect, useReducer, useRef } from 'react';
import { useInput, type Key } from 'ink';
import type { Catalogue } from '../core/catalogue.js';
import {
  applyWizardEvent,
  initialWizardState,
  type AddPhoneWizardEvent,
  type AddPhoneWizardState,
} from './add-phone-wizard-state.js';
import type { WizardAnswer } from './wizard-answer.js';

/** Which wizard event a key press is, if any. */
export function wizardEventForKey(input: string, key: Key): AddPhoneWizardEvent | undefined {
  if (key.escape) return { kind: 'cancel' };
  if (key.return) return { kind: 'submit' };
  if (key.upArrow) return { kind: 'move', by: -1 };
  if (key.downArrow) return { kind: 'move', by: 1 };
  if (key.backspace || key.delete) return { kind: 'erase' };
  if (key.ctrl || key.meta || key.tab || input === '') return undefined;
  return { kind: 'type', text: input };
}

export interface AddPhoneWizardOptions {
  catalogue: Catalogue;
  /** Called once: with the answer after the last Enter, or `undefined` after Esc. */
  onDone: (answer: WizardAnswer | undefined) => void;
  /** Listen to the keyboard; default true. */
  isActive?: boolean;
  /** MACs of the phones already in the pool (normalised) → their names. */
  taken?: ReadonlyMap<string, string>;
}

const NONE_TAKEN: ReadonlyMap<string, string> = new Map();

export function useAddPhoneWizard({
  catalogue,
  onDone,
  isActive = true,
  taken = NONE_TAKEN,
}: AddPhoneWizardOptions): AddPhoneWizardState {
  const [state, dispatch] = useReducer(
    (current: AddPhoneWizardState, event: AddPhoneWizardEvent) => applyWizardEvent(current, event, catalogue, taken),
    initialWizardState,
  );
  useInput(
    (input, key) => {
      const event = wizardEventForKey(input, key);
      if (event) dispatch(event);
    },
    { isActive: isActive && state.step !== 'done' && state.step !== 'cancelled' },
  );
  const handedBack = useRef(false);
  useEffect(() => {
    if (handedBack.current) return;
    if (state.step === 'done' || state.step === 'cancelled') {
      handedBack.current = true;
      onDone(state.step === 'done' ? state.answer : undefined);
    }
  }, [state, onDone]);
  return state;
}

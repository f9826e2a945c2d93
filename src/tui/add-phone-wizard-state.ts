/** The add-phone wizard as data: its state, the events that move it, and the pure transition. */
import type { Catalogue } from '../core/catalogue.js';
import { formatMac } from '../core/mac.js';
import { CONNECTION_MODES, type ConnectionMode } from '../core/model.js';
import { checkMacInput } from './check-mac-input.js';
import { checkSbcAddress } from '../core/sbc-address.js';
import { filterModels } from './filter-models.js';
import type { WizardAnswer } from './wizard-answer.js';

/**
 * Where the wizard is. Enter moves on only when the step's input is usable;
 * Esc cancels from any step.
 *
 * ```
 * model ──Enter──▶ mac ──Enter (valid MAC)──▶ connection ──Enter (lan|direct)──▶ done
 *                                                  └──Enter (sbc)──▶ sbc ──Enter (HOST:PORT)──▶ done
 * model | mac | connection | sbc ──Esc──▶ cancelled
 * ```
 *
 * - `model`: `filter` is the typed text, `highlighted` an index into the filtered models.
 * - `mac`: `mac` is the text typed so far; `tried` once Enter was pressed on an invalid one.
 * - `connection`: `highlighted` an index into `CONNECTION_MODES`.
 * - `sbc`: `sbc` is the HOST:PORT typed so far.
 * - `done` / `cancelled`: final; the wizard hands back `answer` or nothing.
 */
export type AddPhoneWizardState =
  | { step: 'model'; filter: string; highlighted: number }
  | { step: 'mac'; model: string; mac: string; tried: boolean }
  | { step: 'connection'; model: string; mac: string; highlighted: number }
  | { step: 'sbc'; model: string; mac: string; sbc: string; tried: boolean }
  | { step: 'done'; answer: WizardAnswer }
  | { step: 'cancelled' };

/** Keystrokes, already translated from terminal keys. */
export type AddPhoneWizardEvent =
  | { kind: 'type'; text: string }
  | { kind: 'erase' }
  | { kind: 'move'; by: -1 | 1 }
  | { kind: 'submit' }
  | { kind: 'cancel' };

export const initialWizardState: AddPhoneWizardState = { step: 'model', filter: '', highlighted: 0 };

/** Longest text a field takes; pasting a novel is not an address. */
const FIELD_LIMIT = 64;

const typeInto = (field: string, text: string): string => (field + text.replace(/[\r\n\t]/g, '')).slice(0, FIELD_LIMIT);

const clamp = (index: number, length: number): number => Math.max(0, Math.min(index, length - 1));

export function applyWizardEvent(state: AddPhoneWizardState, event: AddPhoneWizardEvent, catalogue: Catalogue): AddPhoneWizardState {
  if (state.step === 'done' || state.step === 'cancelled') return state;
  if (event.kind === 'cancel') return { step: 'cancelled' };
  switch (state.step) {
    case 'model': {
      if (event.kind === 'type') return { ...state, filter: typeInto(state.filter, event.text), highlighted: 0 };
      if (event.kind === 'erase') return { ...state, filter: state.filter.slice(0, -1), highlighted: 0 };
      const models = filterModels(catalogue, state.filter);
      if (event.kind === 'move') return { ...state, highlighted: clamp(state.highlighted + event.by, models.length) };
      const picked = models[state.highlighted];
      return picked ? { step: 'mac', model: picked.id, mac: '', tried: false } : state;
    }
    case 'mac': {
      if (event.kind === 'type') return { ...state, mac: typeInto(state.mac, event.text) };
      if (event.kind === 'erase') return { ...state, mac: state.mac.slice(0, -1) };
      if (event.kind === 'move') return state;
      const verdict = checkMacInput(state.mac);
      if (!verdict.ok) return { ...state, tried: true };
      return { step: 'connection', model: state.model, mac: formatMac(verdict.mac), highlighted: 0 };
    }
    case 'connection': {
      if (event.kind === 'move') return { ...state, highlighted: clamp(state.highlighted + event.by, CONNECTION_MODES.length) };
      if (event.kind !== 'submit') return state;
      const connection: ConnectionMode = CONNECTION_MODES[state.highlighted] ?? 'lan';
      if (connection === 'sbc') return { step: 'sbc', model: state.model, mac: state.mac, sbc: '', tried: false };
      return { step: 'done', answer: { model: state.model, mac: state.mac, connection } };
    }
    case 'sbc': {
      if (event.kind === 'type') return { ...state, sbc: typeInto(state.sbc, event.text) };
      if (event.kind === 'erase') return { ...state, sbc: state.sbc.slice(0, -1) };
      if (event.kind === 'move') return state;
      if (checkSbcAddress(state.sbc) !== undefined) return { ...state, tried: true };
      return { step: 'done', answer: { model: state.model, mac: state.mac, connection: 'sbc', sbc: state.sbc.trim() } };
    }
  }
}

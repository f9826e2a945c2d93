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
 * - `model`: `filter` is the typed text, `highlighted` an index into the filtered models;
 *   `asked` once Enter was pressed on a filter several models match (`snom-d7`) with the
 *   highlight not moved: the wizard asks which, and the next Enter picks the highlighted one.
 * - `mac`: `mac` is the text typed so far; `tried` once Enter was pressed on an invalid one
 *   (or one a phone in the pool already has).
 * - `connection`: `highlighted` an index into `CONNECTION_MODES`.
 * - `sbc`: `sbc` is the HOST:PORT typed so far.
 * - `done` / `cancelled`: final; the wizard hands back `answer` or nothing.
 */
export type AddPhoneWizardState =
  | { step: 'model'; filter: string; highlighted: number; asked?: true }
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

/**
 * Models the typed filter leaves when it names none of them whole (`snom-d7` →
 * snom-d712, snom-d717…): Enter on the first of them asks which instead of picking it.
 */
export function ambiguousModels(catalogue: Catalogue, filter: string): string[] {
  const models = filterModels(catalogue, filter);
  const squash = (text: string): string => text.toLowerCase().replace(/[\s_-]+/g, '');
  if (filter.trim() === '' || models.length < 2 || models.some((model) => squash(model.id) === squash(filter)))
    return [];
  return models.map((model) => model.id);
}

/** `taken`: MACs (normalised, `001565aabbcc`) of the phones already in the pool → their names. */
export function applyWizardEvent(
  state: AddPhoneWizardState,
  event: AddPhoneWizardEvent,
  catalogue: Catalogue,
  taken: ReadonlyMap<string, string> = new Map(),
): AddPhoneWizardState {
  if (state.step === 'done' || state.step === 'cancelled') return state;
  if (event.kind === 'cancel') return { step: 'cancelled' };
  switch (state.step) {
    case 'model': {
      if (event.kind === 'type') return { step: 'model', filter: typeInto(state.filter, event.text), highlighted: 0 };
      if (event.kind === 'erase') return { step: 'model', filter: state.filter.slice(0, -1), highlighted: 0 };
      const models = filterModels(catalogue, state.filter);
      if (event.kind === 'move') return { ...state, highlighted: clamp(state.highlighted + event.by, models.length) };
      // An exact id is highlighted first when typed whole; a part of several is asked about, once.
      const exact = models.findIndex((model) => model.id === state.filter.trim().toLowerCase());
      if (exact > 0 && state.highlighted === 0) return { step: 'mac', model: models[exact]!.id, mac: '', tried: false };
      if (state.highlighted === 0 && !state.asked && ambiguousModels(catalogue, state.filter).length > 0)
        return { ...state, asked: true };
      const picked = models[state.highlighted];
      return picked ? { step: 'mac', model: picked.id, mac: '', tried: false } : state;
    }
    case 'mac': {
      if (event.kind === 'type') return { ...state, mac: typeInto(state.mac, event.text) };
      if (event.kind === 'erase') return { ...state, mac: state.mac.slice(0, -1) };
      if (event.kind === 'move') return state;
      const verdict = checkMacInput(state.mac, taken);
      if (!verdict.ok) return { ...state, tried: true };
      return { step: 'connection', model: state.model, mac: formatMac(verdict.mac), highlighted: 0 };
    }
    case 'connection': {
      if (event.kind === 'move')
        return { ...state, highlighted: clamp(state.highlighted + event.by, CONNECTION_MODES.length) };
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

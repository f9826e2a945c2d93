/** The dashboard as data: which view is open, the selected phone, the filter, the last message. */
import type { StatusRow } from '../store/queries.js';

/**
 * The view on top of the desk table. Esc (or `n`) leaves a sub-view.
 *
 * ```
 * table ──/──▶ filter ──Enter (keep) | Esc (clear)──▶ table
 * table ──l (logged-in row)──▶ confirm-logout ──y──▶ busy ──finish──▶ table
 *                                      └──n | Esc──▶ table
 * table ──k (logged-in row)──▶ keys ──Esc──▶ table
 * table ──a──▶ add-phone ──answer──▶ busy ──finish──▶ table
 *                  └──cancelled──▶ table
 * ```
 *
 * - `confirm-logout`: `phone` is the phone to log out, `who` the user on it, for the question.
 * - `keys`: `phone` whose user's keys are previewed.
 * - `busy`: a change is on its way; `doing` says which.
 */
export type DashboardView =
  | { kind: 'table' }
  | { kind: 'filter' }
  | { kind: 'confirm-logout'; phone: string; who: string }
  | { kind: 'keys'; phone: string }
  | { kind: 'add-phone' }
  | { kind: 'busy'; doing: string };

/** A line under the table: what the last action did, or why it was refused. */
export interface DashboardMessage {
  tone: 'info' | 'error';
  text: string;
}

export interface DashboardState {
  view: DashboardView;
  /** Name of the selected phone; kept across refreshes, falls back to the first visible row. */
  selected: string | undefined;
  /** The `/` filter text; empty shows every phone. */
  filter: string;
  message: DashboardMessage | undefined;
}

export type DashboardEvent =
  /** `names`: the visible rows, in order; `by` rows down (negative: up), stopping at the ends. */
  | { kind: 'move'; by: number; names: readonly string[] }
  | { kind: 'open-filter' }
  | { kind: 'type-filter'; text: string }
  | { kind: 'erase-filter' }
  | { kind: 'close-filter'; keep: boolean }
  | { kind: 'ask-logout'; row: StatusRow | undefined }
  | { kind: 'show-keys'; row: StatusRow | undefined }
  | { kind: 'open-wizard' }
  | { kind: 'leave' }
  | { kind: 'start'; doing: string }
  | { kind: 'finish'; message: DashboardMessage };

export const initialDashboardState: DashboardState = {
  view: { kind: 'table' },
  selected: undefined,
  filter: '',
  message: undefined,
};

/** The selected phone among the visible ones: the remembered one if still shown, else the first. */
export function resolveSelection(names: readonly string[], selected: string | undefined): string | undefined {
  return selected !== undefined && names.includes(selected) ? selected : names[0];
}

const table: DashboardView = { kind: 'table' };
const info = (text: string): DashboardMessage => ({ tone: 'info', text });

const whoIsOn = (row: StatusRow): string =>
  row.user ? `${row.user} (${row.extension})` : (row.extension ?? 'the user');

export function applyDashboardEvent(state: DashboardState, event: DashboardEvent): DashboardState {
  switch (event.kind) {
    case 'move': {
      if (event.names.length === 0) return state;
      const current = event.names.indexOf(resolveSelection(event.names, state.selected) ?? '');
      const next = Math.max(0, Math.min(current + event.by, event.names.length - 1));
      return { ...state, selected: event.names[next] };
    }
    case 'open-filter':
      return { ...state, view: { kind: 'filter' }, message: undefined };
    case 'type-filter':
      return { ...state, filter: (state.filter + event.text.replace(/[\r\n\t]/g, '')).slice(0, 64) };
    case 'erase-filter':
      return { ...state, filter: state.filter.slice(0, -1) };
    case 'close-filter':
      return { ...state, view: table, filter: event.keep ? state.filter : '' };
    case 'ask-logout':
      if (!event.row) return { ...state, message: info('no phone selected') };
      if (event.row.state === 'idle')
        return { ...state, message: info(`${event.row.name} is idle: nobody to log out`) };
      return {
        ...state,
        view: { kind: 'confirm-logout', phone: event.row.name, who: whoIsOn(event.row) },
        message: undefined,
      };
    case 'show-keys':
      if (!event.row) return { ...state, message: info('no phone selected') };
      if (event.row.state === 'idle')
        return { ...state, message: info(`${event.row.name} is idle: nobody's keys to show`) };
      return { ...state, view: { kind: 'keys', phone: event.row.name }, message: undefined };
    case 'open-wizard':
      return { ...state, view: { kind: 'add-phone' }, message: undefined };
    case 'leave':
      return { ...state, view: table };
    case 'start':
      return { ...state, view: { kind: 'busy', doing: event.doing }, message: undefined };
    case 'finish':
      return { ...state, view: table, message: event.message };
  }
}

/** The dashboard's input hook: keys per view → dashboard events, and the changes they submit. */
import { useCallback, useMemo, useReducer, useRef, type RefObject } from 'react';
import { useApp, useInput, type Key } from 'ink';
import type { Outcome, Reason } from '../core/reasons.js';
import type { Change, ChangeResult } from '../store/changes.js';
import type { StatusRow } from '../store/queries.js';
import type { StoreData } from '../store/schema.js';
import { buildAddPhoneChange } from './build-add-phone-change.js';
import {
  applyDashboardEvent,
  initialDashboardState,
  resolveSelection,
  type DashboardState,
} from './dashboard-state.js';
import { describeChangeResult } from './describe-change-result.js';
import { filterStatusRows } from './filter-status-rows.js';
import type { WizardAnswer } from './wizard-answer.js';

export interface DashboardOptions {
  /** Every phone's status row, as last read. */
  rows: readonly StatusRow[];
  submit: (change: Change) => Promise<Outcome<ChangeResult>>;
  newIdlePassword: () => string;
  describeReason: (reason: Reason) => string;
  /** Re-reads the store after a change, so the table does not wait for the file watch. */
  reload: () => Promise<StoreData | undefined>;
  /** Rows PgUp/PgDn move by: the rows on screen. */
  page: RefObject<number>;
}

export interface DashboardControls {
  state: DashboardState;
  /** The rows the filter lets through. */
  visible: StatusRow[];
  /** The selected row among `visible`, if any. */
  selected: StatusRow | undefined;
  /** Hand the add-phone wizard's answer (or its cancellation) to the dashboard. */
  onWizardDone: (answer: WizardAnswer | undefined) => void;
}

const isText = (input: string, key: Key): boolean => input !== '' && !key.ctrl && !key.meta && !key.tab && !key.return;

export function useDashboard(options: DashboardOptions): DashboardControls {
  const { rows, submit, newIdlePassword, describeReason, reload, page } = options;
  const { exit } = useApp();
  const [state, dispatch] = useReducer(applyDashboardEvent, initialDashboardState);
  const visible = useMemo(() => filterStatusRows(rows, state.filter), [rows, state.filter]);
  const names = useMemo(() => visible.map((row) => row.name), [visible]);
  const selectedName = resolveSelection(names, state.selected);
  const selected = visible.find((row) => row.name === selectedName);

  const carryOut = useCallback(
    async (doing: string, change: Change) => {
      dispatch({ kind: 'start', doing });
      try {
        const outcome = await submit(change);
        const fresh = await reload();
        dispatch({
          kind: 'finish',
          message: outcome.ok
            ? { tone: 'info', text: describeChangeResult(outcome.value, fresh) }
            : { tone: 'error', text: describeReason(outcome.reason) },
        });
      } catch (error) {
        dispatch({
          kind: 'finish',
          message: { tone: 'error', text: error instanceof Error ? error.message : String(error) },
        });
      }
    },
    [submit, reload, describeReason],
  );

  const onWizardDone = useCallback(
    (answer: WizardAnswer | undefined) => {
      if (!answer)
        return dispatch({ kind: 'finish', message: { tone: 'info', text: 'add-phone cancelled, nothing added' } });
      void carryOut(`adding ${answer.model} ${answer.mac}`, buildAddPhoneChange(answer, newIdlePassword()));
    },
    [carryOut, newIdlePassword],
  );

  // What the screen shows now. Ink hands keys to the handler of the last
  // subscribed render, which can lag a painted frame: a key pressed right after
  // PgDn must act on the row the admin sees selected, so the handler reads here.
  const shown = useRef({ state, names, selected });
  shown.current = { state, names, selected };
  useInput(
    (input, key) => {
      const { state, names, selected } = shown.current;
      const { view } = state;
      const pageBy = Math.max(1, page.current ?? 1);
      const all = names.length;
      const move = key.upArrow
        ? -1
        : key.downArrow
          ? 1
          : key.pageUp
            ? -pageBy
            : key.pageDown
              ? pageBy
              : key.home
                ? -all
                : key.end
                  ? all
                  : 0;
      switch (view.kind) {
        case 'table':
          if (move !== 0) return dispatch({ kind: 'move', by: move, names });
          if (key.escape) return state.filter === '' ? undefined : dispatch({ kind: 'close-filter', keep: false });
          if (input === 'q') return exit();
          if (input === '/') return dispatch({ kind: 'open-filter' });
          if (input === 'l') return dispatch({ kind: 'ask-logout', row: selected });
          if (input === 'k') return dispatch({ kind: 'show-keys', row: selected });
          if (input === 'a') return dispatch({ kind: 'open-wizard' });
          return undefined;
        case 'filter':
          if (move !== 0) return dispatch({ kind: 'move', by: move, names });
          if (key.return) return dispatch({ kind: 'close-filter', keep: true });
          if (key.escape) return dispatch({ kind: 'close-filter', keep: false });
          if (key.backspace || key.delete) return dispatch({ kind: 'erase-filter' });
          if (isText(input, key)) return dispatch({ kind: 'type-filter', text: input });
          return undefined;
        case 'confirm-logout':
          if (input === 'y' || input === 'Y') {
            return void carryOut(`logging out ${view.phone}`, {
              kind: 'logout',
              target: { phone: view.phone },
              actor: 'admin',
            });
          }
          if (input === 'n' || input === 'N' || key.escape) {
            return dispatch({ kind: 'finish', message: { tone: 'info', text: `${view.phone}: nothing changed` } });
          }
          return undefined;
        case 'keys':
          if (key.escape || input === 'k') return dispatch({ kind: 'leave' });
          if (input === 'q') return exit();
          return undefined;
        case 'add-phone':
        case 'busy':
          return undefined;
      }
    },
    { isActive: state.view.kind !== 'add-phone' },
  );

  return { state, visible, selected, onWizardDone };
}

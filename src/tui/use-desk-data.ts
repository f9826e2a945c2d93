/** Keeps the live screens' copy of the store: loads it once, then follows the source's updates. */
import { useCallback, useEffect, useReducer, useRef } from 'react';
import type { StoreData } from '../store/schema.js';
import { applyDeskDataEvent, initialDeskData, type DeskDataState } from './desk-data-state.js';
import type { DeskSource } from './desk-source.js';

export interface DeskData {
  state: DeskDataState;
  /** Loads the store again now (after a change was submitted); resolves to it, or `undefined` if unreadable. */
  reload: () => Promise<StoreData | undefined>;
}

const problemOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function useDeskData(source: DeskSource): DeskData {
  const [state, dispatch] = useReducer(applyDeskDataEvent, initialDeskData);
  // Every read and update takes a ticket; a load that resolves after a newer update is dropped.
  const tickets = useRef(0);
  const reload = useCallback(async () => {
    const ticket = ++tickets.current;
    try {
      const data = await source.load();
      if (ticket === tickets.current) dispatch({ kind: 'loaded', data });
      return data;
    } catch (error) {
      if (ticket === tickets.current) dispatch({ kind: 'failed', problem: problemOf(error) });
      return undefined;
    }
  }, [source]);
  useEffect(() => {
    const unsubscribe = source.subscribe((update) => {
      tickets.current++;
      dispatch(
        update.kind === 'data' ? { kind: 'loaded', data: update.data } : { kind: 'failed', problem: update.message },
      );
    });
    void reload();
    return unsubscribe;
  }, [source, reload]);
  return { state, reload };
}

/** What the live screens know about the store: the last good copy, and whether it can be read now. */
import type { StoreData } from '../store/schema.js';

/**
 * ```
 * loading ──loaded──▶ ready ──failed──▶ stale ──loaded──▶ ready
 *    └──failed──▶ failed ──loaded──▶ ready
 * ```
 *
 * - `loading`: nothing read yet.
 * - `ready`: `data` is the store as last read.
 * - `stale`: the file cannot be read now (corrupt, half-copied); `data` is the last good copy.
 * - `failed`: the file could not be read even once.
 */
export type DeskDataState =
  | { kind: 'loading' }
  | { kind: 'ready'; data: StoreData }
  | { kind: 'stale'; data: StoreData; problem: string }
  | { kind: 'failed'; problem: string };

export type DeskDataEvent = { kind: 'loaded'; data: StoreData } | { kind: 'failed'; problem: string };

export const initialDeskData: DeskDataState = { kind: 'loading' };

export function applyDeskDataEvent(state: DeskDataState, event: DeskDataEvent): DeskDataState {
  if (event.kind === 'loaded') return { kind: 'ready', data: event.data };
  if (state.kind === 'ready' || state.kind === 'stale')
    return { kind: 'stale', data: state.data, problem: event.problem };
  return { kind: 'failed', problem: event.problem };
}

/** The store to show, if any. */
export function deskData(state: DeskDataState): StoreData | undefined {
  return state.kind === 'ready' || state.kind === 'stale' ? state.data : undefined;
}

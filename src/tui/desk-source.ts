/**
 * Where the screens get the office store from. The CLI builds one from its
 * context (the file, watched); tests build one from plain values. The screens
 * never touch files themselves.
 */
import type { StoreData } from '../store/schema.js';

/** What arrives after the store changed: the new store, or why it cannot be read. */
export type DeskUpdate = { kind: 'data'; data: StoreData } | { kind: 'error'; message: string };

export interface DeskSource {
  /** The store as it is now; may reject (a corrupt file), which the screens show. */
  load(): Promise<StoreData>;
  /** Calls `onUpdate` whenever the store changes; returns the function that stops it. */
  subscribe(onUpdate: (update: DeskUpdate) => void): () => void;
}

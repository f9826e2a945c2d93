/**
 * The daemon's single writer: every change to the store, from the control
 * socket or from SIP (registrations, logins), goes through one queue, so
 * writes never interleave and each sees the result of the one before.
 */
import type { StoreWriter } from '../adapters/json-store.js';
import type { StoreData } from '../store/schema.js';

export interface StoreService {
  readonly data: StoreData;
  /** Runs `work` on the latest data after every earlier update; commits what it returns (if anything). */
  update<T>(work: (data: StoreData) => { next?: StoreData; value: T }): Promise<T>;
  /** Resolves when every queued update has been written. */
  flush(): Promise<void>;
}

export function createStoreService(writer: StoreWriter): StoreService {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    get data() {
      return writer.data;
    },
    update(work) {
      const run = queue.then(async () => {
        const { next, value } = work(writer.data);
        if (next && next !== writer.data) await writer.commit(next);
        return value;
      });
      queue = run.catch(() => undefined);
      return run;
    },
    async flush() {
      await queue;
    },
  };
}

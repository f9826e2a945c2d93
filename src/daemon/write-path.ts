/**
 * The daemon's one write path: every write to the store (control socket, IVR,
 * policies, emergency calls, provisioning fetches, registrations, SIGHUP reload)
 * is applied here in order through the store service, and its effects are then
 * handed to the one executor (effects.ts).
 */
import type { ControlResponse } from '../adapters/control-socket.js';
import type { Logger } from '../adapters/log.js';
import type { Catalogue } from '../core/catalogue.js';
import type { Reason } from '../core/reasons.js';
import type { Change, ChangeResult } from '../store/changes.js';
import { applyStoreWrite, type InternalWrite, type StoreEffect, type StoreWrite } from '../store/store-write.js';
import type { CarryOut } from './effects.js';
import type { StoreService } from './store-service.js';

/** A write's answer: `changed` when the store took new data. */
export type Written = { ok: true; result: ChangeResult; changed: boolean } | { ok: false; reason: Reason };

export interface WritePath {
  /** Applies one write after every earlier one, stores it, then carries out its effects. */
  apply(write: StoreWrite): Promise<Written>;
  /** `apply` for a change, answered as the control socket answers. */
  submit(change: Change): Promise<ControlResponse>;
}

export interface WritePathOptions {
  store: StoreService;
  catalogue: Catalogue;
  log: Logger;
  carryOut: CarryOut;
  /** The time a write is applied at (default the clock). */
  now?: () => string;
}

const isInternal = (write: StoreWrite): write is InternalWrite =>
  write.kind === 'save-bindings' || write.kind === 'adopt-file' || write.kind === 'write-back';

export function createWritePath(options: WritePathOptions): WritePath {
  const now = options.now ?? (() => new Date().toISOString());
  const apply = async (write: StoreWrite): Promise<Written> => {
    let effects: StoreEffect[] = [];
    const written = await options.store.update((data): { next?: typeof data; value: Written } => {
      const outcome = applyStoreWrite(data, write, { now: now(), catalogue: options.catalogue });
      if (!outcome.ok) return { value: { ok: false, reason: outcome.reason } };
      if (!isInternal(write)) options.log.info({ change: write.kind }, 'store changed');
      effects = outcome.value.effects;
      const changed = outcome.value.data !== data;
      return { next: outcome.value.data, value: { ok: true, result: outcome.value.result, changed } };
    });
    options.carryOut(effects);
    return written;
  };
  return {
    apply,
    async submit(change) {
      const written = await apply(change);
      return written.ok ? { ok: true, result: written.result } : written;
    },
  };
}

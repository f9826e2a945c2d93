/**
 * The location table (who is registered where) and its persistence: changes are saved within half a
 * second by `saveBindings` (default a direct store update), refreshes (the same registrations with a
 * later expiry) within REFRESH_SAVE_MS, and whatever is pending once more on close.
 */
import { stringifyUri } from '../../adapters/sip-syntax.js';
import type { Endpoint, SipUri } from '../../sip/message.js';
import { sameContact } from '../../sip/registrar.js';
import {
  allBindings,
  expireBindings,
  lookup,
  withBindings,
  type Binding,
  type LocationTable,
} from '../../sip/location.js';
import type { Logger } from '../../adapters/log.js';
import type { StoreData } from '../../store/schema.js';
import type { StoreService } from '../store-service.js';

export interface BindingTable {
  /** The registrations now (a new table on each change). */
  location: LocationTable;
  /**
   * Saves the table soon (one write for many changes): within half a second, or within REFRESH_SAVE_MS
   * for a `refresh` (only expiries moved: a thousand phones refreshing would otherwise rewrite the
   * store every second).
   */
  persist(kind?: 'change' | 'refresh'): void;
  /** The phone's unexpired registrations. */
  boundTo(phone: string): Binding[];
  /** Drops these registrations and saves. */
  remove(stale: readonly Binding[]): void;
  /** Drops the expired registrations (saved when there were any). */
  expire(): void;
  /** Where a request to this contact goes: the registration's source, or the URI's own address. */
  resolveTarget(uri: SipUri): Endpoint | undefined;
  /** Writes a pending save now (on close). */
  flush(): Promise<void>;
}

const CHANGE_SAVE_MS = 500;
/** At most this much later than a refresh is its new expiry on disk (until a clean stop saves it). */
export const REFRESH_SAVE_MS = 10_000;

export function createBindingTable(options: {
  store: StoreService;
  log: Logger;
  now: () => number;
  saveBindings?: (bindings: StoreData['bindings']) => Promise<unknown>;
  /** How soon a change and a refresh are saved (default CHANGE_SAVE_MS, REFRESH_SAVE_MS). */
  saveAfterMs?: { change: number; refresh: number };
}): BindingTable {
  const { store, log, now } = options;
  let location: LocationTable = new Map();
  for (const stored of store.data.bindings) {
    if (stored.expiresAt > now())
      location = withBindings(location, stored.aor, [...lookup(location, stored.aor, now()), stored]);
  }
  const saveBindings =
    options.saveBindings ??
    ((bindings: StoreData['bindings']) => store.update((data) => ({ next: { ...data, bindings }, value: undefined })));
  const saveAfter = options.saveAfterMs ?? { change: CHANGE_SAVE_MS, refresh: REFRESH_SAVE_MS };
  let persistTimer: NodeJS.Timeout | undefined;
  /** What the pending save is for: a refresh's may be brought forward by a change. */
  let pendingKind: 'change' | 'refresh' = 'change';
  const table: BindingTable = {
    get location() {
      return location;
    },
    set location(next) {
      location = next;
    },
    persist(kind = 'change') {
      if (persistTimer && (pendingKind === 'change' || kind === 'refresh')) return;
      clearTimeout(persistTimer);
      pendingKind = kind;
      persistTimer = setTimeout(
        () => {
          persistTimer = undefined;
          void saveBindings(allBindings(location)).catch((error: Error) =>
            log.error({ err: error }, 'could not save registrations'),
          );
        },
        kind === 'refresh' ? saveAfter.refresh : saveAfter.change,
      );
    },
    boundTo: (phone) => allBindings(location).filter((binding) => binding.phone === phone && binding.expiresAt > now()),
    remove(stale) {
      for (const aor of new Set(stale.map((binding) => binding.aor))) {
        location = withBindings(
          location,
          aor,
          (location.get(aor) ?? []).filter((binding) => !stale.includes(binding)),
        );
      }
      table.persist();
    },
    expire() {
      const { table: next, expired } = expireBindings(location, now());
      if (expired.length > 0) {
        location = next;
        table.persist();
      }
    },
    resolveTarget: (uri) => resolveTarget(location, uri),
    async flush() {
      if (persistTimer) {
        clearTimeout(persistTimer);
        persistTimer = undefined;
        await saveBindings(allBindings(location));
      }
    },
  };
  return table;
}

function resolveTarget(location: LocationTable, uri: SipUri): Endpoint | undefined {
  const text = stringifyUri(uri);
  const binding = allBindings(location).find((candidate) => sameContact(candidate.contact, text));
  if (binding) return binding.source;
  const transport = String(uri.params['transport'] ?? 'udp').toUpperCase();
  const protocol = transport === 'TCP' || transport === 'TLS' ? transport : 'UDP';
  return /^[\d.]+$|^\[?[0-9a-f:]+\]?$/i.test(uri.host)
    ? { protocol, address: uri.host.replace(/^\[|\]$/g, ''), port: uri.port || (protocol === 'TLS' ? 5061 : 5060) }
    : undefined;
}

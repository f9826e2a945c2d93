/** A small office for the TUI tests, and a store source the test controls. */
import type { StoreData } from '../../src/store/schema.js';
import type { DeskSource, DeskUpdate } from '../../src/tui/desk-source.js';
import { addExtension, addPhone, office } from './office.js';

/**
 * HD0001 (yealink-t54w, 27 keys): Bob (202) logged in.
 * HD0002 (snom-d717, 3 keys): Alice (201) with BLF 202, 203, 204, 299: two do not fit.
 * HD0003 (poly-vvx250): idle.
 */
export function deskOffice(): StoreData {
  return office(
    addExtension('201', 'Alice'),
    addExtension('202', 'Bob'),
    addExtension('203', 'Carol'),
    addExtension('204', 'Dan'),
    { kind: 'set-blf', extension: '201', targets: ['202', null, '203', '204', '299'] },
    addPhone('001565000001'),
    addPhone('001565000002', 'snom-d717'),
    addPhone('001565000003', 'poly-vvx250'),
    { kind: 'login', extension: '201', phone: 'HD0002', actor: 'user' },
    { kind: 'login', extension: '202', phone: 'HD0001', actor: 'user' },
  );
}

/** A `DeskSource` over a value: `push` plays the file watch firing. */
export interface FakeSource extends DeskSource {
  data: StoreData;
  loads: number;
  subscribers: number;
  push(update: DeskUpdate): void;
}

export function fakeSource(data: StoreData): FakeSource {
  const listeners = new Set<(update: DeskUpdate) => void>();
  const source: FakeSource = {
    data,
    loads: 0,
    get subscribers() {
      return listeners.size;
    },
    async load() {
      source.loads++;
      return source.data;
    },
    subscribe(onUpdate) {
      listeners.add(onUpdate);
      return () => listeners.delete(onUpdate);
    },
    push(update) {
      if (update.kind === 'data') source.data = update.data;
      for (const listener of listeners) listener(update);
    },
  };
  return source;
}

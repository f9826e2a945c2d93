/** Test office data built through the same pure changes the daemon applies. */
import { applyChange, type Change } from '../../src/store/changes.js';
import { createStore, type StoreData } from '../../src/store/schema.js';
import type { Catalogue } from '../../src/core/catalogue.js';

export const CATALOGUE: Catalogue = [
  { id: 'yealink-t54w', vendor: 'yealink', name: 'T54W', keys: 27 },
  { id: 'yealink-t53', vendor: 'yealink', name: 'T53', keys: 21 },
  { id: 'poly-vvx250', vendor: 'poly', name: 'VVX 250', keys: 4 },
  { id: 'snom-d717', vendor: 'snom', name: 'D717', keys: 3 },
];

export const NOW = '2026-11-22T08:00:00.000Z';

export function emptyOffice(): StoreData {
  return createStore({ address: '192.0.2.10', provisioningToken: 'tok-0123456789abcdef' });
}

/** Applies changes in order and fails loudly if one is refused. */
export function office(...changes: Change[]): StoreData {
  return changes.reduce((data, change) => {
    const outcome = applyChange(data, change, { now: NOW, catalogue: CATALOGUE });
    if (!outcome.ok) throw new Error(`${change.kind} refused: ${JSON.stringify(outcome.reason)}`);
    return outcome.value.data;
  }, emptyOffice());
}

export const addPhone = (mac: string, model = 'yealink-t54w'): Change => ({
  kind: 'add-phone',
  model,
  mac,
  connection: { mode: 'lan' },
  idlePassword: `idle-${mac}`,
});

export const addExtension = (number: string, name = `User ${number}`, hotdesk = true): Change => ({
  kind: 'add-extension',
  number,
  name,
  sipPassword: `secret-${number}`,
  pinHash: 'scrypt$16384$8$1$c2FsdA==$aGFzaA==',
  hotdesk,
  language: 'en',
});

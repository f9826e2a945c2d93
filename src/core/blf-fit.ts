/** Whether a BLF list can fit on some phone of the catalogue (each model has a fixed key count). */
import type { Catalogue } from './catalogue.js';

/**
 * `undefined` when `count` positions fit on the largest model, otherwise one line naming how many
 * fit on each model (the logout key takes one slot on every model, so `keys - 1` are for BLF).
 */
export function checkBlfFits(count: number, catalogue: Catalogue): string | undefined {
  if (catalogue.length === 0) return undefined;
  const room = catalogue.map((model) => ({ id: model.id, fits: Math.max(0, model.keys - 1) }));
  const largest = Math.max(...room.map((entry) => entry.fits));
  if (count <= largest) return undefined;
  const sizes = [...room]
    .sort((a, b) => b.fits - a.fits || a.id.localeCompare(b.id))
    .map((entry) => `${entry.id} ${entry.fits}`);
  return `${count} BLF positions fit on no phone (at most ${largest}; per model: ${sizes.join(', ')})`;
}

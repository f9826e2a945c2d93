/** The catalogue models matching what was typed in the wizard's model list. */
import type { Catalogue, PhoneModel } from '../core/catalogue.js';

const squash = (text: string): string => text.toLowerCase().replace(/[\s_-]+/g, '');

/**
 * Models whose id, vendor name or model name contains the typed text, ignoring
 * case, spaces, dashes and underscores (`t54`, `Yealink T54W`, `vvx450` all match).
 * Empty text keeps the whole catalogue, in catalogue order.
 */
export function filterModels(catalogue: Catalogue, typed: string): PhoneModel[] {
  const wanted = squash(typed);
  if (wanted === '') return [...catalogue];
  return catalogue.filter((model) =>
    [model.id, `${model.vendor}${model.name}`].some((text) => squash(text).includes(wanted)),
  );
}

/** The vendor spelling of a view, chosen by its vendor and kind: what templates loop over. */
import type { ConfigView } from './view-model.js';
import {
  spellYealinkCommon,
  spellYealinkPhone,
  type YealinkCommonSpelling,
  type YealinkPhoneSpelling,
} from './spell-yealink.js';
import { spellPoly, type PolySpelling } from './spell-poly.js';
import { spellSnom, type SnomSpelling } from './spell-snom.js';
import { spellGrandstream, type GrandstreamSpelling } from './spell-grandstream.js';
import { spellFanvil, type FanvilSpelling } from './spell-fanvil.js';

export type Spelling =
  | YealinkPhoneSpelling
  | YealinkCommonSpelling
  | PolySpelling
  | SnomSpelling
  | GrandstreamSpelling
  | FanvilSpelling
  | Record<string, never>;

export function spellView(view: ConfigView): Spelling {
  if (view.kind === 'common') return view.vendor === 'yealink' ? spellYealinkCommon(view) : {};
  switch (view.vendor) {
    case 'yealink':
      return spellYealinkPhone(view);
    case 'poly':
      return spellPoly(view);
    case 'snom':
      return spellSnom(view);
    case 'grandstream':
      return spellGrandstream(view);
    case 'fanvil':
      return spellFanvil(view);
  }
}

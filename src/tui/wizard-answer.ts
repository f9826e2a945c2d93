/** What the add-phone wizard hands back: the same fields as the add-phone flags. */
import type { ConnectionMode } from '../core/model.js';

export interface WizardAnswer {
  /** Catalogue model id, e.g. `yealink-t54w`. */
  model: string;
  /** The MAC as typed (already checked with `parseMac`). */
  mac: string;
  connection: ConnectionMode;
  /** HOST:PORT of the SBC; only with `connection: 'sbc'`. */
  sbc?: string;
}

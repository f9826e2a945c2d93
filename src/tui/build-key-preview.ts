/** What the dashboard's `k` view shows: the logged-in user's keys laid out on that phone's model. */
import { findModel, type Catalogue, type PhoneModel } from '../core/catalogue.js';
import type { KeyLayout } from '../core/key-layout.js';
import { findExtension, findPhone, keyLayoutFor } from '../store/queries.js';
import type { StoreData } from '../store/schema.js';

export type KeyPreview =
  | {
      ok: true;
      phone: string;
      /** The phone's model id, and the catalogue entry when the catalogue knows it. */
      modelId: string;
      model: PhoneModel | undefined;
      extension: string;
      /** Display name of the logged-in user (falls back to the extension). */
      user: string;
      layout: KeyLayout;
    }
  | { ok: false; problem: string };

export function buildKeyPreview(data: StoreData, catalogue: Catalogue, phoneName: string): KeyPreview {
  const phone = findPhone(data, phoneName);
  if (!phone) return { ok: false, problem: `${phoneName} is no longer in the pool` };
  if (!phone.session) return { ok: false, problem: `${phone.name} is idle now: nobody's keys to show` };
  const model = findModel(catalogue, phone.model);
  const extension = findExtension(data, phone.session.extension);
  return {
    ok: true,
    phone: phone.name,
    modelId: phone.model,
    model,
    extension: phone.session.extension,
    user: extension?.name ?? phone.session.extension,
    layout: keyLayoutFor(data, extension, model?.keys ?? 0),
  };
}

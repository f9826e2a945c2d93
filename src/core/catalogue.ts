/** The catalogue of eligible desk-phone models, and lookups over it. */

export const VENDORS = ['yealink', 'poly', 'snom', 'grandstream', 'fanvil'] as const;
export type Vendor = (typeof VENDORS)[number];

export interface PhoneModel {
  /** `<vendor>-<model>`, lowercase: `yealink-t54w`. */
  id: string;
  vendor: Vendor;
  /** The vendor's own spelling: `T54W`, `VVX 450`. */
  name: string;
  /** Programmable key slots the configuration can address (line/DSS/function keys). */
  keys: number;
  /** Yealink: the model's common file (`y000000000096.cfg`). */
  commonFile?: string;
  /** Grandstream: how many of the keys are virtual (VPK); the rest are multi-purpose keys. */
  vpk?: number;
  /**
   * Fanvil X-U/X210: how many of the keys are the line-key column (`<dssSide>`) and how many
   * function keys make one page of the rest (`<internal index="page">`). Left out: every key
   * on the first `<dssSide>` page.
   */
  fanvilPages?: { lineKeys: number; keysPerPage: number };
  /**
   * The vendor documents RFC 8760 SHA-256 digest for this model's firmware: its
   * accounts are challenged SHA-256 first, MD5 second. Set only with `digestSource`.
   */
  digestSha256?: boolean;
  /** Where the vendor documents it (document and section, or URL). */
  digestSource?: string;
}

/** Ids of the models whose vendor documents SHA-256 digest. */
export function sha256Models(catalogue: Catalogue): Set<string> {
  return new Set(catalogue.filter((model) => model.digestSha256 === true).map((model) => model.id));
}

export type Catalogue = readonly PhoneModel[];

export function findModel(catalogue: Catalogue, id: string): PhoneModel | undefined {
  const wanted = id.trim().toLowerCase();
  return catalogue.find((model) => model.id === wanted);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Up to `limit` model ids close to what was typed, closest first. */
export function suggestModels(catalogue: Catalogue, typed: string, limit = 5): string[] {
  const wanted = typed
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  if (wanted.length === 0) return [];
  const bare = wanted.replace(/^(yealink|poly|polycom|snom|grandstream|fanvil)-?/, '');
  return catalogue
    .map((model) => {
      const modelPart = model.id.slice(model.vendor.length + 1);
      const contains = bare.length > 0 && (model.id.includes(bare) || bare.includes(modelPart));
      const distance = Math.min(editDistance(wanted, model.id), editDistance(bare, modelPart));
      return { id: model.id, score: contains ? distance - 10 : distance };
    })
    .filter((candidate) => candidate.score <= Math.max(2, Math.floor(wanted.length / 3)))
    .sort((a, b) => a.score - b.score || a.id.localeCompare(b.id))
    .slice(0, limit)
    .map((candidate) => candidate.id);
}

/**
 * Fanvil spelling of the view (docs/phones.md §5): `<dsskey>` function keys as memory
 * keys (`<number>@<line>/f` speed dial, `<number>@<line>/ba` BLF) and the line settings
 * whose codes differ from the view. Key numbering per model family, as Wazo's wazo_fanvil
 * serie_x writes it: on X-U and X210 models (models.json `fanvilPages`) the first keys are
 * the line-key column `<dssSide index="1">` (Fkey index 1…lineKeys) and the rest are function
 * keys on `<internal index="page">` pages (Fkey index 1…keysPerPage on each page, with
 * `<FuncKeyPageNum>`); other models get every key on `<dssSide index="1">`, index = slot.
 */
import type { Language } from '../core/model.js';
import type { PhoneView } from './view-model.js';

/** `<DefaultLanguage>` on X-U models [field: Wazo Fanvil plugin]. */
const LANGUAGE: Readonly<Record<Language, string>> = { en: 'en', de: 'de', it: 'it' };
/** `<Fkey><Type>`: 0 none, 1 memory key. */
export const FANVIL_KEY_TYPE = { none: 0, memory: 1 } as const;
/** The SIP line the keys use (1-based as Wazo and FusionPBX write it; docs/phones.md §5.4 open point). */
const LINE = 1;

export interface FanvilFkey {
  index: number;
  type: number;
  value: string;
  title: string;
}

export interface FanvilSpelling {
  /** `<dssSide index>` pages: the line-key column (all keys on models without `fanvilPages`). */
  dssSides: { index: number; fkeys: FanvilFkey[] }[];
  /** `<internal index>` pages of function keys (X-U, X210); empty on other models. */
  internal: { index: number; fkeys: FanvilFkey[] }[];
  /** `<FuncKeyPageNum>`: how many `internal` pages; 0 writes none. */
  funcKeyPageNum: number;
  language: string;
  /** `<ap><FlashFileName>` relative to `<FlashServerIP>` (the provisioning origin); `$mac` is the phone's. */
  flashFileName: string;
  outboundProxy: { address: string; port: string };
  /** `<Transport>`: 0 UDP, 3 TLS (docs/phones.md §5.3). */
  transport: number;
  /** `<DTMFMode>`: 0 in-band, 1 RFC 2833, 2 SIP INFO [field: Wazo]. */
  dtmfMode: number;
  /** `<NATUDPUpdate>`: 2 as FusionPBX writes it for keep-alive, 0 off (meanings unconfirmed). */
  natUdpUpdate: 0 | 2;
}

export function spellFanvilKeys(keys: PhoneView['keys']): FanvilFkey[] {
  return keys.map((key): FanvilFkey => {
    const place = { index: key.slot };
    switch (key.kind) {
      case 'logout':
        return { ...place, type: FANVIL_KEY_TYPE.memory, value: `${key.number}@${LINE}/f`, title: key.label };
      case 'blf':
        return { ...place, type: FANVIL_KEY_TYPE.memory, value: `${key.number}@${LINE}/ba`, title: key.label };
      case 'unused':
        return { ...place, type: FANVIL_KEY_TYPE.none, value: '', title: '' };
    }
  });
}

/** Splits the keys into the line-key column and function-key pages (see the file comment). */
export function pageFanvilKeys(
  fkeys: FanvilFkey[],
  pages: { lineKeys: number; keysPerPage: number } | undefined,
): Pick<FanvilSpelling, 'dssSides' | 'internal' | 'funcKeyPageNum'> {
  if (!pages) return { dssSides: [{ index: 1, fkeys }], internal: [], funcKeyPageNum: 0 };
  const column = fkeys.slice(0, pages.lineKeys).map((key, at) => ({ ...key, index: at + 1 }));
  const internal: FanvilSpelling['internal'] = [];
  fkeys.slice(pages.lineKeys).forEach((key, at) => {
    const page = Math.floor(at / pages.keysPerPage) + 1;
    if (!internal[page - 1]) internal.push({ index: page, fkeys: [] });
    internal[page - 1]!.fkeys.push({ ...key, index: (at % pages.keysPerPage) + 1 });
  });
  return {
    dssSides: column.length > 0 ? [{ index: 1, fkeys: column }] : [],
    internal,
    funcKeyPageNum: internal.length,
  };
}

export function spellFanvil(view: PhoneView): FanvilSpelling {
  const proxy = view.server.outboundProxy;
  return {
    ...pageFanvilKeys(spellFanvilKeys(view.keys), view.model.fanvilPages),
    language: LANGUAGE[view.account.language],
    flashFileName: `${view.provisioning.path.replace(/^\//, '')}$mac.cfg`,
    outboundProxy: proxy ? { address: proxy.host, port: String(proxy.port) } : { address: '', port: '' },
    transport: view.server.transport === 'tls' ? 3 : 0,
    dtmfMode: view.dtmf.sipInfo && !view.dtmf.rfc2833 ? 2 : view.dtmf.rfc2833 ? 1 : 0,
    natUdpUpdate: view.server.natKeepAlive.enabled ? 2 : 0,
  };
}

/**
 * Grandstream spelling of the view (docs/phones.md §4), config version 2 alias names
 * throughout: virtual keys `pks.vpk.N.*` first, then multi-purpose keys `pks.mpk.N.*`
 * on models that have them (models.json `vpk`), register expiry in minutes.
 */
import type { Language } from '../core/model.js';
import type { PhoneView } from './view-model.js';

/** `language.gui` [field: Wazo Grandstream plugin]. */
const LANGUAGE: Readonly<Record<Language, string>> = { en: 'en', de: 'de', it: 'it' };

export interface GrandstreamKey {
  /** 1-based within its section. */
  n: number;
  section: 'vpk' | 'mpk';
  keyMode: 'SpeedDial' | 'BLF' | 'None';
  /**
   * Account reference, `Account1` for VPKs and MPKs alike: the alias Grandstream's own GRP261x
   * template (fw 1.0.5.15, as shipped in FusionPBX) writes, whose comment lists the options as
   * "0 - Account1, 1 - Account2…". (Wazo writes the bare 0-based number on VPKs.)
   */
  account: 'Account1';
  description: string;
  value: string;
}

export interface GrandstreamSpelling {
  keys: GrandstreamKey[];
  /** `account.1.sip.registerExpiration` is in minutes. */
  expiresMinutes: number;
  language: string;
  /** `account.1.sip.outboundProxy.1.address`: `host:port`, empty without one. */
  outboundProxy: string;
  /**
   * `account.1.sip.transport` (P130: 0 UDP, 1 TCP, 2 TLS/TCP, docs/phones.md §4.3). The alias options
   * are `UDP`, `TCP`, `TlsOrTcp` (Grandstream's GRP261x template comment); `TLS` is none of them.
   */
  transport: 'UDP' | 'TlsOrTcp';
  yesNo: { keepAlive: 'Yes' | 'No'; rfc2833: 'Yes' | 'No'; sipInfo: 'Yes' | 'No' };
}

export function spellGrandstreamKeys(keys: PhoneView['keys'], vpkCount: number): GrandstreamKey[] {
  return keys.map((key): GrandstreamKey => {
    const section = key.slot <= vpkCount ? 'vpk' : 'mpk';
    const n = section === 'vpk' ? key.slot : key.slot - vpkCount;
    const account = 'Account1' as const;
    switch (key.kind) {
      case 'logout':
        return { n, section, keyMode: 'SpeedDial', account, description: key.label, value: key.number };
      case 'blf':
        return { n, section, keyMode: 'BLF', account, description: key.label, value: key.number };
      case 'unused':
        return { n, section, keyMode: 'None', account, description: '', value: '' };
    }
  });
}

const yesNo = (value: boolean): 'Yes' | 'No' => (value ? 'Yes' : 'No');

export function spellGrandstream(view: PhoneView): GrandstreamSpelling {
  return {
    keys: spellGrandstreamKeys(view.keys, view.model.vpk ?? view.model.keys),
    expiresMinutes: Math.max(1, Math.ceil(view.server.expires / 60)),
    language: LANGUAGE[view.account.language],
    outboundProxy: view.server.outboundProxy?.text ?? '',
    transport: view.server.transport === 'tls' ? 'TlsOrTcp' : 'UDP',
    yesNo: {
      keepAlive: yesNo(view.server.natKeepAlive.enabled),
      rfc2833: yesNo(view.dtmf.rfc2833),
      sipInfo: yesNo(view.dtmf.sipInfo),
    },
  };
}

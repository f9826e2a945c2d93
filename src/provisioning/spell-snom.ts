/**
 * Snom spelling of the view (docs/phones.md §3): `<fkey idx context label>` values
 * (`speed <code>`, `blf <uri>`, `none`) and the phone's language name.
 */
import type { Language } from '../core/model.js';
import type { PhoneView } from './view-model.js';

/** `language` names [field: Wazo Snom plugin]. */
const LANGUAGE: Readonly<Record<Language, string>> = { en: 'English', de: 'Deutsch', it: 'Italiano' };

export interface SnomFkey {
  /** 0-based. */
  idx: number;
  context: 'active';
  label: string;
  value: string;
}

export interface SnomSpelling {
  fkeys: SnomFkey[];
  language: string;
  /** `user_host`: `host:port`, with `;transport=tls` over TLS. */
  userHost: string;
  /** `user_outbound`: `host:port;transport=udp`, empty without an outbound proxy. */
  outbound: string;
  /** `checksync_action`: `sync` reloads without reboot (docs/phones.md §3.6). */
  checksyncAction: 'sync' | 'reboot';
  /** `user_dtmf_info`: `off` = RFC 2833 only, `on` = RFC 2833 + SIP INFO, `sip_info_only`. */
  dtmfInfo: 'off' | 'on' | 'sip_info_only';
}

export function spellSnomKeys(keys: PhoneView['keys']): SnomFkey[] {
  return keys.map((key): SnomFkey => {
    const idx = key.slot - 1;
    switch (key.kind) {
      case 'logout':
        return { idx, context: 'active', label: key.label, value: `speed ${key.number}` };
      case 'blf':
        return { idx, context: 'active', label: key.label, value: `blf ${key.uri}` };
      case 'unused':
        return { idx, context: 'active', label: '', value: 'none' };
    }
  });
}

export function spellSnom(view: PhoneView): SnomSpelling {
  const proxy = view.server.outboundProxy;
  return {
    fkeys: spellSnomKeys(view.keys),
    language: LANGUAGE[view.account.language],
    userHost:
      view.server.transport === 'tls' ? `${view.server.registrar.text};transport=tls` : view.server.registrar.text,
    outbound: proxy ? `${proxy.text};transport=${view.server.transport}` : '',
    checksyncAction: view.reprovision.reboot ? 'reboot' : 'sync',
    dtmfInfo: view.dtmf.sipInfo ? (view.dtmf.rfc2833 ? 'on' : 'sip_info_only') : 'off',
  };
}

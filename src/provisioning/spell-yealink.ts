/**
 * Yealink spelling of the view (docs/phones.md §1): `linekey.N.*` fields, the emergency
 * dial plan of the common file, and the few values whose Yealink codes differ from
 * the view's words.
 */
import type { Language } from '../core/model.js';
import type { CommonView, PhoneView } from './view-model.js';

/** `linekey.N.type` codes (docs/phones.md §1.4). */
export const YEALINK_KEY_TYPE = { unused: 0, speedDial: 13, blf: 16 } as const;
/** The value Yealink reads as "blank this parameter" [field] (docs/phones.md §1.4). */
export const YEALINK_NULL = '%NULL%';
/** `lang.gui` / `lang.wui` names [field: Wazo Yealink plugin]. */
const LANGUAGE: Readonly<Record<Language, string>> = { en: 'English', de: 'German', it: 'Italian' };

export interface YealinkLineKey {
  n: number;
  type: number;
  value: string;
  label: string;
  /** Account the key uses, 1-based. */
  line: number;
}

export interface YealinkPhoneSpelling {
  linekeys: YealinkLineKey[];
  language: string;
  /** `account.1.nat.udp_update_enable`: 1 sends keep-alives (value meanings unconfirmed, docs/phones.md §1.3). */
  natUpdate: 0 | 1;
  /** `account.1.outbound_proxy_enable`. */
  outboundProxy: { enable: 0 | 1; address: string; port: string };
  /** `account.1.sip_server.1.transport_type`: 0 UDP, 2 TLS (docs/phones.md §1.3). */
  transportType: number;
  /** `account.1.dtmf.type`: 0 in-band, 1 RFC 2833, 2 SIP INFO, 3 both (docs/phones.md §1.5). */
  dtmfType: number;
  /** `account.1.nat.nat_traversal`: 0 off, 1 STUN. */
  natTraversal: 0 | 1;
}

export interface YealinkCommonSpelling {
  /** `dialplan.emergency.N.value`. */
  emergency: { n: number; value: string }[];
  /** `sip.notify_reboot_enable`: 0 reboots only on `check-sync;reboot=true`, 1 always (docs/phones.md §1.6). */
  notifyReboot: 0 | 1;
  /** `sip.trust_ctrl`. */
  trustCtrl: 0 | 1;
  /** `static.sip.nat_stun.enable`. */
  stun: 0 | 1;
}

export function spellYealinkKeys(keys: PhoneView['keys']): YealinkLineKey[] {
  return keys.map((key): YealinkLineKey => {
    switch (key.kind) {
      case 'logout':
        return { n: key.slot, type: YEALINK_KEY_TYPE.speedDial, value: key.number, label: key.label, line: 1 };
      case 'blf':
        return { n: key.slot, type: YEALINK_KEY_TYPE.blf, value: key.number, label: key.label, line: 1 };
      case 'unused':
        return { n: key.slot, type: YEALINK_KEY_TYPE.unused, value: YEALINK_NULL, label: YEALINK_NULL, line: 1 };
    }
  });
}

export function spellYealinkPhone(view: PhoneView): YealinkPhoneSpelling {
  const proxy = view.server.outboundProxy;
  return {
    linekeys: spellYealinkKeys(view.keys),
    language: LANGUAGE[view.account.language],
    natUpdate: view.server.natKeepAlive.enabled ? 1 : 0,
    transportType: view.server.transport === 'tls' ? 2 : 0,
    dtmfType: (view.dtmf.rfc2833 ? 1 : 0) + (view.dtmf.sipInfo ? 2 : 0),
    natTraversal: view.stun.enabled ? 1 : 0,
    outboundProxy: proxy
      ? { enable: 1, address: proxy.host, port: String(proxy.port) }
      : { enable: 0, address: YEALINK_NULL, port: YEALINK_NULL },
  };
}

export function spellYealinkCommon(view: CommonView): YealinkCommonSpelling {
  return {
    emergency: view.emergencyNumbers.map((value, index) => ({ n: index + 1, value })),
    notifyReboot: view.reprovision.reboot ? 1 : 0,
    trustCtrl: view.trustOnlyServer ? 1 : 0,
    stun: view.stun.enabled ? 1 : 0,
  };
}

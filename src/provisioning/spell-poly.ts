/**
 * Poly (VVX, UC Software) spelling of the view (docs/phones.md §2): flexible line keys,
 * the enhanced feature key that dials the logout code, and the BLF resource list.
 */
import type { Language } from '../core/model.js';
import { POLY_PHONE_SUFFIX } from './config-files.js';
import type { PhoneView } from './view-model.js';

/** `lcl.ml.lang` [field: Wazo Polycom plugin]. */
const LANGUAGE: Readonly<Record<Language, string>> = {
  en: 'English_United_States',
  de: 'German_Germany',
  it: 'Italian_Italy',
};

export interface PolyLineKey {
  n: number;
  category: 'EFK' | 'BLF' | 'Unassigned';
  /** EFK: the `efk.efklist` entry; BLF: 0 = next resource-list entry (docs/phones.md §2.4); unassigned: 0. */
  index: number;
}

export interface PolyEfk {
  n: number;
  name: string;
  label: string;
  /** Dials the code: `*77*5*$Tinvite$`. */
  action: string;
}

export interface PolyResource {
  n: number;
  /** Empty for entries left over from a longer list. */
  address: string;
  label: string;
  type: 'normal';
}

export interface PolySpelling {
  /** The master file's `CONFIG_FILES`. */
  configFiles: string;
  lineKeys: PolyLineKey[];
  efk: PolyEfk[];
  /** One entry per key slot, so a shorter list blanks what a longer one wrote. */
  resourceList: PolyResource[];
  language: string;
  /** `reg.1.server.1.transport` / `reg.1.outboundProxy.transport` (docs/phones.md §2.3). */
  transport: 'UDPOnly' | 'TLS';
  outboundProxy: { use: 0 | 1; address: string; port: string };
  /** `nat.keepalive.interval` in seconds, 0 = off. */
  keepAliveInterval: number;
  /** `tone.dtmf.rfc2833Control`, `voIpProt.SIP.dtmfViaSignaling.rfc2976`. */
  rfc2833: 0 | 1;
  sipInfo: 0 | 1;
  /** `voIpProt.SIP.specialEvent.checkSync.alwaysReboot`. */
  alwaysReboot: 0 | 1;
  /**
   * `voIpProt.SIP.requestValidation.N.*`: accept check-sync NOTIFYs only from the registration
   * servers' addresses (docs/phones.md §2.6). Not for phones behind an SBC, whose NOTIFYs come from
   * the SBC rather than the registrar; an empty list writes nothing (the phone's default: no check).
   */
  notifyValidation: { n: number; request: 'NOTIFY'; method: 'source'; event: 'check-sync' }[];
}

export function spellPolyKeys(keys: PhoneView['keys']): Pick<PolySpelling, 'lineKeys' | 'efk' | 'resourceList'> {
  const efk: PolyEfk[] = [];
  const blf: { address: string; label: string }[] = [];
  const lineKeys = keys.map((key): PolyLineKey => {
    switch (key.kind) {
      case 'logout':
        efk.push({ n: efk.length + 1, name: 'logout', label: key.label, action: `${key.number}$Tinvite$` });
        return { n: key.slot, category: 'EFK', index: efk.length };
      case 'blf':
        blf.push({ address: key.number, label: key.label });
        return { n: key.slot, category: 'BLF', index: 0 };
      case 'unused':
        return { n: key.slot, category: 'Unassigned', index: 0 };
    }
  });
  const resourceList = keys.map((_, index): PolyResource => ({
    n: index + 1,
    address: blf[index]?.address ?? '',
    label: blf[index]?.label ?? '',
    type: 'normal',
  }));
  return { lineKeys, efk, resourceList };
}

export function spellPoly(view: PhoneView): PolySpelling {
  const proxy = view.server.outboundProxy;
  return {
    configFiles: `${view.phone.mac}${POLY_PHONE_SUFFIX}`,
    ...spellPolyKeys(view.keys),
    language: LANGUAGE[view.account.language],
    transport: view.server.transport === 'tls' ? 'TLS' : 'UDPOnly',
    outboundProxy: proxy
      ? { use: 1, address: proxy.host, port: String(proxy.port) }
      : { use: 0, address: '', port: '' },
    keepAliveInterval: view.server.natKeepAlive.enabled ? view.server.natKeepAlive.interval : 0,
    rfc2833: view.dtmf.rfc2833 ? 1 : 0,
    sipInfo: view.dtmf.sipInfo ? 1 : 0,
    alwaysReboot: view.reprovision.reboot ? 1 : 0,
    notifyValidation:
      view.trustOnlyServer && !proxy ? [{ n: 1, request: 'NOTIFY', method: 'source', event: 'check-sync' }] : [],
  };
}

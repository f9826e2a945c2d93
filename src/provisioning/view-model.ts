/**
 * The vendor-neutral view of a phone's configuration: what account it registers,
 * where, with which keys and policies. Templates only spell it (ARCHITECTURE.md,
 * "Templates stay dumb"); vendor spelling of the keys is in spell-<vendor>.ts.
 *
 * Human text (display names, key labels) is cleaned here for every vendor: control
 * characters and line breaks become spaces, invisible format characters (bidi
 * overrides, zero-width) go, runs of white space shrink to one, and the text is cut
 * to 64 characters. Format escaping (XML entities; no line breaks in
 * Yealink key=value lines) is render.ts's job and applies to every value.
 */
import type { ConnectionMode, Extension, Language, Phone, Settings } from '../core/model.js';
import type { Vendor } from '../core/catalogue.js';
import type { KeyLayout } from '../core/key-layout.js';
import type { ProvisioningModel } from './config-files.js';

/** Registration expiry (s): short for NATed phones so their binding and pinhole stay fresh. */
export const REGISTRATION_EXPIRES: Readonly<Record<ConnectionMode, number>> = { lan: 600, sbc: 600, direct: 120 };
/** NAT keep-alive interval (s) for phones that reach hotdeskd directly over NAT. */
export const NAT_KEEPALIVE_SECONDS = 30;
/** RFC 4733 telephone-event payload type written into every phone (docs/phones.md §9.1). */
export const DTMF_PAYLOAD_TYPE = 101;
const MAX_TEXT = 64;

export interface HostPort {
  host: string;
  port: number;
  /** `host:port`, an IPv6 host in brackets. */
  text: string;
}

/** One programmable key slot, 1-based, in the order the phone shows them. */
export type ViewKey =
  | { slot: number; kind: 'logout'; label: string; number: string }
  | { slot: number; kind: 'blf'; label: string; number: string; uri: string }
  | { slot: number; kind: 'unused' };

/** Office-wide policies every file carries the same way. */
export interface PolicyView {
  /** No STUN: phones reach hotdeskd on the LAN, through an SBC, or by keep-alive over NAT. */
  stun: { enabled: boolean };
  /** RFC 2833/4733 telephone-events, no SIP INFO. */
  dtmf: { rfc2833: boolean; payloadType: number; sipInfo: boolean };
  /** A `check-sync` NOTIFY makes the phone fetch its files again without rebooting. */
  reprovision: { event: 'check-sync'; reboot: boolean };
  /** Accept SIP only from the registrar / outbound proxy, where the vendor has such a switch. */
  trustOnlyServer: boolean;
  /**
   * The office's emergency numbers (all an idle phone may dial). Shipped templates write
   * them only where the vendor has an emergency list that restricts nothing else: Yealink
   * `dialplan.emergency.N.value` (common file; works even unregistered). Restrictive
   * digit maps (Poly `dialplan.digitmap`, Grandstream dial plan, Snom `<dialplan>`) are
   * not written: a wrong one would also block the login code, and hotdeskd already
   * refuses an idle phone's other calls (reason `idle-phone-restricted`).
   */
  emergencyNumbers: string[];
}

export interface CommonView extends PolicyView {
  kind: 'common';
  vendor: Vendor;
  /** The model, when the request told it (per-model common file). */
  model: ProvisioningModel | undefined;
}

export interface PhoneView extends PolicyView {
  kind: 'phone';
  vendor: Vendor;
  model: ProvisioningModel;
  /** The configuration generation this file carries (for the phone's own bookkeeping and logs). */
  generation: number;
  phone: { name: string; mac: string; connection: ConnectionMode };
  state: 'idle' | 'logged-in';
  account: {
    /** AOR user part: the phone's own `HD0001` when idle, the extension when logged in. */
    user: string;
    authName: string;
    password: string;
    displayName: string;
    /** Text on the phone's idle screen / line label. */
    label: string;
    language: Language;
  };
  server: {
    /** Where REGISTER goes; its host is also the account's domain. */
    registrar: HostPort;
    /** Set for phones behind an SBC. */
    outboundProxy: HostPort | null;
    /** `tls` when hotdeskd serves SIP over TLS (then `registrar.port` is the TLS port), except behind an SBC. */
    transport: 'udp' | 'tls';
    /** Seconds. */
    expires: number;
    natKeepAlive: { enabled: boolean; interval: number };
  };
  /** The phone's own auto-provisioning setting: `url` = `origin` + `path` (https when hotdeskd serves TLS). */
  provisioning: { url: string; origin: string; path: string };
  /** Exactly `model.keys` slots: Logout first, then BLF keys, then every other slot unused. */
  keys: ViewKey[];
  /** BLF keys that did not fit the model (for logs and status, never written to the phone). */
  overflow: { number: string; label: string }[];
}

export type ConfigView = CommonView | PhoneView;

export interface BuildPhoneViewInput {
  phone: Phone;
  model: ProvisioningModel;
  settings: Settings;
  /** The logged-in extension, or `undefined` for an idle phone. */
  extension: Extension | undefined;
  layout: KeyLayout;
  generation: number;
  /** The public address direct phones use (hotdeskd --public-address); default `settings.address`. */
  publicAddress?: string;
  /**
   * hotdeskd serves SIP over TLS and HTTPS provisioning on these ports: the phone registers
   * over TLS (lan and direct phones; a phone behind an SBC keeps the SBC's transport) and
   * fetches its files over HTTPS. Left out: UDP and HTTP, as before.
   */
  tls?: { sipPort: number; httpsPort: number };
}

export interface BuildCommonViewInput {
  vendor: Vendor;
  model: ProvisioningModel | undefined;
  settings: Settings;
}

/** One line of human text: no control characters, single spaces, at most 64 characters. */
export function cleanText(text: string): string {
  const single = text
    .replace(/[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g, '')
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return Array.from(single).slice(0, MAX_TEXT).join('').trim();
}

function hostPort(host: string, port: number): HostPort {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return { host: bare, port, text: `${bare.includes(':') ? `[${bare}]` : bare}:${port}` };
}

/** `sbc.example.net:5060` / `[2001:db8::1]:5061`, checked when stored (core/sbc-address); port 5060 if missing. */
function parseSbc(text: string): HostPort {
  const value = text.trim();
  const match = /^\[([0-9A-Fa-f:.]+)\]:(\d{1,5})$/.exec(value) ?? /^([^:[\]]+):(\d{1,5})$/.exec(value);
  return match ? hostPort(match[1]!, Number(match[2])) : hostPort(value, 5060);
}

function policies(settings: Settings): PolicyView {
  return {
    stun: { enabled: false },
    dtmf: { rfc2833: true, payloadType: DTMF_PAYLOAD_TYPE, sipInfo: false },
    reprovision: { event: 'check-sync', reboot: false },
    trustOnlyServer: true,
    emergencyNumbers: [...settings.emergencyNumbers],
  };
}

export function buildCommonView(input: BuildCommonViewInput): CommonView {
  return { kind: 'common', vendor: input.vendor, model: input.model, ...policies(input.settings) };
}

/**
 * lan: straight to `settings.address`. sbc: the SIP domain, every request through the
 * SBC as outbound proxy. direct: the public address, with NAT keep-alive and a short expiry.
 */
function server(input: BuildPhoneViewInput): PhoneView['server'] {
  const { phone, settings } = input;
  const connection = phone.connection;
  const common = { transport: 'udp' as const, expires: REGISTRATION_EXPIRES[connection.mode] };
  const secure = input.tls ? { transport: 'tls' as const, expires: REGISTRATION_EXPIRES[connection.mode] } : common;
  const sipPort = input.tls?.sipPort ?? settings.sipPort;
  switch (connection.mode) {
    case 'lan':
      return {
        ...secure,
        registrar: hostPort(settings.address, sipPort),
        outboundProxy: null,
        natKeepAlive: { enabled: false, interval: NAT_KEEPALIVE_SECONDS },
      };
    case 'sbc':
      return {
        ...common,
        registrar: hostPort(settings.sipDomain, settings.sipPort),
        outboundProxy: parseSbc(connection.sbc),
        natKeepAlive: { enabled: false, interval: NAT_KEEPALIVE_SECONDS },
      };
    case 'direct':
      return {
        ...secure,
        registrar: hostPort(input.publicAddress ?? settings.address, sipPort),
        outboundProxy: null,
        natKeepAlive: { enabled: true, interval: NAT_KEEPALIVE_SECONDS },
      };
  }
}

/** Same URL as store/queries `provisioningUrl`, but on the address this phone uses. */
function provisioning(input: BuildPhoneViewInput): PhoneView['provisioning'] {
  const { settings } = input;
  const address =
    input.phone.connection.mode === 'direct' ? (input.publicAddress ?? settings.address) : settings.address;
  const host = address.includes(':') ? `[${address}]` : address;
  const origin = input.tls ? `https://${host}:${input.tls.httpsPort}` : `http://${host}:${settings.httpPort}`;
  const path = `/provisioning/${settings.provisioningToken}/`;
  return { url: `${origin}${path}`, origin, path };
}

function keys(input: BuildPhoneViewInput, registrar: HostPort): Pick<PhoneView, 'keys' | 'overflow'> {
  const slots = Math.max(0, input.model.keys);
  const domain = registrar.host.includes(':') ? `[${registrar.host}]` : registrar.host;
  const written = input.layout.keys.slice(0, slots).map((key, index): ViewKey => {
    const slot = index + 1;
    if (key.kind === 'logout')
      return { slot, kind: 'logout', label: cleanText(key.label) || 'Logout', number: key.code };
    return {
      slot,
      kind: 'blf',
      label: cleanText(key.label) || key.target,
      number: key.target,
      uri: `sip:${key.target}@${domain}`,
    };
  });
  const unused = Array.from({ length: slots - written.length }, (_, index): ViewKey => ({
    slot: written.length + index + 1,
    kind: 'unused',
  }));
  // Keys beyond the model's slots (a layout built for another count) overflow like the layout's own.
  const overflow = [...input.layout.keys.slice(slots), ...input.layout.overflow].flatMap((key) =>
    key.kind === 'blf' ? [{ number: key.target, label: cleanText(key.label) || key.target }] : [],
  );
  return { keys: [...written, ...unused], overflow };
}

export function buildPhoneView(input: BuildPhoneViewInput): PhoneView {
  const { phone, settings, extension } = input;
  // Idle: the phone's own account, named after the phone. Logged in: the extension's.
  const user = extension?.number ?? phone.name;
  const name = extension ? cleanText(extension.name) || extension.number : phone.name;
  const account: PhoneView['account'] = {
    user,
    authName: user,
    password: extension?.sipPassword ?? phone.idlePassword,
    displayName: name,
    label: name,
    language: extension?.language ?? settings.defaultLanguage,
  };
  const serverView = server(input);
  return {
    kind: 'phone',
    vendor: input.model.vendor,
    model: input.model,
    generation: input.generation,
    phone: { name: phone.name, mac: phone.mac, connection: phone.connection.mode },
    state: extension ? 'logged-in' : 'idle',
    account,
    server: serverView,
    provisioning: provisioning(input),
    ...keys(input, serverView.registrar),
    ...policies(settings),
  };
}

/**
 * Desk-phone simulators, one profile per vendor, built from what the vendors'
 * admin guides and field-proven provisioning code say a phone does at boot
 * (docs/phones.md §0 and the vendor sections), not from hotdeskd's templates:
 *
 * - it requests the files its vendor requests, in the vendor's order, with
 *   the vendor's User-Agent, and follows what the files say (Poly's
 *   CONFIG_FILES, Snom's <setting-files>, Grandstream's fallbacks);
 * - it reads the account and the keys in the vendor's own syntax (Yealink
 *   `key = value` with its mandatory first line; Poly attributes; Snom
 *   `<settings>`; Grandstream P-values or config-v2 aliases; Fanvil `<sysConf>`)
 *   and refuses a file its phone would refuse;
 * - it registers over real UDP with the credentials and registrar it read;
 * - it acts on a NOTIFY only when the Event is one its vendor acts on, and then
 *   fetches its files again.
 *
 * It is a model of documented behaviour. A file it accepts may still be refused
 * by a real phone's firmware.
 */
import http from 'node:http';
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import sipCodec from 'sip';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Vendor } from '../../src/core/catalogue.js';
import { buildResponse, type SipMessage, type SipRequest, type SipResponse } from '../../src/sip/message.js';
import { PNP_MULTICAST_GROUP } from '../../src/sip/pnp.js';
import { startTestPhone, type TestPhone } from './test-phone.js';

/** A programmable key as the phone would show it. */
export type SimKey =
  | { kind: 'speed-dial'; number: string; label: string }
  | { kind: 'blf'; number: string; label: string }
  | { kind: 'none' };

/** What the phone read from its files, in vendor-neutral words. */
export interface SimConfig {
  user: string;
  authName: string;
  password: string;
  displayName: string;
  registrar: { host: string; port: number };
  /** The SIP transport the files ask for, in the vendor's own encoding decoded. */
  transport: 'udp' | 'tcp' | 'tls' | 'other';
  /** The DTMF mode: RFC 2833/4733 telephone-events only, or something else. */
  dtmf: 'rfc2833' | 'other';
  /** Every key slot written, in the phone's order. */
  keys: SimKey[];
}

export interface Fetch {
  file: string;
  status: number;
  userAgent: string;
}

type Get = (file: string, userAgent: string) => Promise<{ status: number; body: string }>;

export interface VendorProfile {
  vendor: Vendor;
  /** Catalogue id of the simulated model. */
  model: string;
  /** 12 lowercase hex digits. */
  mac: string;
  /** Where the behaviour comes from (for test names and docs). */
  source: string;
  /**
   * One provisioning round: requests the files in the vendor's order and reads them.
   * `fresh` is the first boot (Poly's updater asks before the application does).
   */
  provision(get: Get, fresh: boolean): Promise<SimConfig>;
  /** Whether a NOTIFY with this Event makes this vendor's phone fetch its files again. */
  actsOn(event: string): boolean;
  /** The files a provisioning round is expected to request, in order (the documented sequence). */
  expectedFiles(fresh: boolean): string[];
  /**
   * Plug-and-play of a factory-fresh phone, for vendors whose form of the `ua-profile` SUBSCRIBE is
   * documented: the user part naming the MAC and the Event header it sends.
   */
  pnp?: { user: string; event: string };
}

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: false,
  isArray: (name) => ['fkey', 'item', 'Fkey', 'dssSide', 'internal', 'line', 'file'].includes(name),
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Node = any;

function readXml(text: string, what: string): Node {
  const verdict = XMLValidator.validate(text);
  if (verdict !== true) throw new Error(`${what}: not well-formed XML (${verdict.err.msg}, line ${verdict.err.line})`);
  return xml.parse(text);
}

const textOf = (node: Node): string =>
  node === undefined || node === null ? '' : typeof node === 'object' ? String(node['#text'] ?? '') : String(node);

function hostPort(text: string, defaultPort = 5060): { host: string; port: number } {
  const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? /^([^:]+)(?::(\d+))?$/.exec(text);
  if (!match) throw new Error(`not a host[:port]: ${JSON.stringify(text)}`);
  return { host: match[1]!, port: match[2] ? Number(match[2]) : defaultPort };
}

function need(file: { status: number; body: string }, name: string): string {
  if (file.status !== 200) throw new Error(`${name}: HTTP ${file.status}, the phone has no configuration`);
  return file.body;
}

const macWithColons = (mac: string) => mac.match(/../g)!.join(':');

/**
 * Yealink T4x/T5x: boot file (optional) → model common file `y0000000000NN.cfg` → `<mac>.cfg`;
 * `key = value` lines after the mandatory first line `#!version:1.0.0.1`, later files override
 * earlier ones; `linekey.N.type` 13 speed dial, 16 BLF, 0 none; acts on `check-sync`.
 * Sources: Yealink SIP-T2/T4/T5 admin guides (files, header, order, DTMF keys); Wazo `wazo_yealink`
 * v86, FusionPBX `yealink/*` (User-Agent, key type codes, common file per model).
 */
export function yealinkProfile(options: {
  model: string;
  name: string;
  commonFile: string;
  firmware: string;
  mac: string;
}): VendorProfile {
  const userAgent = `Yealink SIP-${options.name} ${options.firmware} ${macWithColons(options.mac)}`;
  const files = ['y000000000000.boot', options.commonFile, `${options.mac}.cfg`];
  const readKeyValue = (text: string, name: string, into: Map<string, string>) => {
    const lines = text.split(/\r?\n/);
    if (lines[0] !== '#!version:1.0.0.1')
      throw new Error(`${name}: first line is not #!version:1.0.0.1; the phone ignores the file`);
    for (const line of lines.slice(1)) {
      if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
      const at = line.indexOf('=');
      if (at < 0) throw new Error(`${name}: not key = value: ${JSON.stringify(line)}`);
      const value = line.slice(at + 1).trim();
      into.set(line.slice(0, at).trim(), value === '%NULL%' ? '' : value);
    }
  };
  return {
    vendor: 'yealink',
    model: options.model,
    mac: options.mac,
    source: 'Yealink admin guides; Wazo wazo_yealink v86; FusionPBX yealink templates',
    expectedFiles: () => files,
    pnp: {
      user: `MAC%3a${options.mac.toUpperCase()}`,
      event: `ua-profile;profile-type="device";vendor="Yealink";model="${options.name}";version="${options.firmware}"`,
    },
    async provision(get) {
      const values = new Map<string, string>();
      // The boot file is optional: without one the phone goes on with the common and MAC files.
      const boot = await get(files[0]!, userAgent);
      if (boot.status === 200)
        throw new Error('hotdeskd serves no boot file; a boot file would change which files follow');
      readKeyValue(need(await get(files[1]!, userAgent), files[1]!), files[1]!, values);
      readKeyValue(need(await get(files[2]!, userAgent), files[2]!), files[2]!, values);
      const v = (key: string) => values.get(key) ?? '';
      const slots = [...values.keys()]
        .flatMap((key) => (/^linekey\.(\d+)\.type$/.exec(key) ? [Number(key.split('.')[1])] : []))
        .sort((a, b) => a - b);
      const transportCode = v('account.1.sip_server.1.transport_type');
      return {
        user: v('account.1.user_name'),
        authName: v('account.1.auth_name'),
        password: v('account.1.password'),
        displayName: v('account.1.display_name'),
        registrar: {
          host: v('account.1.sip_server.1.address'),
          port: Number(v('account.1.sip_server.1.port') || 5060),
        },
        transport:
          ({ '0': 'udp', '1': 'tcp', '2': 'tls' } as Record<string, SimConfig['transport']>)[transportCode] ?? 'other',
        dtmf: v('account.1.dtmf.type') === '1' ? 'rfc2833' : 'other',
        keys: slots.map((n): SimKey => {
          const type = v(`linekey.${n}.type`);
          const number = v(`linekey.${n}.value`);
          const label = v(`linekey.${n}.label`);
          if (v(`linekey.${n}.line`) !== '1' && type !== '0') throw new Error(`linekey.${n}.line is not account 1`);
          if (type === '13') return { kind: 'speed-dial', number, label };
          if (type === '16') return { kind: 'blf', number, label };
          if (type === '0') return { kind: 'none' };
          throw new Error(`linekey.${n}.type ${type} is none this simulator knows`);
        }),
      };
    },
    actsOn: (event) => /^check-sync\b/i.test(event.trim()),
  };
}

/**
 * Poly VVX (UC Software 4+): the updater asks for `<mac>.cfg` (the per-phone master; without it
 * `000000000000.cfg`), then the application asks for it again and loads the files its
 * `CONFIG_FILES` lists, left to right, the first file listed winning; then it tries its overrides
 * (`<mac>-phone.cfg`, `<mac>-web.cfg`) and directories (`<mac>-directory.xml`, else
 * `000000000000-directory.xml`), all optional. Settings are XML attributes; keys are flexible
 * line keys (`lineKey.N.category` EFK / BLF / Unassigned), an EFK's action dials its digits, BLF
 * keys take the next `attendant.resourceList` entry. Acts on `check-sync`.
 * Sources: Polycom UC Software admin guide (master file, fallback, CONFIG_FILES); Poly community FAQ
 * "What files does my phone download or upload" (overrides, directories, licences); Wazo
 * `wazo_polycom` (User-Agent, keys).
 */
export function polyProfile(options: { model: string; name: string; firmware: string; mac: string }): VendorProfile {
  const agent = (type: 'Updater' | 'Application') =>
    `FileTransport PolycomVVX-${options.name}-UA/${options.firmware} Type/${type}`;
  const { mac } = options;
  const optional = [`${mac}-phone.cfg`, `${mac}-web.cfg`, `${mac}-directory.xml`, '000000000000-directory.xml'];
  let configFiles: string[] = [];
  return {
    vendor: 'poly',
    model: options.model,
    mac,
    source: 'Polycom UC Software admin guide; Poly community file FAQ; Wazo wazo_polycom',
    expectedFiles: (fresh) => [...(fresh ? [`${mac}.cfg`] : []), `${mac}.cfg`, ...configFiles, ...optional],
    async provision(get, fresh) {
      const master = async (userAgent: string): Promise<string[]> => {
        let file = await get(`${mac}.cfg`, userAgent);
        if (file.status !== 200) file = await get('000000000000.cfg', userAgent);
        const document = readXml(need(file, 'master file'), 'master file');
        const list = String(document.APPLICATION?.['@CONFIG_FILES'] ?? '');
        return list
          .split(',')
          .map((name) => name.trim().replace(/\[PHONE_MAC_ADDRESS\]/g, mac))
          .filter(Boolean);
      };
      if (fresh) await master(agent('Updater'));
      configFiles = await master(agent('Application'));
      const attributes = new Map<string, string>();
      for (const name of configFiles) {
        const document = readXml(need(await get(name, agent('Application')), name), name);
        const collect = (node: Node) => {
          if (!node || typeof node !== 'object') return;
          for (const [key, value] of Object.entries(node)) {
            // The first file listed wins: a later file never overrides a parameter already set.
            if (key.startsWith('@')) {
              if (!attributes.has(key.slice(1))) attributes.set(key.slice(1), String(value));
            } else collect(value);
          }
        };
        collect(document);
      }
      for (const name of optional) {
        const file = await get(name, agent('Application'));
        if (file.status === 200 && /-(phone|web)\.cfg$/.test(name))
          throw new Error(`${name}: an override file would bring back local settings`);
      }
      const a = (key: string) => attributes.get(key) ?? '';
      const resources: { number: string; label: string }[] = [];
      for (let n = 1; attributes.has(`attendant.resourceList.${n}.address`); n++) {
        if (a(`attendant.resourceList.${n}.address`))
          resources.push({
            number: a(`attendant.resourceList.${n}.address`),
            label: a(`attendant.resourceList.${n}.label`),
          });
      }
      const slots = [...attributes.keys()]
        .flatMap((key) => (/^lineKey\.(\d+)\.category$/.exec(key) ? [Number(key.split('.')[1])] : []))
        .sort((x, y) => x - y);
      if (slots.length > 0 && a('lineKey.reassignment.enabled') !== '1')
        throw new Error('lineKey.N.category without lineKey.reassignment.enabled=1 is ignored');
      const transport = a('reg.1.server.1.transport');
      return {
        user: a('reg.1.address'),
        authName: a('reg.1.auth.userId'),
        password: a('reg.1.auth.password'),
        displayName: a('reg.1.displayName'),
        registrar: { host: a('reg.1.server.1.address'), port: Number(a('reg.1.server.1.port') || 5060) },
        transport:
          transport === 'UDPOnly' ? 'udp' : transport === 'TCPOnly' ? 'tcp' : transport === 'TLS' ? 'tls' : 'other',
        dtmf:
          a('tone.dtmf.rfc2833Control') === '1' && a('voIpProt.SIP.dtmfViaSignaling.rfc2976') !== '1'
            ? 'rfc2833'
            : 'other',
        keys: slots.map((n): SimKey => {
          const category = a(`lineKey.${n}.category`);
          if (category === 'EFK') {
            if (a('feature.enhancedFeatureKeys.enabled') !== '1')
              throw new Error('an EFK line key with enhanced feature keys off');
            const index = a(`lineKey.${n}.index`);
            const action = a(`efk.efklist.${index}.action.string`);
            if (!action.endsWith('$Tinvite$')) throw new Error(`EFK ${index} does not place a call: ${action}`);
            return {
              kind: 'speed-dial',
              number: action.slice(0, -'$Tinvite$'.length),
              label: a(`efk.efklist.${index}.label`),
            };
          }
          if (category === 'BLF') {
            const next = resources.shift();
            return next ? { kind: 'blf', ...next } : { kind: 'none' };
          }
          if (category === 'Unassigned') return { kind: 'none' };
          throw new Error(`lineKey.${n}.category ${category} is none this simulator knows`);
        }),
      };
    },
    actsOn: (event) => /^check-sync\b/i.test(event.trim()),
  };
}

/**
 * Snom D7xx (firmware 8.7+): asks the setting server for `snom<Model>.htm`, then
 * `snom<Model>-<MAC>.htm` (MAC in capitals); a file is either `<settings>` or a `<setting-files>`
 * list of further files; `<phone-settings>` keys with `idx`, `<functionKeys><fkey idx>` 0-based
 * with `<type> <argument>` values. Acts on `check-sync` (`reboot=false` reloads without a reboot).
 * Sources: Snom wiki Auto Provisioning, Desk Phone Configuration Files, Function Key Types,
 * checksync_action; Wazo `wazo_snom` (User-Agent).
 */
export function snomProfile(options: { model: string; name: string; firmware: string; mac: string }): VendorProfile {
  const MAC = options.mac.toUpperCase();
  const userAgent =
    `Mozilla/4.0 (compatible; snom${options.name}-SIP ${options.firmware} ` +
    `2010.12-00004-g9ba52f5 ${MAC} SXM:0 UXM:0)`;
  const files = [`snom${options.name}.htm`, `snom${options.name}-${MAC}.htm`];
  return {
    vendor: 'snom',
    model: options.model,
    mac: options.mac,
    source: 'Snom wiki (Auto Provisioning, Function Key Types, checksync_action); Wazo wazo_snom',
    expectedFiles: () => files,
    pnp: {
      user: `MAC%3a${MAC}`,
      event: `ua-profile;profile-type="device";vendor="snom";model="snom${options.name}";version="${options.firmware}"`,
    },
    async provision(get) {
      const settings = new Map<string, string>();
      const fkeys = new Map<number, { value: string; label: string }>();
      const apply = async (name: string, required: boolean) => {
        const file = await get(name, userAgent);
        if (file.status !== 200) {
          if (required) throw new Error(`${name}: HTTP ${file.status}`);
          return;
        }
        const document = readXml(file.body, name);
        if (document['setting-files']) {
          for (const entry of document['setting-files'].file ?? [])
            await apply(String(entry['@url']).split('/').pop()!, true);
          return;
        }
        for (const [key, value] of Object.entries(document.settings?.['phone-settings'] ?? {})) {
          for (const node of Array.isArray(value) ? value : [value]) {
            const idx = typeof node === 'object' && node !== null ? node['@idx'] : undefined;
            settings.set(idx === undefined ? key : `${key}#${idx}`, textOf(node));
          }
        }
        for (const fkey of document.settings?.functionKeys?.fkey ?? []) {
          fkeys.set(Number(fkey['@idx']), { value: textOf(fkey), label: String(fkey['@label'] ?? '') });
        }
      };
      await apply(files[0]!, false);
      await apply(files[1]!, true);
      const s = (key: string) => settings.get(`${key}#1`) ?? settings.get(key) ?? '';
      const [host, ...params] = s('user_host').split(';');
      const transport = params.find((param) => param.startsWith('transport='))?.slice('transport='.length) ?? 'udp';
      return {
        user: s('user_name'),
        authName: s('user_pname') || s('user_name'),
        password: s('user_pass'),
        displayName: s('user_realname'),
        registrar: hostPort(host!),
        transport: transport === 'udp' || transport === 'tcp' || transport === 'tls' ? transport : 'other',
        dtmf: s('user_dtmf_info') === 'off' ? 'rfc2833' : 'other',
        keys: [...fkeys.keys()]
          .sort((a, b) => a - b)
          .map((idx): SimKey => {
            const { value, label } = fkeys.get(idx)!;
            const [type, ...rest] = value.split(' ');
            const argument = rest.join(' ');
            if (type === 'speed') return { kind: 'speed-dial', number: argument, label };
            if (type === 'blf')
              return { kind: 'blf', number: /^<?sip:([^@>]+)@/.exec(argument)?.[1] ?? argument.split('|')[0]!, label };
            if (type === 'none' || type === '') return { kind: 'none' };
            throw new Error(`fkey ${idx}: type ${type} is none this simulator knows`);
          }),
      };
    },
    actsOn: (event) => /^check-sync\b/i.test(event.trim()),
  };
}

/** Grandstream P-values of account 1 and their config-v2 aliases (Grandstream's template comments). */
const GRANDSTREAM_ACCOUNT: Readonly<Record<string, string>> = {
  P47: 'account.1.sip.server.1.address',
  P35: 'account.1.sip.userid',
  P36: 'account.1.sip.subscriber.userid',
  P34: 'account.1.sip.subscriber.password',
  P3: 'account.1.sip.subscriber.name',
  P130: 'account.1.sip.transport',
  P2302: 'account.1.dtmf.sendInRtp',
  P2303: 'account.1.dtmf.sendInSip',
};

/**
 * Grandstream GXP21xx/GRP26xx: `cfg<mac>` (legacy binary), `cfg<mac>.xml`, `cfg<model>.xml`, and
 * `cfg.xml` only when neither XML file came; `<gs_provision>` whose `<mac>` is the phone's or
 * absent, `<config version="1">` P-values or `version="2"` aliases (the simulator reads both);
 * keys `pks.vpk.N.*` then `pks.mpk.N.*`, keyMode SpeedDial / BLF / None. Acts on `check-sync`,
 * `resync` (and `reboot`).
 * Sources: Grandstream SIP device provisioning guide and user manuals (file order, MAC header,
 * NOTIFY events); Grandstream's GRP261x / GXP21xx templates as shipped in FusionPBX (aliases,
 * P-values); Wazo `wazo_grandstream` (User-Agent).
 */
export function grandstreamProfile(options: {
  model: string;
  name: string;
  firmware: string;
  mac: string;
}): VendorProfile {
  const userAgent = `Grandstream Model HW ${options.name} SW ${options.firmware} DevId ${options.mac}`;
  const model = options.name.toLowerCase();
  return {
    vendor: 'grandstream',
    model: options.model,
    mac: options.mac,
    source: 'Grandstream provisioning guide and manuals; Grandstream templates in FusionPBX; Wazo wazo_grandstream',
    expectedFiles: () => [`cfg${options.mac}`, `cfg${options.mac}.xml`, `cfg${model}.xml`],
    async provision(get) {
      const binary = await get(`cfg${options.mac}`, userAgent);
      if (binary.status === 200)
        throw new Error('a legacy binary file was served; the phone would apply it and reload');
      const values = new Map<string, string>();
      const read = (text: string, name: string) => {
        const document = readXml(text, name).gs_provision;
        if (!document) throw new Error(`${name}: no <gs_provision>`);
        const mac = textOf(document.mac).toLowerCase().replace(/[:-]/g, '');
        if (mac && mac !== options.mac)
          throw new Error(`${name}: <mac> ${mac} is not this phone's; the phone refuses the file`);
        const config = document.config;
        if (String(config?.['@version']) === '2') {
          for (const item of config.item ?? []) values.set(String(item['@name']), textOf(item));
        } else {
          for (const [key, value] of Object.entries(config ?? {}))
            if (/^P\d+$/.test(key)) values.set(GRANDSTREAM_ACCOUNT[key] ?? key, textOf(value));
        }
      };
      const own = await get(`cfg${options.mac}.xml`, userAgent);
      if (own.status === 200) read(own.body, `cfg${options.mac}.xml`);
      const common = await get(`cfg${model}.xml`, userAgent);
      if (common.status === 200) read(common.body, `cfg${model}.xml`);
      if (own.status !== 200 && common.status !== 200)
        read(need(await get('cfg.xml', userAgent), 'cfg.xml'), 'cfg.xml');
      if (own.status !== 200) throw new Error(`cfg${options.mac}.xml: HTTP ${own.status}`);
      const v = (key: string) => values.get(key) ?? '';
      const keys: SimKey[] = [];
      for (const section of ['vpk', 'mpk']) {
        for (let n = 1; values.has(`pks.${section}.${n}.keyMode`); n++) {
          const mode = v(`pks.${section}.${n}.keyMode`);
          const number = v(`pks.${section}.${n}.value`);
          const label = v(`pks.${section}.${n}.description`);
          if (mode !== 'None' && !/^(Account1|0)$/.test(v(`pks.${section}.${n}.account`)))
            throw new Error(`pks.${section}.${n} is not on account 1`);
          if (mode === 'SpeedDial') keys.push({ kind: 'speed-dial', number, label });
          else if (mode === 'BLF') keys.push({ kind: 'blf', number, label });
          else if (mode === 'None') keys.push({ kind: 'none' });
          else throw new Error(`pks.${section}.${n}.keyMode ${mode} is none this simulator knows`);
        }
      }
      const transport = v('account.1.sip.transport');
      if (v('account.1.sip.registration') === 'No') throw new Error('registration is off');
      return {
        user: v('account.1.sip.userid'),
        authName: v('account.1.sip.subscriber.userid') || v('account.1.sip.userid'),
        password: v('account.1.sip.subscriber.password'),
        displayName: v('account.1.sip.subscriber.name'),
        registrar: hostPort(v('account.1.sip.server.1.address')),
        transport: /^(UDP|0)$/.test(transport)
          ? 'udp'
          : /^(TCP|1)$/.test(transport)
            ? 'tcp'
            : /^(TlsOrTcp|2)$/.test(transport)
              ? 'tls'
              : 'other',
        dtmf:
          /^(Yes|1)$/.test(v('account.1.dtmf.sendInRtp')) && !/^(Yes|1)$/.test(v('account.1.dtmf.sendInSip'))
            ? 'rfc2833'
            : 'other',
        keys,
      };
    },
    actsOn: (event) => /^(check-sync|resync|reboot)\b/i.test(event.trim()),
  };
}

/**
 * Fanvil X-series (firmware 2.x, `<sysConf>` XML): the model's common file when the model has a
 * documented one (older X models: `F0V00X600000.cfg`, `f0X4hw1.100.cfg`, …; no source names one
 * for the X-U models), then `<mac>.cfg`; `<sip><line index="1">` account elements, `Transport`
 * 0 UDP / 1 TCP / 3 TLS, `DTMFMode` 1 RFC 2833; `<dsskey>` `Fkey` Type 1 memory key with
 * `<number>@<line>/f` (speed dial) or `/ba` (BLF), Type 0 none; the line-key column `<dssSide>`
 * first, then function-key pages `<internal>` (X-U, X210). Acts on `check-sync`.
 * Sources: Fanvil admin guide (auto provision); Wazo `wazo_fanvil` serie_x and common (User-Agent,
 * common file names, transport and DTMF codes, key values); FusionPBX `fanvil/x4u`.
 */
export function fanvilProfile(options: {
  model: string;
  name: string;
  firmware: string;
  mac: string;
  commonFile?: string;
}): VendorProfile {
  const userAgent = `Fanvil ${options.name} ${options.firmware} ${options.mac}`;
  const files = [...(options.commonFile ? [options.commonFile] : []), `${options.mac}.cfg`];
  return {
    vendor: 'fanvil',
    model: options.model,
    mac: options.mac,
    source: 'Fanvil admin guide; Wazo wazo_fanvil serie_x; FusionPBX fanvil templates',
    expectedFiles: () => files,
    async provision(get) {
      if (options.commonFile) await get(options.commonFile, userAgent);
      const name = `${options.mac}.cfg`;
      const config = readXml(need(await get(name, userAgent), name), name).sysConf;
      if (!config) throw new Error(`${name}: no <sysConf>`);
      const line = config.sip?.line?.find((entry: Node) => String(entry['@index']) === '1');
      if (!line) throw new Error(`${name}: no <line index="1">`);
      // The line-key column (<dssSide> pages), then the function-key pages (<internal>), each by Fkey index.
      const byIndex = (pages: Node[]) =>
        [...pages]
          .sort((a, b) => Number(a['@index']) - Number(b['@index']))
          .flatMap((page: Node) =>
            [...(page.Fkey ?? [])].sort((a: Node, b: Node) => Number(a['@index']) - Number(b['@index'])),
          );
      const internal: Node[] = config.dsskey?.internal ?? [];
      if (internal.length > 0 && Number(textOf(config.dsskey?.FuncKeyPageNum)) < internal.length)
        throw new Error('FuncKeyPageNum hides function-key pages');
      const keys = [...byIndex(config.dsskey?.dssSide ?? []), ...byIndex(internal)].map((fkey: Node): SimKey => {
        const type = textOf(fkey.Type);
        const value = textOf(fkey.Value);
        if (type === '0') return { kind: 'none' };
        const memory = /^([^@]+)@(\d+)\/(f|ba)/.exec(value);
        if (type !== '1' || !memory)
          throw new Error(`Fkey ${fkey['@index']}: type ${type} value ${value} is none this simulator knows`);
        if (memory[2] !== '1') throw new Error(`Fkey ${fkey['@index']} is not on line 1`);
        return { kind: memory[3] === 'f' ? 'speed-dial' : 'blf', number: memory[1]!, label: textOf(fkey.Title) };
      });
      const transport = textOf(line.Transport);
      return {
        user: textOf(line.PhoneNumber),
        authName: textOf(line.RegisterUser) || textOf(line.PhoneNumber),
        password: textOf(line.RegisterPswd),
        displayName: textOf(line.DisplayName),
        registrar: { host: textOf(line.RegisterAddr), port: Number(textOf(line.RegisterPort) || 5060) },
        transport:
          ({ '0': 'udp', '1': 'tcp', '3': 'tls' } as Record<string, SimConfig['transport']>)[transport] ?? 'other',
        dtmf: textOf(line.DTMFMode) === '1' ? 'rfc2833' : 'other',
        keys,
      };
    },
    actsOn: (event) => /^check-sync\b/i.test(event.trim()),
  };
}

export interface VendorPhone {
  readonly profile: VendorProfile;
  /** Every file request so far, in order. */
  readonly fetches: Fetch[];
  /** What the last provisioning round read. */
  readonly config: SimConfig | undefined;
  /** The SIP side, once `register` ran. */
  readonly sip: TestPhone | undefined;
  /**
   * Factory-fresh: sends the vendor's plug-and-play SUBSCRIBE to `server` (the directed form of the
   * 224.0.1.75 multicast) and waits for the 200 and the NOTIFY in its dialog, which must carry
   * `application/url`; the phone answers it 200 and provisions from that URL from then on.
   */
  plugAndPlay(server: { address: string; port: number }): Promise<{ url: string; notify: SipRequest }>;
  /** Powers on: one provisioning round; returns the fetches of this round and what was read. */
  boot(): Promise<{ fetches: Fetch[]; config: SimConfig }>;
  /** Registers over UDP with the account and registrar of the last round. */
  register(): Promise<SipResponse>;
  /**
   * Waits for a NOTIFY after `since` (index in `sip.received`) whose Event this vendor acts on,
   * then fetches its files again as the vendor does. NOTIFYs with other events are ignored.
   */
  checkSync(since: number, timeoutMs?: number): Promise<{ event: string; fetches: Fetch[]; config: SimConfig }>;
  close(): Promise<void>;
}

/**
 * `baseUrl`: the provisioning URL the phone was given (`http://host:port/provisioning/<token>`, by DHCP
 * option 66 or by hand); a phone that does plug-and-play learns it there instead.
 */
export function startVendorPhone(profile: VendorProfile, baseUrl: string | undefined, domain?: string): VendorPhone {
  const fetches: Fetch[] = [];
  let config: SimConfig | undefined;
  let sip: TestPhone | undefined;
  let booted = false;
  let base = baseUrl?.replace(/\/$/, '');
  const get: Get = (file, userAgent) =>
    new Promise((resolve, reject) => {
      if (base === undefined) throw new Error('no provisioning URL: neither given nor learnt by plug-and-play');
      http
        .get(`${base}/${file}`, { headers: { 'user-agent': userAgent } }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            fetches.push({ file, status: response.statusCode ?? 0, userAgent });
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
          });
        })
        .on('error', reject);
    });
  const round = async () => {
    const from = fetches.length;
    config = await profile.provision(get, !booted);
    booted = true;
    return { fetches: fetches.slice(from), config };
  };
  const isNotify = (message: SipMessage): message is SipRequest => 'method' in message && message.method === 'NOTIFY';
  return {
    profile,
    fetches,
    get config() {
      return config;
    },
    get sip() {
      return sip;
    },
    async plugAndPlay(server) {
      if (!profile.pnp) throw new Error(`${profile.vendor}: no documented plug-and-play request`);
      const socket = dgram.createSocket('udp4');
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
      // A factory-fresh phone asks the multicast group; on loopback, where hotdeskd joined it.
      socket.setMulticastInterface('127.0.0.1');
      const port = socket.address().port;
      const id = randomBytes(6).toString('hex');
      try {
        const outcome = new Promise<{ url: string; notify: SipRequest }>((resolve, reject) => {
          let answered = false;
          const timer = setTimeout(() => reject(new Error('no plug-and-play answer')), 5000);
          socket.on('message', (bytes) => {
            const message = sipCodec.parse(bytes) as SipMessage | undefined;
            if (!message) return;
            if ('status' in message) {
              if (message.status >= 300) reject(new Error(`SUBSCRIBE answered ${message.status}`));
              else if (message.status >= 200) answered = true;
              return;
            }
            if (message.method !== 'NOTIFY') return;
            socket.send(
              Buffer.from(sipCodec.stringify(buildResponse(message, 200, 'OK')), 'latin1'),
              server.port,
              server.address,
            );
            clearTimeout(timer);
            const type = String(message.headers['content-type'] ?? '');
            const url = String(message.content ?? '').trim();
            if (!answered) return reject(new Error('NOTIFY before the 200 to the SUBSCRIBE'));
            if (message.headers['call-id'] !== `${id}@127.0.0.1`)
              return reject(new Error('NOTIFY outside the SUBSCRIBE dialog'));
            if (!/^application\/url\b/i.test(type))
              return reject(new Error(`NOTIFY body is ${type}, not application/url`));
            // Grandstream and Snom take a directory: the files are searched for under it.
            if (!/^https?:\/\/[^ ]+\/$/.test(url)) return reject(new Error(`not a directory URL: ${url}`));
            base = url.replace(/\/$/, '');
            resolve({ url, notify: message });
          });
        });
        const text = [
          `SUBSCRIBE sip:${profile.pnp.user}@224.0.1.75 SIP/2.0`,
          `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK${id};rport`,
          `From: <sip:${profile.pnp.user}@224.0.1.75>;tag=${id}`,
          `To: <sip:${profile.pnp.user}@224.0.1.75>`,
          `Call-ID: ${id}@127.0.0.1`,
          'CSeq: 1 SUBSCRIBE',
          `Event: ${profile.pnp.event}`,
          'Expires: 0',
          'Accept: application/url',
          `Contact: <sip:${profile.pnp.user}@127.0.0.1:${port}>`,
          'Max-Forwards: 70',
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n');
        socket.send(Buffer.from(text, 'latin1'), server.port, PNP_MULTICAST_GROUP);
        return await outcome;
      } finally {
        socket.close();
      }
    },
    boot: round,
    async register() {
      if (!config) throw new Error('not provisioned');
      if (!sip) {
        sip = await startTestPhone({
          user: config.authName,
          password: config.password,
          server: { address: config.registrar.host, port: config.registrar.port },
          domain: domain ?? config.registrar.host,
        });
      } else sip.switchAccount(config.authName, config.password);
      return sip.register();
    },
    async checkSync(since, timeoutMs = 10_000) {
      if (!sip) throw new Error('not registered');
      const phone = sip;
      const notify = (await phone.waitFor(
        (message) =>
          isNotify(message) &&
          phone.received.indexOf(message) >= since &&
          profile.actsOn(String(message.headers['event'] ?? '')),
        timeoutMs,
      )) as SipRequest;
      const event = String(notify.headers['event']);
      return { event, ...(await round()) };
    },
    async close() {
      await sip?.close();
    },
  };
}

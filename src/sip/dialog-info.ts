/**
 * The `application/dialog-info+xml` document (RFC 4235 §4) that lights a busy
 * lamp. Written by hand: the document is small, and every value that reaches
 * it is escaped here.
 */
import type { DialogDirection, DialogState, TerminationReason } from './dialog-state.js';

export const DIALOG_INFO_CONTENT_TYPE = 'application/dialog-info+xml';
export const DIALOG_INFO_NAMESPACE = 'urn:ietf:params:xml:ns:dialog-info';

/** One `<dialog>` element; absent fields are left out of the document. A `Dialog` from dialog-state fits. */
export interface DialogInfoDialog {
  id: string;
  callId?: string;
  localTag?: string;
  remoteTag?: string;
  direction?: DialogDirection;
  state: DialogState;
  reason?: TerminationReason;
  /** The other party, a URI or a bare number (made a SIP URI in the entity's domain). */
  remote?: string;
  remoteDisplay?: string;
}

export interface DialogInfo {
  /** The watched resource, e.g. `sip:201@pbx.example`. */
  entity: string;
  /** RFC 4235 §4.1: counts the documents sent in one subscription, from 0. */
  version: number;
  state: 'full' | 'partial';
  dialogs: readonly DialogInfoDialog[];
}

// XML 1.0 §2.2: characters no XML document may hold, not even as references (and lone surrogates).
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Character data: `&`, `<`, `>` escaped; CR kept as a reference (XML §2.11 would fold it). */
export function escapeXmlText(text: string): string {
  return text
    .replace(NOT_XML_CHAR, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

/**
 * An attribute value for double quotes: also `"` and `'`, and TAB/LF/CR as references (XML §3.3.3 would turn them
 * into spaces).
 */
export function escapeXmlAttribute(value: string): string {
  return escapeXmlText(value)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;');
}

/** `remote` as a URI: kept when it has a scheme, else `sip:<remote>@<host of entity>`. */
export function identityUri(remote: string, entity: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(remote)) return remote;
  const host = /^sips?:(?:[^@;?>]*@)?([^;?>]+)/i.exec(entity)?.[1];
  return host ? `sip:${remote}@${host}` : `sip:${remote}`;
}

function attributes(pairs: [string, string | number | undefined][]): string {
  return pairs
    .filter((pair): pair is [string, string | number] => pair[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeXmlAttribute(String(value))}"`)
    .join('');
}

function dialogElement(dialog: DialogInfoDialog, entity: string): string {
  const head = attributes([
    ['id', dialog.id],
    ['call-id', dialog.callId],
    ['local-tag', dialog.localTag],
    ['remote-tag', dialog.remoteTag],
    ['direction', dialog.direction],
  ]);
  // RFC 4235 §4.1.2: `event` says why a dialog terminated.
  const stateAttributes = attributes([['event', dialog.state === 'terminated' ? dialog.reason : undefined]]);
  const lines = [`  <dialog${head}>`, `    <state${stateAttributes}>${dialog.state}</state>`];
  if (dialog.remote !== undefined) {
    const display = attributes([['display', dialog.remoteDisplay]]);
    lines.push(
      '    <remote>',
      `      <identity${display}>${escapeXmlText(identityUri(dialog.remote, entity))}</identity>`,
      '    </remote>',
    );
  }
  lines.push('  </dialog>');
  return lines.join('\n');
}

/**
 * The dialog-info document for `entity`. An idle extension has no `<dialog>`
 * children (RFC 4235 §4.1: the full state of an entity with no dialogs).
 */
export function buildDialogInfo(info: DialogInfo): string {
  const root = `<dialog-info${attributes([
    ['xmlns', DIALOG_INFO_NAMESPACE],
    ['version', info.version],
    ['state', info.state],
    ['entity', info.entity],
  ])}`;
  const body =
    info.dialogs.length === 0
      ? `${root}/>`
      : [`${root}>`, ...info.dialogs.map((dialog) => dialogElement(dialog, info.entity)), '</dialog-info>'].join('\n');
  return `<?xml version="1.0"?>\n${body}\n`;
}

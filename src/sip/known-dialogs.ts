/**
 * The dialogs hotdeskd set up as a proxy and still tracks (RFC 3261 §12): the
 * only ones whose in-dialog requests it forwards. A dialog is keyed by its
 * Call-ID and both tags; each side keeps the endpoint its requests came from
 * (the caller) or were sent to (the callee), so an in-dialog request goes to
 * the other side's endpoint and never to a host named in the request itself.
 * Early dialogs (a provisional response with a To-tag) live a few minutes,
 * confirmed ones a day without traffic; the table is bounded, oldest first out.
 */
import type { Endpoint } from './message.js';

export interface DialogSide {
  tag: string;
  endpoint: Endpoint;
  /** The side is the trunk (its requests may come from any trunk address). */
  trunk?: boolean;
  /** The account this side authenticated as, or was reached at (an extension). */
  account?: string;
}

export interface KnownDialog {
  callId: string;
  caller: DialogSide;
  callee: DialogSide;
  state: 'early' | 'confirmed';
  /** ms; the dialog is forgotten after this. */
  expiresAt: number;
}

export type KnownDialogs = ReadonlyMap<string, KnownDialog>;

export const EARLY_DIALOG_MS = 5 * 60_000;
export const CONFIRMED_DIALOG_MS = 24 * 3600_000;
export const MAX_KNOWN_DIALOGS = 20_000;

const keyOf = (callId: string, a: string, b: string): string => `${callId}\u0000${a < b ? a : b}\u0000${a < b ? b : a}`;

/** Records an early or confirmed dialog; a confirmed one is never turned back into early. */
export function recordDialog(
  table: KnownDialogs,
  dialog: Omit<KnownDialog, 'expiresAt'>,
  nowMs: number,
  max = MAX_KNOWN_DIALOGS,
): KnownDialogs {
  const key = keyOf(dialog.callId, dialog.caller.tag, dialog.callee.tag);
  const current = table.get(key);
  const state = current?.state === 'confirmed' ? 'confirmed' : dialog.state;
  const next = new Map(table);
  next.delete(key);
  next.set(key, {
    ...dialog,
    state,
    expiresAt: nowMs + (state === 'confirmed' ? CONFIRMED_DIALOG_MS : EARLY_DIALOG_MS),
  });
  while (next.size > max) next.delete(next.keys().next().value!);
  return next;
}

export interface DialogMatch {
  dialog: KnownDialog;
  /** The side the request came from, and the side it goes to. */
  from: DialogSide;
  to: DialogSide;
}

/** The live dialog a request with this Call-ID, From-tag and To-tag belongs to, or `undefined`. */
export function findDialog(
  table: KnownDialogs,
  callId: string,
  fromTag: string,
  toTag: string,
  nowMs: number,
): DialogMatch | undefined {
  const dialog = table.get(keyOf(callId, fromTag, toTag));
  if (!dialog || dialog.expiresAt <= nowMs) return undefined;
  if (dialog.caller.tag === fromTag && dialog.callee.tag === toTag)
    return { dialog, from: dialog.caller, to: dialog.callee };
  if (dialog.callee.tag === fromTag && dialog.caller.tag === toTag)
    return { dialog, from: dialog.callee, to: dialog.caller };
  return undefined;
}

/** Keeps a confirmed dialog alive after traffic in it. */
export function touchDialog(table: KnownDialogs, dialog: KnownDialog, nowMs: number): KnownDialogs {
  return recordDialog(table, dialog, nowMs);
}

/** Forgets one dialog (BYE answered 2xx). */
export function removeDialog(
  table: KnownDialogs,
  dialog: Pick<KnownDialog, 'callId' | 'caller' | 'callee'>,
): KnownDialogs {
  const key = keyOf(dialog.callId, dialog.caller.tag, dialog.callee.tag);
  if (!table.has(key)) return table;
  const next = new Map(table);
  next.delete(key);
  return next;
}

/** Forgets the early dialogs of a call whose INVITE failed (RFC 3261 §12.3: a final non-2xx ends them). */
export function removeEarlyDialogs(table: KnownDialogs, callId: string, callerTag: string): KnownDialogs {
  const stale = [...table].filter(
    ([, dialog]) => dialog.callId === callId && dialog.caller.tag === callerTag && dialog.state === 'early',
  );
  if (stale.length === 0) return table;
  const next = new Map(table);
  for (const [key] of stale) next.delete(key);
  return next;
}

/** Drops every dialog past its time. */
export function expireDialogs(table: KnownDialogs, nowMs: number): KnownDialogs {
  if (![...table.values()].some((dialog) => dialog.expiresAt <= nowMs)) return table;
  return new Map([...table].filter(([, dialog]) => dialog.expiresAt > nowMs));
}

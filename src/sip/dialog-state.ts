/**
 * What each extension is doing, for the busy lamps: the INVITE dialogs of every
 * extension as the proxy sees them (RFC 4235 §3.7), kept as a value. The daemon
 * turns what it forwards (INVITE, 1xx, 2xx, failures, CANCEL, BYE) into
 * {@link CallEvent}s; {@link applyCallEvent} says which extensions changed and
 * what their watchers should now be told.
 */

/**
 * The state of one dialog, RFC 4235 §3.7.1 (the `<state>` element). It only
 * moves forward; a late or retransmitted 1xx after the 2xx changes nothing.
 *
 * ```text
 *   trying ──1xx without To tag──► proceeding
 *     │                                │
 *     ├────────1xx with To tag─────────┴──► early
 *     │                                       │
 *     ├────────2xx────────────────────────────┴──► confirmed
 *     │                                              │
 *     │ cancelled, rejected, replaced                │ local-bye, remote-bye,
 *     │ (from trying, proceeding or early)           │ replaced, error, timeout
 *     ▼                                              │
 *   terminated ◄─────────────────────────────────────┘
 *   (reported once, then forgotten)
 * ```
 */
export type DialogState = 'trying' | 'proceeding' | 'early' | 'confirmed' | 'terminated';

/** Which side sent the INVITE, seen from the extension (RFC 4235 §4.1.1 `direction`). */
export type DialogDirection = 'initiator' | 'recipient';

/** Why a dialog ended: the `event` attribute of a terminated `<state>` (RFC 4235 §4.1.2). */
export type TerminationReason =
  'cancelled' | 'rejected' | 'replaced' | 'local-bye' | 'remote-bye' | 'error' | 'timeout';

/** One call leg of an extension. */
export interface Dialog {
  /** Unique among the dialogs hotdesk ever reports (RFC 4235 §4.1.1 `id`); made from a counter. */
  id: string;
  callId: string;
  direction: DialogDirection;
  state: DialogState;
  /** Only on `terminated`, when known. */
  reason?: TerminationReason;
  /** The other party: a URI (`sip:202@pbx.example`, `tel:+4930…`) or a bare number. */
  remote: string;
  /** The other party's display name, when known. */
  remoteDisplay?: string;
  /** The extension's own tag (From tag as initiator, To tag as recipient). */
  localTag?: string;
  remoteTag?: string;
}

/** Something the proxy saw about one extension's call. */
export interface CallEvent {
  kind: 'call';
  callId: string;
  /** The extension this leg belongs to, e.g. `201`. A call between two local extensions is two events. */
  extension: string;
  direction: DialogDirection;
  remote: string;
  remoteDisplay?: string;
  phase: DialogState;
  /** Only meaningful with `phase: 'terminated'`. */
  reason?: TerminationReason;
  localTag?: string;
  remoteTag?: string;
}

/** Every extension's dialogs, oldest first. A value: apply functions return a new table. */
export interface DialogTable {
  readonly byExtension: ReadonlyMap<string, readonly Dialog[]>;
  /** The counter the next new dialog's id comes from. */
  readonly nextId: number;
}

/**
 * One extension whose state changed, with the dialogs its watchers should be
 * sent now: the live ones plus, this once, a dialog that just terminated.
 */
export interface DialogChange {
  extension: string;
  dialogs: readonly Dialog[];
}

export interface DialogLimits {
  /** Dialogs kept per extension; past it the oldest is dropped (a lost BYE or an INVITE flood cannot grow memory). */
  maxDialogsPerExtension: number;
}

export const DEFAULT_DIALOG_LIMITS: DialogLimits = { maxDialogsPerExtension: 16 };

export const emptyDialogs = (): DialogTable => ({ byExtension: new Map(), nextId: 1 });

/** The live dialogs of an extension, oldest first; none when it is idle. */
export function dialogsOf(table: DialogTable, extension: string): readonly Dialog[] {
  return table.byExtension.get(extension) ?? [];
}

const ORDER: Record<DialogState, number> = { trying: 0, proceeding: 1, early: 2, confirmed: 3, terminated: 4 };

function withDialogs(
  table: DialogTable,
  extension: string,
  dialogs: readonly Dialog[],
  nextId = table.nextId,
): DialogTable {
  const byExtension = new Map(table.byExtension);
  if (dialogs.length === 0) byExtension.delete(extension);
  else byExtension.set(extension, dialogs);
  return { byExtension, nextId };
}

function dialogOf(
  id: string,
  event: CallEvent,
  tags: { localTag?: string | undefined; remoteTag?: string | undefined },
  remoteDisplay: string | undefined,
): Dialog {
  return {
    id,
    callId: event.callId,
    direction: event.direction,
    state: event.phase,
    ...(event.phase === 'terminated' && event.reason ? { reason: event.reason } : {}),
    remote: event.remote,
    ...(remoteDisplay !== undefined ? { remoteDisplay } : {}),
    ...(tags.localTag !== undefined ? { localTag: tags.localTag } : {}),
    ...(tags.remoteTag !== undefined ? { remoteTag: tags.remoteTag } : {}),
  };
}

const sameDialog = (a: Dialog, b: Dialog): boolean =>
  a.state === b.state &&
  a.reason === b.reason &&
  a.remote === b.remote &&
  a.remoteDisplay === b.remoteDisplay &&
  a.localTag === b.localTag &&
  a.remoteTag === b.remoteTag;

/**
 * Applies one call event. `changed` lists the extension only when what its
 * watchers would see really changed. A terminated dialog is in `changed` once
 * and is gone from the returned table.
 */
export function applyCallEvent(
  table: DialogTable,
  event: CallEvent,
  limits: DialogLimits = DEFAULT_DIALOG_LIMITS,
): { table: DialogTable; changed: DialogChange[] } {
  const unchanged = { table, changed: [] };
  const dialogs = dialogsOf(table, event.extension);
  const index = dialogs.findIndex((dialog) => dialog.callId === event.callId && dialog.direction === event.direction);
  const current = dialogs[index];

  if (!current) {
    // Nothing to report about a call we never saw start.
    if (event.phase === 'terminated') return unchanged;
    const added = dialogOf(String(table.nextId), event, event, event.remoteDisplay);
    const all = [...dialogs, added];
    const kept = all.slice(Math.max(0, all.length - Math.max(1, limits.maxDialogsPerExtension)));
    return {
      table: withDialogs(table, event.extension, kept, table.nextId + 1),
      changed: [{ extension: event.extension, dialogs: kept }],
    };
  }

  // RFC 4235 §3.7.1: states only move forward.
  if (ORDER[event.phase] < ORDER[current.state]) return unchanged;
  // Forked early dialogs carry other To tags: the first tags stay until the 2xx settles the dialog.
  const settles = event.phase === 'confirmed' && current.state !== 'confirmed';
  const tags = settles
    ? { localTag: event.localTag ?? current.localTag, remoteTag: event.remoteTag ?? current.remoteTag }
    : { localTag: current.localTag ?? event.localTag, remoteTag: current.remoteTag ?? event.remoteTag };
  const updated = dialogOf(current.id, event, tags, event.remoteDisplay ?? current.remoteDisplay);

  if (updated.state === 'terminated') {
    return {
      table: withDialogs(
        table,
        event.extension,
        dialogs.filter((dialog) => dialog !== current),
      ),
      changed: [
        { extension: event.extension, dialogs: dialogs.map((dialog) => (dialog === current ? updated : dialog)) },
      ],
    };
  }
  if (sameDialog(updated, current)) return unchanged;
  const next = dialogs.map((dialog) => (dialog === current ? updated : dialog));
  return { table: withDialogs(table, event.extension, next), changed: [{ extension: event.extension, dialogs: next }] };
}

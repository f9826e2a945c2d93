/**
 * The known-dialog table (sip/known-dialogs.ts) held for the daemon: the proxy
 * records dialogs into it, and every request that looks in-dialog (a To-tag,
 * or a Route header) is checked against it before anything is forwarded.
 */
import type { Endpoint, SipRequest, SipUri } from '../../sip/message.js';
import {
  expireDialogs,
  findDialog,
  recordDialog,
  removeDialog,
  removeEarlyDialogs,
  touchDialog,
  type DialogMatch,
  type KnownDialogs,
} from '../../sip/known-dialogs.js';
import type { RelayRefusal } from '../relay-refusal-log.js';
import { uriOf, type DialogEvent } from './proxy.js';

export type GuardVerdict =
  /** In a known dialog: forward to `match.to.endpoint` only. */
  | { kind: 'in-dialog'; match: DialogMatch }
  /** No To-tag and no Route but hotdeskd's own: an initial request (authenticate, then route). */
  | { kind: 'out-of-dialog' }
  | { kind: 'refuse'; status: number; phrase: string; reason: RelayRefusal };

export interface DialogGuardOptions {
  now(): number;
  /** The URI names hotdeskd itself (its host and SIP port). */
  isOwnUri(uri: SipUri): boolean;
  /** The request's source is the trunk (checkTrunkSource). */
  isTrunkSource(remote: Endpoint): boolean;
}

export interface DialogGuard {
  /** For the proxy's `onDialog`. */
  record(event: DialogEvent): void;
  check(request: SipRequest, remote: Endpoint): GuardVerdict;
  /** A request forwarded in the dialog got this final status (a BYE's ends it). */
  forwarded(match: DialogMatch, method: string, status: number): void;
  sweep(): void;
  readonly size: number;
}

export function createDialogGuard(options: DialogGuardOptions): DialogGuard {
  let table: KnownDialogs = new Map();
  return {
    get size() {
      return table.size;
    },
    record(event) {
      if (event.kind === 'failed') {
        table = removeEarlyDialogs(table, event.callId, event.callerTag);
        return;
      }
      table = recordDialog(
        table,
        { callId: event.callId, caller: event.caller, callee: event.callee, state: event.kind },
        options.now(),
      );
    },
    check(request, remote) {
      const toTag = request.headers.to.params['tag'];
      if (toTag) {
        const match = findDialog(
          table,
          request.headers['call-id'],
          request.headers.from.params['tag'] ?? '',
          toTag,
          options.now(),
        );
        // RFC 3261 §12.2.2: a request in a dialog this server does not hold gets 481.
        if (!match)
          return { kind: 'refuse', status: 481, phrase: 'Call/Transaction Does Not Exist', reason: 'unknown-dialog' };
        const sameSource =
          match.from.endpoint.address === remote.address ||
          (match.from.trunk === true && options.isTrunkSource(remote));
        if (!sameSource)
          return {
            kind: 'refuse',
            status: 481,
            phrase: 'Call/Transaction Does Not Exist',
            reason: 'dialog-source-mismatch',
          };
        table = touchDialog(table, match.dialog, options.now());
        return { kind: 'in-dialog', match };
      }
      const foreign = (request.headers.route ?? []).some((route) => {
        const uri = uriOf(route.uri);
        return !uri || !options.isOwnUri(uri);
      });
      if (foreign) return { kind: 'refuse', status: 403, phrase: 'Forbidden', reason: 'foreign-route' };
      return { kind: 'out-of-dialog' };
    },
    forwarded(match, method, status) {
      // RFC 3261 §15.1.2: whatever its answer, a BYE ends the dialog.
      if (method === 'BYE' && status >= 200) table = removeDialog(table, match.dialog);
    },
    sweep() {
      table = expireDialogs(table, options.now());
    },
  };
}

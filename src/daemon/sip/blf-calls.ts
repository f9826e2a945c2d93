/**
 * The proxy's call events seen as BLF dialog events (sip/dialog-state.ts):
 * who is in each call (the extensions on its INVITE), and when each
 * extension's last call was seen (for idle logout).
 */
import { parseUri, stringifyUri } from '../../adapters/sip-syntax.js';
import type { SipUri } from '../../sip/message.js';
import type { CallEvent as DialogEvent, DialogState } from '../../sip/dialog-state.js';
import type { CallEvent } from './proxy.js';

const PHASES: Record<CallEvent['phase'], DialogState> = {
  trying: 'trying',
  early: 'early',
  confirmed: 'confirmed',
  terminated: 'terminated',
};

/** Calls remembered for their terminating event; bounded so a lost BYE cannot grow it without end. */
const MAX_CALLS = 10_000;

const userOf = (value: string | SipUri | undefined): string | undefined =>
  value === undefined ? undefined : (typeof value === 'string' ? parseUri(value) : value)?.user;

export interface BlfCalls {
  /** The dialog events a call event means for the extensions in the call. */
  dialogEvents(event: CallEvent): DialogEvent[];
  lastCallAt(extension: string): number | undefined;
}

export function createBlfCalls(isExtension: (number: string) => boolean, now: () => number): BlfCalls {
  /** Call-ID → who is in the call, as seen on its INVITE. */
  const calls = new Map<string, { caller?: string; callee?: string; callerUri: string; calleeUri: string }>();
  /** Extension → when one of its calls was last seen (for idle logout); one entry per extension. */
  const lastCall = new Map<string, number>();
  const remember = (event: CallEvent): void => {
    if (calls.size >= MAX_CALLS) calls.delete(calls.keys().next().value!);
    const caller = userOf(event.request.headers.from.uri);
    const callee = userOf(event.request.uri);
    calls.set(event.callId, {
      ...(caller && isExtension(caller) ? { caller } : {}),
      ...(callee && isExtension(callee) ? { callee } : {}),
      callerUri: event.request.headers.from.uri,
      calleeUri: typeof event.request.uri === 'string' ? event.request.uri : stringifyUri(event.request.uri),
    });
  };
  return {
    dialogEvents(event) {
      const callId = event.callId;
      if (event.phase === 'trying' && !calls.has(callId)) remember(event);
      const call = calls.get(callId);
      if (!call) return [];
      const phase = PHASES[event.phase];
      for (const party of [call.caller, call.callee]) if (party) lastCall.set(party, now());
      if (phase === 'terminated') calls.delete(callId);
      return [
        ...(call.caller
          ? [
              {
                kind: 'call',
                callId,
                extension: call.caller,
                direction: 'initiator',
                remote: call.calleeUri,
                phase,
              } as const,
            ]
          : []),
        ...(call.callee
          ? [
              {
                kind: 'call',
                callId,
                extension: call.callee,
                direction: 'recipient',
                remote: call.callerUri,
                phase,
              } as const,
            ]
          : []),
      ];
    },
    lastCallAt: (extension) => lastCall.get(extension),
  };
}

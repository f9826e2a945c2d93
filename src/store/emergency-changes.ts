/**
 * The store's `emergency` block (core/emergency-calls.ts): the extensions
 * told when an emergency number is dialled, the callback window, and each
 * emergency call as it is made (kept while its windows are open, audited for
 * good).
 */
import type { AuditEntry } from '../core/model.js';
import { checkCallbackMinutes, describeEmergencyCall, recordEmergencyCall } from '../core/emergency-calls.js';
import { fail, ok, refuse, type Outcome } from '../core/reasons.js';
import type { Applied, Change, ChangeContext } from './change.js';
import type { StoreData } from './schema.js';

export type EmergencyChange = Extract<
  Change,
  { kind: 'add-emergency-notify' | 'remove-emergency-notify' | 'set-emergency-callback' | 'emergency-call' }
>;

const done = (message: string, warnings: string[] = []) => ({ kind: 'done' as const, message, warnings });

export function applyEmergencyChange(
  data: StoreData,
  change: EmergencyChange,
  context: ChangeContext,
): Outcome<Applied> {
  const state = data.emergency ?? {};
  const notify = state.notify ?? [];
  const entry = (fields: Omit<AuditEntry, 'at'>): AuditEntry => ({ at: context.now, ...fields });
  /** The store with `next` as the extensions told, and the admin's change audited. */
  const withNotify = (next: string[], detail: string): StoreData => ({
    ...data,
    emergency: { ...state, notify: next },
    audit: [...data.audit, entry({ kind: 'settings-changed', actor: 'admin', detail })],
  });
  switch (change.kind) {
    case 'add-emergency-notify': {
      if (!data.extensions.some((ext) => ext.number === change.extension))
        return fail(refuse('unknown-extension', { extension: change.extension }));
      if (notify.includes(change.extension))
        return ok({ data, result: done(`extensions told of emergency calls: ${notify.join(', ')} (unchanged)`) });
      const next = [...notify, change.extension];
      return ok({
        data: withNotify(next, `emergency notify ${change.extension} added`),
        result: done(`extensions told of emergency calls: ${next.join(', ')}`),
      });
    }
    case 'remove-emergency-notify': {
      if (!notify.includes(change.extension)) {
        const expected =
          notify.length > 0
            ? `one of the extensions told: ${notify.join(', ')}`
            : 'an extension told of emergency calls (there is none)';
        return fail(refuse('invalid-setting', { name: 'emergency notify', value: change.extension, expected }));
      }
      const next = notify.filter((extension) => extension !== change.extension);
      const warnings =
        next.length === 0
          ? ['nobody on site is told when an emergency number is dialled (hotdesk emergency notify add EXT)']
          : [];
      return ok({
        data: withNotify(next, `emergency notify ${change.extension} removed`),
        result: done(
          next.length > 0
            ? `extensions told of emergency calls: ${next.join(', ')}`
            : 'no extension is told of emergency calls',
          warnings,
        ),
      });
    }
    case 'set-emergency-callback': {
      const problem = checkCallbackMinutes(change.minutes);
      if (problem)
        return fail(
          refuse('invalid-setting', {
            name: 'emergency-callback-minutes',
            value: String(change.minutes),
            expected: problem,
          }),
        );
      return ok({
        data: {
          ...data,
          emergency: { ...state, callbackMinutes: change.minutes },
          audit: [
            ...data.audit,
            entry({ kind: 'settings-changed', actor: 'admin', detail: `emergency-callback-minutes ${change.minutes}` }),
          ],
        },
        result: done(`emergency-callback-minutes is ${change.minutes}`),
      });
    }
    case 'emergency-call': {
      const call = { ...change.call, at: context.now };
      const audited = entry({
        kind: 'emergency-call',
        actor: 'user',
        ...(call.phone !== undefined ? { phone: call.phone } : {}),
        ...(call.extension !== undefined ? { extension: call.extension } : {}),
        detail: describeEmergencyCall(call),
      });
      return ok({
        data: { ...data, emergency: recordEmergencyCall(state, call), audit: [...data.audit, audited] },
        result: done(describeEmergencyCall(call)),
      });
    }
  }
}

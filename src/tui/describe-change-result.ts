/** One line for the dashboard's message row saying what a submitted change did. */
import { formatMac } from '../core/mac.js';
import type { ChangeResult } from '../store/changes.js';
import { provisioningUrl } from '../store/queries.js';
import type { StoreData } from '../store/schema.js';

/** `data`: the store after the change, for the new phone's provisioning URL. */
export function describeChangeResult(result: ChangeResult, data: StoreData | undefined): string {
  switch (result.kind) {
    case 'phone': {
      const { phone } = result;
      const added = `${phone.name} added: ${phone.model}, MAC ${formatMac(phone.mac)}, ${phone.connection.mode}`;
      return data ? `${added}; provisioning URL ${provisioningUrl(data)}` : added;
    }
    case 'done':
      return [result.message, ...result.warnings.map((warning) => `warning: ${warning}`)].join('; ');
    case 'sessions':
      if (result.released.length === 0) return 'nobody was logged out';
      return `logged out ${result.released.map((session) => `${session.extension} from ${session.phone}`).join(', ')}`;
    case 'pin-check':
      return result.locked
        ? `locked until ${result.until}`
        : result.phoneLocked
          ? `phone locked until ${result.phoneUntil}`
          : result.pairLocked
            ? `locked on this phone until ${result.pairUntil}`
            : 'not locked';
  }
}

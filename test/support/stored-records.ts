/**
 * Store records for tests that write hotdesk.json themselves before running the CLI: an extension and a
 * pool phone as the store holds them, with the test passwords.
 */
import type { Extension, Phone } from '../../src/core/model.js';

/** Extension `number` with the test SIP password and the given PIN hash; hot desking on unless said. */
export function storedExtension(number: string, name: string, pinHash: string, hotdesk = true): Extension {
  return { number, name, sipPassword: 'Sip-Password-123', pinHash, hotdesk, language: 'en', blf: [] };
}

/** Pool phone `HD000n` (n below 10) on the LAN, idle, its configuration fetched. */
export function storedPhone(n: number, mac: string, model = 'yealink-t54w'): Phone {
  return {
    name: `HD000${n}`,
    model,
    mac,
    connection: { mode: 'lan' },
    idlePassword: 'idle-password-123',
    session: null,
    desiredGeneration: 1,
    appliedGeneration: 1,
  };
}

/**
 * The one executor of store effects (src/store/store-write.ts): after a write is
 * stored, its effects are carried out here and nowhere else. The SIP side may be
 * absent (store and control socket only); then the phone effects have no one to go to.
 */
import type { Logger } from '../adapters/log.js';
import type { StoreEffect } from '../store/store-write.js';
import { logPinAlert } from './pin-alert-log.js';

/** What the effects act on: the SIP service's phone-sync side (sip-service.ts keeps these methods). */
export interface EffectTargets {
  switchPhones(phones: readonly string[]): void;
  reprovision(phones: readonly string[]): void;
  reconcile(): void;
  /** A phone fetched its file (phone-sync stops asking). */
  fetched(phone: string): void;
}

export type CarryOut = (effects: readonly StoreEffect[]) => void;

/** `targets()`: the phone side as it is now (undefined before SIP starts, or without SIP). */
export function createCarryOut(options: { log: Logger; targets: () => EffectTargets | undefined }): CarryOut {
  return (effects) => {
    for (const effect of effects) {
      const targets = options.targets();
      switch (effect.kind) {
        case 'switch-phones':
          targets?.switchPhones(effect.phones);
          break;
        case 'reprovision':
          targets?.reprovision(effect.phones);
          break;
        case 'reconcile':
          targets?.reconcile();
          break;
        case 'phone-fetched':
          targets?.fetched(effect.phone);
          break;
        case 'pin-alert':
          logPinAlert(options.log, effect.alert);
          break;
      }
    }
  };
}

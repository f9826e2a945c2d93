/**
 * Records the generation a phone's own file carried as the phone's applied generation: a
 * `provisioning-fetched` change through the daemon's write path (stored only when it moves
 * forward; its effect tells phone-sync, every time).
 */
import type { Logger } from '../../adapters/log.js';
import type { WritePath } from '../write-path.js';

export interface FetchedRecorder {
  apply: WritePath['apply'];
  log: Logger;
  /** Called when the record moved the phone's applied generation forward. */
  onRecorded: () => void;
}

// A phone still allowed the previous token that now follows the new one is written even when its generation stays.
export function recordFetched(recorder: FetchedRecorder, phone: string, generation: number): void {
  const { log } = recorder;
  void recorder.apply({ kind: 'provisioning-fetched', phone, generation }).then(
    (written) => {
      if (written.ok && written.changed) {
        recorder.onRecorded();
        log.info({ phone, generation }, 'phone fetched its configuration');
      }
    },
    (error: unknown) => log.error({ err: error, phone }, 'could not record the configuration a phone fetched'),
  );
}

/**
 * What happens beside an emergency call (#17 item 3), never in its way: the
 * SIP side routes the call to the trunk first and only then hands it here.
 * This service records the call (store change `emergency-call`: the audit
 * entry, the ALERT of `hotdesk status`, the callback window), logs the fixed
 * monitoring line, and calls every notify extension with the spoken
 * notification (media/emergency-announcement.ts) in the office language.
 * Each step is on its own: a failure is logged and the others go on.
 */
import type { Logger } from '../adapters/log.js';
import type { ControlResponse } from '../adapters/control-socket.js';
import {
  deskLocationText,
  emergencyLogLine,
  phoneEmergencyFields,
  type EmergencyCall,
} from '../core/emergency-calls.js';
import type { Language } from '../core/model.js';
import { buildEmergencyAnnouncement } from '../media/emergency-announcement.js';
import type { AnnouncementOutcome, Spoken } from '../media/announcement-call.js';
import type { Change } from '../store/changes.js';
import type { StoreService } from './store-service.js';

/** An emergency number dialled, as the SIP side saw it. */
export interface EmergencyDialled {
  number: string;
  /** The authenticated account that dialled. */
  account: string;
  /** The hot-desk phone it came from, when known. */
  phone?: string;
}

export interface EmergencyServiceOptions {
  store: StoreService;
  log: Logger;
  /** The daemon's one change path. */
  submit(change: Change): Promise<ControlResponse>;
  /** Calls every registration of the extension with the announcement; without it nobody is called. */
  announce?(
    extension: string,
    announcement: { prompts: Spoken[]; language: Language; subject: string },
  ): Promise<AnnouncementOutcome[]>;
  /** Speaks words no recording holds (the user's name); absent or `undefined`: they are not said. */
  speak?(text: string, language: Language): Promise<Int16Array | undefined>;
}

export interface EmergencyService {
  /** Fire and forget: returns at once; the returned promise (for tests) settles when every step is over. */
  dialled(event: EmergencyDialled): Promise<void>;
}

/** The call as recorded: who, from which desk, where that desk is, its callback number. */
export function describeDialled(data: StoreService['data'], event: EmergencyDialled): Omit<EmergencyCall, 'at'> {
  const phone = event.phone === undefined ? undefined : data.phones.find((candidate) => candidate.name === event.phone);
  const accountIsExtension = data.extensions.some((ext) => ext.number === event.account);
  const extension = phone?.session?.extension ?? (accountIsExtension ? event.account : undefined);
  const user = extension === undefined ? undefined : data.extensions.find((ext) => ext.number === extension)?.name;
  const { callback } = phoneEmergencyFields(phone);
  const location = deskLocationText(phone);
  return {
    number: event.number,
    account: event.account,
    ...(phone ? { phone: phone.name } : {}),
    ...(extension !== undefined ? { extension } : {}),
    ...(user ? { user } : {}),
    ...(callback !== undefined ? { callback } : {}),
    ...(location ? { location } : {}),
  };
}

export function createEmergencyService(options: EmergencyServiceOptions): EmergencyService {
  const { store, log } = options;
  return {
    dialled(event) {
      let call: Omit<EmergencyCall, 'at'>;
      try {
        call = describeDialled(store.data, event);
      } catch (error) {
        log.error({ err: error as Error, number: event.number }, 'emergency call: could not describe it');
        call = {
          number: event.number,
          account: event.account,
          ...(event.phone !== undefined ? { phone: event.phone } : {}),
        };
      }
      log.warn(
        { alert: 'emergency-call', phone: call.phone, extension: call.extension, number: call.number },
        emergencyLogLine({ ...call, at: '' }),
      );

      const recorded = options.submit({ kind: 'emergency-call', call }).then(
        (response) => {
          if (!response.ok) log.error({ response, number: call.number }, 'emergency call: could not be recorded');
        },
        (error: Error) => log.error({ err: error, number: call.number }, 'emergency call: could not be recorded'),
      );

      const data = store.data;
      const notify = data.emergency?.notify ?? [];
      const phone =
        call.phone === undefined ? undefined : data.phones.find((candidate) => candidate.name === call.phone);
      const prompts = buildEmergencyAnnouncement({
        account: call.account,
        ...(call.phone !== undefined ? { phone: call.phone } : {}),
        desk: phoneEmergencyFields(phone).desk,
        ...(call.extension !== undefined ? { extension: call.extension } : {}),
      });
      const language = data.settings.defaultLanguage;
      // The user's name, spoken once for every notification (synthesised; never holds up the call itself).
      const speak = options.speak;
      const name: Promise<Int16Array | undefined> =
        call.user !== undefined && speak
          ? speak(call.user, language).catch(() => undefined)
          : Promise.resolve(undefined);
      const announce = options.announce;
      const told = notify
        // The caller is not called about their own call.
        .filter((extension) => extension !== call.extension && extension !== call.account)
        .map(async (extension) => {
          if (!announce) return;
          try {
            const spokenName = await name;
            const words: Spoken[] = spokenName ? [...prompts, spokenName] : prompts;
            const outcomes = await announce(extension, { prompts: words, language, subject: 'Emergency call' });
            if (outcomes.length === 0)
              log.warn(
                { extension, number: call.number },
                'emergency call: notify extension is not registered, nobody told there',
              );
            else log.info({ extension, outcomes }, 'emergency notification call finished');
          } catch (error) {
            log.error({ err: error as Error, extension }, 'emergency notification call failed');
          }
        });
      if (notify.length === 0)
        log.warn(
          { number: call.number },
          'emergency call: no notify extension is set, nobody on site is told (hotdesk emergency notify add EXT)',
        );
      return Promise.all([recorded, ...told]).then(() => undefined);
    },
  };
}

/**
 * One phone's turn in phone-sync (phone-sync.ts): a switch waits for the
 * phone's call to end, then drops the registrations of its previous identity;
 * a lagging configuration gets a check-sync NOTIFY (phone-sync-notify.ts),
 * again with back-off until the phone fetches or the retries run out.
 */
import { checkSyncRetryDelay } from '../../sip/check-sync.js';
import type { StoreData } from '../../store/schema.js';
import { sendCheckSync } from './phone-sync-notify.js';
import { forget, upToDate, type Pending, type PhoneSyncContext } from './phone-sync-context.js';

const identityOf = (data: StoreData, phone: string): string | undefined => {
  const found = data.phones.find((candidate) => candidate.name === phone);
  return found && (found.session?.extension ?? found.name);
};

/** Drops the registrations of the phone's previous identity (remembering the last one to send the NOTIFY to). */
function dropStale(ctx: PhoneSyncContext, phone: string, entry: Pending): void {
  const { options } = ctx;
  entry.switching = false;
  const identity = identityOf(options.data(), phone);
  const stale = options.bindingsOf(phone).filter((binding) => binding.aor !== identity);
  if (stale.length > 0) {
    options.removeBindings(stale);
    entry.lastKnown = stale[stale.length - 1];
    options.log.info(
      { phone, removed: stale.map((binding) => binding.aor) },
      'registrations of the previous identity removed',
    );
  }
}

/** Sends the NOTIFY for the phone's desired generation and sets the retry, or gives up. */
function notify(ctx: PhoneSyncContext, phone: string, entry: Pending): void {
  const { options } = ctx;
  const generation = options.data().phones.find((candidate) => candidate.name === phone)!.desiredGeneration;
  if (generation !== entry.generation) {
    entry.generation = generation;
    entry.attempts = 0;
  }
  const live = options.bindingsOf(phone);
  const target = live[live.length - 1] ?? entry.lastKnown;
  if (!target) {
    options.log.info({ phone }, 'phone not registered: it fetches its configuration when it next boots or checks');
    return forget(ctx, phone);
  }
  entry.attempts += 1;
  sendCheckSync(ctx, phone, target);
  const delay = checkSyncRetryDelay(entry.attempts, options.retryDelaysMs);
  if (delay === undefined) {
    options.log.warn(
      { phone, attempts: entry.attempts },
      'phone did not fetch its new configuration after repeated check-sync NOTIFYs',
    );
    return forget(ctx, phone);
  }
  entry.timer = setTimeout(() => attempt(ctx, phone), delay);
  entry.timer.unref();
}

/** The phone's pending switch and NOTIFY, as far as they can go now. */
export function attempt(ctx: PhoneSyncContext, phone: string): void {
  const { options } = ctx;
  const entry = ctx.pending.get(phone);
  if (!entry || ctx.closed) return;
  entry.timer = undefined;
  if (!options.data().phones.some((candidate) => candidate.name === phone)) return forget(ctx, phone);
  if (entry.switching) {
    if (options.inCall(phone)) {
      entry.timer = setTimeout(() => attempt(ctx, phone), options.busyPollMs ?? 2000);
      entry.timer.unref();
      return;
    }
    dropStale(ctx, phone, entry);
  }
  if (upToDate(ctx, phone)) return forget(ctx, phone);
  notify(ctx, phone, entry);
}

/** Starts (or restarts) the phone's turn; a switch asked for stays asked for. */
export function schedule(ctx: PhoneSyncContext, phone: string, switching: boolean): void {
  const entry = ctx.pending.get(phone);
  if (entry) {
    entry.switching ||= switching;
    if (entry.timer) clearTimeout(entry.timer);
  } else {
    ctx.pending.set(phone, { attempts: 0, generation: -1, timer: undefined, lastKnown: undefined, switching });
  }
  attempt(ctx, phone);
}

/**
 * The glue between a `CliContext` and the Ink screens: the screens may import
 * only core, store, ink and react, so the file, its watch, the writer, secrets
 * and the reason messages come in from here as props.
 */
import type { DashboardProps, StatusWatchProps } from '../tui/run.js';
import type { DeskSource } from '../tui/desk-source.js';
import { watchStore } from '../adapters/json-store.js';
import { randomPassword } from '../adapters/secrets.js';
import type { CliContext } from './context.js';
import { reasonMessage } from './reason-messages.js';
import { applyServed, askServed } from './served-settings.js';
import type { Served } from '../adapters/control-socket.js';

/**
 * The store file, read now and followed through `watchStore`, with the ports a running
 * hotdeskd serves (asked once, when loaded) laid over the stored ones: the provisioning
 * URL the dashboard shows for a new phone is the one phones really use.
 */
export function buildDeskSource(context: CliContext): DeskSource {
  let served: Served | undefined;
  return {
    load: async () => {
      const [data, answer] = await Promise.all([context.read(), askServed(context)]);
      served = answer;
      return applyServed(data, served);
    },
    subscribe(onUpdate) {
      return watchStore(context.paths.store, (event) => {
        if (event.kind === 'unreadable') return onUpdate({ kind: 'error', message: event.error.problem });
        // A removed file reads as the empty store, the same as `context.read()` gives before the first write.
        if (event.data) return onUpdate({ kind: 'data', data: applyServed(event.data, served) });
        context.read().then(
          (data) => onUpdate({ kind: 'data', data: applyServed(data, served) }),
          (error: Error) => onUpdate({ kind: 'error', message: error.message }),
        );
      });
    },
  };
}

export function buildStatusWatchProps(context: CliContext): StatusWatchProps {
  return { source: buildDeskSource(context), catalogue: context.catalogue };
}

export function buildDashboardProps(context: CliContext): DashboardProps {
  return {
    source: buildDeskSource(context),
    catalogue: context.catalogue,
    submit: (change) => context.submit(change),
    newIdlePassword: randomPassword,
    describeReason: reasonMessage,
  };
}

/**
 * Entry points into the Ink screens, loaded lazily by the CLI. Each one only
 * renders a screen on the given terminal and waits for it to end; everything
 * the screens read or change comes in through props (built in src/cli/tui-props.ts).
 */
import { createElement } from 'react';
import { render, type RenderOptions } from 'ink';
import type { Catalogue } from '../core/catalogue.js';
import type { Io } from '../cli/output.js';
import { AddPhoneWizard } from './add-phone-wizard.js';
import { Dashboard, type DashboardProps } from './dashboard.js';
import { StatusWatch, type StatusWatchProps } from './status-watch.js';
import type { WizardAnswer } from './wizard-answer.js';

export type { WizardAnswer } from './wizard-answer.js';
export type { DashboardProps } from './dashboard.js';
export type { StatusWatchProps } from './status-watch.js';

const terminal = (io: Io): RenderOptions => ({
  stdin: io.stdin as NodeJS.ReadStream,
  stdout: io.stdout as NodeJS.WriteStream,
  stderr: io.stderr as NodeJS.WriteStream,
});

/**
 * The add-phone wizard; resolves to the answer, `'cancelled'` after Esc (its last frame
 * said so), or `undefined` after Ctrl-C (nothing said yet).
 * `taken`: MACs of the phones already in the pool → their names.
 */
export async function runAddPhoneWizard(
  catalogue: Catalogue,
  io: Io,
  taken: ReadonlyMap<string, string> = new Map(),
): Promise<WizardAnswer | 'cancelled' | undefined> {
  let answer: WizardAnswer | 'cancelled' | undefined;
  const app = render(
    createElement(AddPhoneWizard, {
      catalogue,
      taken,
      onDone: (given: WizardAnswer | undefined) => {
        answer = given ?? 'cancelled';
        // Let the final frame ("Adding …" / "Cancelled.") paint before leaving.
        setImmediate(() => app.unmount());
      },
    }),
    terminal(io),
  );
  await app.waitUntilExit();
  return answer;
}

/** `status --watch` until q or Ctrl-C. */
export async function runStatusWatch(props: StatusWatchProps, io: Io): Promise<void> {
  await render(createElement(StatusWatch, props), terminal(io)).waitUntilExit();
}

/** The dashboard until q or Ctrl-C. */
export async function runDashboard(props: DashboardProps, io: Io): Promise<void> {
  await render(createElement(Dashboard, props), terminal(io)).waitUntilExit();
}

/** Entry points into the Ink screens, loaded lazily by the CLI. */
import type { Catalogue } from '../core/catalogue.js';
import type { CliContext } from '../cli/context.js';
import type { Io } from '../cli/output.js';

export interface WizardAnswer {
  model: string;
  mac: string;
  connection: 'lan' | 'sbc' | 'direct';
  sbc?: string;
}

export async function runAddPhoneWizard(_catalogue: Catalogue, _io: Io): Promise<WizardAnswer | undefined> {
  throw new Error('not built yet');
}

export async function runStatusWatch(_context: CliContext): Promise<void> {
  throw new Error('not built yet');
}

export async function runDashboard(_context: CliContext): Promise<void> {
  throw new Error('not built yet');
}

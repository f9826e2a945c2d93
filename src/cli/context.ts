/**
 * What every command gets: where the data is, the catalogue, reading the
 * store, and submitting changes — to the daemon over the control socket when
 * it runs, or straight to the file under the writer lock when it does not.
 */
import type { Catalogue } from '../core/catalogue.js';
import type { Outcome } from '../core/reasons.js';
import { fail, ok } from '../core/reasons.js';
import { applyChange, type Change, type ChangeResult } from '../store/changes.js';
import { createStore, type StoreData } from '../store/schema.js';
import { readStore, writeUnderLock } from '../adapters/json-store.js';
import { NoDaemonError, sendControl } from '../adapters/control-socket.js';
import { dataPaths, type DataPaths } from '../adapters/paths.js';
import { primaryAddress } from '../adapters/network.js';
import { randomToken } from '../adapters/secrets.js';
import { createOutput, type Io, type Output } from './output.js';
import { EXIT_REFUSED, reasonMessage } from './reason-messages.js';

/** Thrown by commands to end with a message and an exit code. */
export class CliExit extends Error {
  constructor(
    readonly code: number,
    message = '',
  ) {
    super(message);
  }
}

export interface CliContext {
  io: Io;
  out: Output;
  paths: DataPaths;
  catalogue: Catalogue;
  read(): Promise<StoreData>;
  submit(change: Change): Promise<Outcome<ChangeResult>>;
  /** Submit and turn a refusal into exit 1 with the reason's message. */
  change(change: Change): Promise<ChangeResult>;
  /** `change`, then print what was done. */
  report(change: Change): Promise<void>;
}

const LOCK_WAIT_MS = 60_000;

const newStoreValues = () => ({ address: primaryAddress(), provisioningToken: randomToken() });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createContext(io: Io, dataDir: string, catalogue: Catalogue): CliContext {
  const paths = dataPaths(dataDir);
  const out = createOutput(io);

  async function submit(change: Change): Promise<Outcome<ChangeResult>> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    let holder = 0;
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      try {
        const response = await sendControl(paths.socket, { kind: 'change', change });
        if (response.ok && 'result' in response) return ok(response.result);
        if (!response.ok && 'reason' in response) return fail(response.reason);
        throw new CliExit(
          EXIT_REFUSED,
          `hotdeskd could not apply the change: ${'error' in response ? response.error : 'unexpected answer'}`,
        );
      } catch (error) {
        if (!(error instanceof NoDaemonError)) throw error;
      }
      const written = await writeUnderLock(paths, newStoreValues, (data) => {
        const outcome = applyChange(data, change, { now: new Date().toISOString(), catalogue });
        return outcome.ok ? { next: outcome.value.data, value: ok(outcome.value.result) } : { value: outcome };
      });
      if (written.done) return written.value;
      holder = written.owner.pid;
      // Another writer holds the lock (another hotdesk command, or hotdeskd starting up).
      await sleep(5 + Math.random() * Math.min(200, 10 * (attempt + 1)));
    }
    throw new CliExit(EXIT_REFUSED, `the store is locked by process ${holder}; try again when it has finished`);
  }

  async function submitOrExit(change: Change): Promise<ChangeResult> {
    const outcome = await submit(change);
    if (!outcome.ok) throw new CliExit(EXIT_REFUSED, reasonMessage(outcome.reason));
    if (outcome.value.kind === 'done') for (const warning of outcome.value.warnings) out.warn(warning);
    return outcome.value;
  }

  return {
    io,
    out,
    paths,
    catalogue,
    async read() {
      return (
        (await readStore(paths.store)) ??
        createStore({ address: primaryAddress(), provisioningToken: '(not created yet)' })
      );
    },
    submit,
    change: submitOrExit,
    async report(change) {
      const result = await submitOrExit(change);
      if (result.kind === 'done') out.line(result.message);
    },
  };
}

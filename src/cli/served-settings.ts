/**
 * What phones are really told: a running hotdeskd's answer (the ports it listens on,
 * also when a flag overrides the store or a change waits for a restart), or the stored
 * settings when no hotdeskd runs — said so in one line.
 */
import { ControlError, NoDaemonError, sendControl, type Served } from '../adapters/control-socket.js';
import type { StoreData } from '../store/schema.js';
import type { CliContext } from './context.js';

export interface ServedSettings {
  /** The store with the ports (and address) a running hotdeskd gives phones in place of the stored ones. */
  data: StoreData;
  /** hotdeskd's answer; `undefined` when none runs (or it is too old to say). */
  served: Served | undefined;
}

/** How long to wait for hotdeskd's answer before showing the stored settings. */
const PING_MS = 3000;

/** The stored settings with what hotdeskd serves laid over them. Pure. */
export function applyServed(stored: StoreData, served: Served | undefined): StoreData {
  if (!served) return stored;
  return {
    ...stored,
    settings: {
      ...stored.settings,
      ...(served.sipPort !== undefined ? { sipPort: served.sipPort } : {}),
      ...(served.httpPort !== undefined ? { httpPort: served.httpPort } : {}),
    },
  };
}

/** Asks a running hotdeskd what it serves; `undefined` when none answers. */
export async function askServed(ctx: CliContext): Promise<Served | undefined> {
  try {
    const response = await sendControl(ctx.paths.socket, { kind: 'ping' }, PING_MS);
    return response.ok && 'pong' in response ? response.pong.served : undefined;
  } catch (error) {
    if (error instanceof NoDaemonError || error instanceof ControlError) return undefined;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'ENOTSOCK' || code === 'EPERM') return undefined;
    throw error;
  }
}

export async function readServed(ctx: CliContext, stored?: StoreData): Promise<ServedSettings> {
  const data = stored ?? (await ctx.read());
  const served = await askServed(ctx);
  return { data: applyServed(data, served), served };
}

/** The line that says where the values shown come from, when not from a running hotdeskd. */
export const STORED_NOTE =
  'hotdeskd is not running: these are the stored settings (a hotdeskd started with --sip-port or --http-port ' +
  'serves others)';

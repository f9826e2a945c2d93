/**
 * SIP authentication blocks live in the running hotdeskd only (they end by
 * themselves after minutes, or with a restart): the CLI asks it over the
 * control socket.
 */
import { NoDaemonError, sendControl, type SipBlock } from '../adapters/control-socket.js';
import type { DataPaths } from '../adapters/paths.js';
import type { Output } from './output.js';
import { lockEnd } from './reason-messages.js';

/** The blocks in force, or `undefined` when hotdeskd is not running. */
export async function fetchSipBlocks(
  paths: DataPaths,
  request: { kind: 'blocks' } | { kind: 'unblock'; target: string } = { kind: 'blocks' },
): Promise<SipBlock[] | undefined> {
  try {
    const response = await sendControl(paths.socket, request, 5000);
    if (response.ok && 'blocks' in response) return response.blocks;
    throw new Error(`hotdeskd answered ${'error' in response ? response.error : 'something else'}`);
  } catch (error) {
    if (error instanceof NoDaemonError) return undefined;
    throw error;
  }
}

export function describeSipBlock(block: SipBlock): string {
  const what =
    block.kind === 'source'
      ? `address ${block.key}`
      : `account ${block.key} (from addresses it has not logged in from lately)`;
  return `SIP authentication blocked for ${what} until ${lockEnd(block.until)} after repeated wrong passwords`;
}

export function printSipBlocks(out: Output, blocks: readonly SipBlock[]): void {
  for (const block of blocks)
    out.line(`${out.colour.red.bold('BLOCKED')} ${describeSipBlock(block)} (hotdesk unblock ${block.key})`);
}

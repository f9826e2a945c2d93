/** The control socket's requests, answered: ping, SIP authentication blocks, and changes (through the write path). */
import type { ControlRequest, ControlResponse, Pong, SipBlock, SipDigestFailure } from '../adapters/control-socket.js';
import type { Logger } from '../adapters/log.js';
import type { Change } from '../store/changes.js';
import type { AuthBlock, Authenticator, DigestFailure } from './sip/authenticator.js';

export interface ControlHandlerOptions {
  log: Logger;
  pong: () => Pong;
  /** The SIP side's authenticator, when SIP runs. */
  authenticator: () => Authenticator | undefined;
  submit: (change: Change) => Promise<ControlResponse>;
}

function digestFailureView(failure: DigestFailure): SipDigestFailure {
  return {
    account: failure.account,
    offered: failure.offered,
    kind: failure.kind,
    ...(failure.algorithm !== undefined ? { algorithm: failure.algorithm } : {}),
    source: failure.source,
    at: new Date(failure.atMs).toISOString(),
  };
}

function sipBlocks(blocks: readonly AuthBlock[]): SipBlock[] {
  return blocks.map((block) => ({ kind: block.kind, key: block.key, until: new Date(block.untilMs).toISOString() }));
}

export function createControlHandler(
  options: ControlHandlerOptions,
): (request: ControlRequest) => Promise<ControlResponse> {
  return async (request) => {
    const authenticator = options.authenticator();
    switch (request.kind) {
      case 'ping':
        return { ok: true, pong: options.pong() };
      case 'blocks':
        return { ok: true, blocks: sipBlocks(authenticator?.blocked(Date.now()) ?? []) };
      case 'digest-failures':
        return { ok: true, digestFailures: (authenticator?.digestFailures() ?? []).map(digestFailureView) };
      case 'unblock': {
        const lifted = authenticator?.unblock(request.target, Date.now()) ?? [];
        if (lifted.length > 0)
          options.log.info({ target: request.target }, 'SIP authentication block lifted by an admin');
        return { ok: true, blocks: sipBlocks(lifted) };
      }
      case 'change':
        return options.submit(request.change);
    }
  };
}

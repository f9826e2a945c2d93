/**
 * The SIP stack: our transport under the npm `sip` package's transaction
 * layer (RFC 3261 §17). Requests reach `onRequest` once per transaction;
 * responses to our client transactions reach the callback given to `send`.
 * A bug while handling one request answers 500 and is logged with the
 * Call-ID; the stack keeps serving.
 */
import sip from 'sip';
import type { TransactionLayer } from 'sip';
import type { Endpoint, SipMessage, SipRequest, SipResponse } from '../sip/message.js';
import { buildResponse, isRequest } from '../sip/message.js';
import { startSipTransport, type SipTransport, type TransportOptions } from './sip-transport.js';
import type { Logger } from './log.js';

export interface SipStackOptions extends Omit<TransportOptions, 'onMessage'> {
  log: Logger;
  onRequest(request: SipRequest, remote: Endpoint): void;
  /** A response that matches no client transaction (e.g. a retransmitted 2xx). */
  onStrayResponse?(response: SipResponse, remote: Endpoint): void;
}

export interface SipStack {
  readonly transport: SipTransport;
  /** Sends a response through the server transaction of its request. */
  respond(response: SipResponse): void;
  /**
   * Sends a request in a new client transaction to `target`. A Via for us is
   * pushed on top (its branch set by the transaction layer). ACK for a 2xx
   * is sent without a transaction.
   */
  send(request: SipRequest, target: Endpoint, onResponse?: (response: SipResponse) => void): void;
  close(): Promise<void>;
}

export async function startSipStack(options: SipStackOptions): Promise<SipStack> {
  let layer: TransactionLayer | undefined;
  const handle = (message: SipMessage, remote: Endpoint): void => {
    if (!layer) return;
    if (!isRequest(message)) {
      const client = layer.getClient(message);
      if (client) client.message(message, remote);
      else options.onStrayResponse?.(message, remote);
      return;
    }
    const existing = layer.getServer(message);
    if (existing) {
      existing.message(message, remote);
      return;
    }
    if (message.method === 'ACK') {
      safely(message, remote, () => options.onRequest(message, remote));
      return;
    }
    const transaction = layer.createServerTransaction(message, transport.open(remote));
    safely(message, remote, () => options.onRequest(message, remote), () =>
      transaction.send(buildResponse(message, 500, 'Server Internal Error')),
    );
  };
  const safely = (message: SipRequest, remote: Endpoint, work: () => void, onError?: () => void): void => {
    try {
      work();
    } catch (error) {
      options.log.error({ callId: message.headers['call-id'], method: message.method, source: remote.address, err: error }, 'request failed');
      onError?.();
    }
  };
  const transport = await startSipTransport({ ...options, onMessage: handle });
  layer = sip.makeTransactionLayer({}, (target, onError) => transport.open(target, onError));

  return {
    transport,
    respond(response) {
      layer?.getServer(response)?.send(response);
    },
    send(request, target, onResponse) {
      if (!layer) return;
      if (request.method !== 'CANCEL') request.headers.via = [{ version: '2.0', protocol: target.protocol, host: '', params: {} }, ...(request.headers.via ?? [])];
      const connection = transport.open(target, (error) =>
        options.log.warn({ callId: request.headers['call-id'], target: `${target.address}:${target.port}`, err: error }, 'send failed'),
      );
      if (request.method === 'ACK') {
        request.headers.via[0]!.params['branch'] = sip.generateBranch();
        connection.send(request);
        return;
      }
      layer.createClientTransaction(connection, request, (response) => onResponse?.(response));
    },
    async close() {
      layer?.destroy();
      layer = undefined;
      await transport.close();
    },
  };
}

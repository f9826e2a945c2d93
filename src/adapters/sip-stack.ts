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
import { createAnswerCache } from '../sip/answer-cache.js';
import { createRecentCount } from '../sip/recent-count.js';
import type { AdmissionLimits } from '../sip/admission.js';
import { createAdmissionGate } from './admission-gate.js';
import type { Logger } from './log.js';

export interface SipStackOptions extends Omit<TransportOptions, 'onMessage'> {
  log: Logger;
  /**
   * Most server transactions kept at once. The `sip` package keeps each one
   * about 32 s after its answer (RFC 3261 Timer J), so memory follows the
   * request rate; past the cap new requests get 503 with Retry-After, sent
   * without a transaction. Default DEFAULT_MAX_TRANSACTIONS.
   */
  maxTransactions?: number;
  /**
   * When new requests are refused 503 (or dropped unread): by event-loop delay and
   * requests in flight (admission.ts). Default DEFAULT_ADMISSION.
   */
  admission?: Partial<AdmissionLimits>;
  /** Bytes of REGISTER/SUBSCRIBE answers kept for retransmissions (answer-cache.ts). Default DEFAULT_ANSWER_BUDGET_BYTES. */
  answerBudgetBytes?: number;
  /** `multicast`: it arrived on a multicast group (TransportOptions.multicastGroups). */
  onRequest(request: SipRequest, remote: Endpoint, multicast: boolean): void;
  /** A response that matches no client transaction (e.g. a retransmitted 2xx). */
  onStrayResponse?(response: SipResponse, remote: Endpoint): void;
}

/**
 * About 90 MiB of transactions: some 900 requests a second held for their 32 s. REGISTER
 * and SUBSCRIBE are not counted: their answers are kept by bytes (answer-cache.ts).
 */
export const DEFAULT_MAX_TRANSACTIONS = 30_000;
/** How long the `sip` package keeps a finished server transaction (UDP Timer J, 64 × T1). */
const TRANSACTION_LIFETIME_S = 32;
const RETRY_AFTER_S = 5;

/**
 * Requests answered without a server transaction: OPTIONS outside a dialog
 * (a keep-alive or a probe; answering a retransmission again costs nothing),
 * and every refusal for overload.
 */
export const isStateless = (request: SipRequest): boolean =>
  request.method === 'OPTIONS' && !request.headers.to.params['tag'];

/** Requests whose answers hotdeskd makes itself and keeps as bytes for retransmissions (answer-cache.ts). */
const isLightMethod = (method: string): boolean => method === 'REGISTER' || method === 'SUBSCRIBE';
export const isLight = (request: SipRequest): boolean => isLightMethod(request.method);

export interface StackCounters {
  /** Server transactions created within the last 32 s (an upper bound of those alive). */
  readonly liveTransactions: number;
  /** Requests refused 503 because the transaction cap was reached. */
  readonly shed: number;
  /** Requests answered without a transaction. */
  readonly stateless: number;
  /** REGISTER/SUBSCRIBE answers (or requests in progress) kept for retransmissions. */
  readonly answersHeld?: number;
  /** Their bytes, as counted against the budget. */
  readonly answerBytes?: number;
}

export interface SipStack {
  readonly transport: SipTransport;
  readonly counters: StackCounters;
  /** Sends a response through the server transaction of its request. */
  respond(response: SipResponse): void;
  /**
   * Sends a request in a new client transaction to `target`. A Via for us is
   * pushed on top (its branch set by the transaction layer). ACK for a 2xx
   * is sent without a transaction.
   */
  send(request: SipRequest, target: Endpoint, onResponse?: (response: SipResponse) => void): void;
  /**
   * Leaves a request unanswered on purpose: its server transaction stays for 32 s
   * (RFC 3261 Timer J) so retransmissions are absorbed without reaching `onRequest`
   * again, then goes.
   */
  ignore(request: SipRequest): void;
  close(): Promise<void>;
}

/**
 * How a service gets its stack: {@link startSipStack} in the daemon, an in-memory
 * one in tests (test/support/fake-network.ts).
 */
export type StartSipStack = (options: SipStackOptions) => Promise<SipStack>;

export async function startSipStack(options: SipStackOptions): Promise<SipStack> {
  let layer: TransactionLayer | undefined;
  const now = options.now ?? Date.now;
  const maxTransactions = options.maxTransactions ?? DEFAULT_MAX_TRANSACTIONS;
  const transactions = createRecentCount(TRANSACTION_LIFETIME_S, now());
  let shed = 0;
  let stateless = 0;
  let lastShedLog = -Infinity;
  const admission = createAdmissionGate(options.admission);
  /** Answers sent without a transaction, by the request's branch and method, until their final response. */
  const pending = new Map<string, { remote: Endpoint; atMs: number }>();
  const keyOf = (message: SipMessage): string =>
    `${message.headers.via[0]?.params['branch'] ?? ''}|${message.headers.cseq.method}|${message.headers['call-id']}`;
  const sendStateless = (response: SipResponse, remote: Endpoint): void => {
    transport.open(remote).send(response);
  };
  /**
   * REGISTER and SUBSCRIBE get a light server transaction (RFC 3261 §17.2.2): their
   * final answer, encoded, is kept 32 s to answer retransmissions (so a retransmitted
   * REGISTER is not authenticated twice), without the `sip` package's per-transaction
   * timers and closures; bounded by bytes (answer-cache.ts).
   */
  const answers = createAnswerCache(options.answerBudgetBytes);
  const respondLight = (response: SipResponse): boolean => {
    const key = keyOf(response);
    const entry = answers.get(key, now());
    if (!entry) return false;
    if (entry.final) return true;
    const bytes = transport.encode(response, entry.remote.protocol);
    if (response.status >= 200) answers.settle(key, bytes, now());
    transport.sendBytes(entry.remote, bytes);
    return true;
  };
  const refuse = (message: SipRequest, remote: Endpoint, why: string): void => {
    shed++;
    // RFC 3261 §21.5.4: overloaded, try again after Retry-After; no state kept for it.
    sendStateless(
      buildResponse(message, 503, 'Service Unavailable', { headers: { 'retry-after': String(RETRY_AFTER_S) } }),
      remote,
    );
    if (now() - lastShedLog >= 60_000) {
      lastShedLog = now();
      const held = transactions.count(now());
      options.log.warn(
        { event: 'sip-overload', why, transactions: held, limit: maxTransactions, inFlight: answers.inFlight },
        'SIP overload: new requests answered 503 with Retry-After',
      );
    }
  };
  const handle = (message: SipMessage, remote: Endpoint, multicast: boolean): void => {
    if (!layer) return;
    if (!isRequest(message)) {
      const client = layer.getClient(message);
      if (client) client.message(message, remote);
      else options.onStrayResponse?.(message, remote);
      return;
    }
    const lightKey = isLight(message) ? keyOf(message) : undefined;
    if (lightKey !== undefined) {
      const held = answers.get(lightKey, now());
      if (held) {
        // A retransmission: the final answer again, or nothing while the first is being answered.
        if (held.final) transport.sendBytes(remote, held.final);
        return;
      }
    } else {
      const existing = layer.getServer(message);
      if (existing) {
        existing.message(message, remote);
        return;
      }
    }
    if (message.method === 'ACK') {
      safely(message, remote, () => options.onRequest(message, remote, multicast));
      return;
    }
    if (isStateless(message)) {
      stateless++;
      const key = keyOf(message);
      pending.set(key, { remote, atMs: now() });
      if (pending.size > 1000) {
        // Requests the service never answered: forget them after a few seconds.
        for (const [old, entry] of pending) {
          if (now() - entry.atMs < 5000 && pending.size <= 10_000) break;
          pending.delete(old);
        }
      }
      safely(
        message,
        remote,
        () => options.onRequest(message, remote, multicast),
        () => {
          pending.delete(key);
          sendStateless(buildResponse(message, 500, 'Server Internal Error'), remote);
        },
      );
      return;
    }
    const verdict = admission.admit(message, answers.inFlight);
    if (verdict === 'drop') return;
    if (verdict === 'shed') return refuse(message, remote, 'delay');
    if (lightKey !== undefined) {
      answers.begin(lightKey, remote, now());
      safely(
        message,
        remote,
        () => options.onRequest(message, remote, multicast),
        () => respondLight(buildResponse(message, 500, 'Server Internal Error')),
      );
      return;
    }
    if (transactions.count(now()) >= maxTransactions) return refuse(message, remote, 'transactions');
    transactions.add(now());
    const transaction = layer.createServerTransaction(message, transport.open(remote));
    safely(
      message,
      remote,
      () => options.onRequest(message, remote, multicast),
      () => transaction.send(buildResponse(message, 500, 'Server Internal Error')),
    );
  };
  const safely = (message: SipRequest, remote: Endpoint, work: () => void, onError?: () => void): void => {
    try {
      work();
    } catch (error) {
      options.log.error(
        { callId: message.headers['call-id'], method: message.method, source: remote.address, err: error },
        'request failed',
      );
      onError?.();
    }
  };
  const transport = await startSipTransport({ ...options, onMessage: handle, dropUnread: admission.dropUnread });
  layer = sip.makeTransactionLayer({}, (target, onError) => transport.open(target, onError));

  return {
    transport,
    counters: {
      get liveTransactions() {
        return transactions.count(now());
      },
      get shed() {
        return shed;
      },
      get stateless() {
        return stateless;
      },
      get answersHeld() {
        return answers.size;
      },
      get answerBytes() {
        return answers.bytes;
      },
    },
    respond(response) {
      // A REGISTER or SUBSCRIBE never has a server transaction of the package's (see `handle`).
      if (isLightMethod(response.headers.cseq.method) && respondLight(response)) return;
      const server = layer?.getServer(response);
      if (server) return server.send(response);
      const key = keyOf(response);
      const entry = pending.get(key);
      if (!entry) return;
      if (response.status >= 200) pending.delete(key);
      sendStateless(response, entry.remote);
    },
    send(request, target, onResponse) {
      if (!layer) return;
      if (request.method !== 'CANCEL')
        request.headers.via = [
          { version: '2.0', protocol: target.protocol, host: '', params: {} },
          ...(request.headers.via ?? []),
        ];
      const connection = transport.open(target, (error) =>
        options.log.warn(
          { callId: request.headers['call-id'], target: `${target.address}:${target.port}`, err: error },
          'send failed',
        ),
      );
      if (request.method === 'ACK') {
        request.headers.via[0]!.params['branch'] = sip.generateBranch();
        connection.send(request);
        return;
      }
      layer.createClientTransaction(connection, request, (response) => onResponse?.(response));
    },
    ignore(request) {
      // A light one stays held, unanswered, until its 32 s are over (answer-cache.ts).
      const server = layer?.getServer(request);
      if (server) setTimeout(() => server.shutdown(), TRANSACTION_LIFETIME_S * 1000).unref();
    },
    async close() {
      admission.stop();
      layer?.destroy();
      layer = undefined;
      await transport.close();
    },
  };
}

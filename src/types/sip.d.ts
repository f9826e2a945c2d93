/** Hand-written types for the untyped npm `sip` package (0.0.6), the parts hotdesk uses. */
declare module 'sip' {
  import type { SipMessage, SipRequest, SipResponse, SipUri } from '../sip/message.js';

  export interface Connection {
    send(message: SipMessage): void;
    protocol: string;
    release(): void;
  }

  export interface Target {
    protocol: string;
    address: string;
    port: number;
  }

  export interface ServerTransaction {
    send(response: SipResponse): void;
    message(request: SipRequest, remote?: Target): void;
    shutdown(): void;
  }

  export interface ClientTransaction {
    message(response: SipResponse, remote?: Target): void;
    shutdown(): void;
  }

  export interface TransactionLayer {
    createServerTransaction(request: SipRequest, connection: Connection): ServerTransaction;
    createClientTransaction(
      connection: Connection,
      request: SipRequest,
      callback: (response: SipResponse) => void,
    ): ClientTransaction;
    getServer(message: SipMessage): ServerTransaction | undefined;
    getClient(message: SipMessage): ClientTransaction | undefined;
    destroy(): void;
  }

  export function makeTransactionLayer(
    options: Record<string, unknown>,
    open: (target: Target, onError?: (error: Error) => void) => Connection,
  ): TransactionLayer;

  /** Parses one datagram or framed message; `undefined` when it is not SIP. */
  export function parse(data: string | Buffer): SipMessage | undefined;
  export function stringify(message: SipMessage): string;
  export function parseUri(text: string | SipUri): SipUri | undefined;
  export function stringifyUri(uri: SipUri | string): string;
  export function makeStreamParser(
    onMessage: (message: SipMessage) => void,
    onFlood?: () => void,
    maxBytesHeaders?: number,
    maxContentLength?: number,
  ): (data: string) => void;
  export function copyMessage<T extends SipMessage>(message: T, deep?: boolean): T;
  export function generateBranch(): string;
}

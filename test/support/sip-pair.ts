/**
 * Two SIP stacks on the in-memory network (fake-network.ts): `ours` (what
 * hotdeskd runs on) and `phone`, each handing its requests to the handler the
 * test sets; `ask` sends from one to the other and resolves with the final
 * response.
 */
import { createLogger } from '../../src/adapters/log.js';
import type { SipStack } from '../../src/adapters/sip-stack.js';
import type { Endpoint, SipRequest, SipResponse } from '../../src/sip/message.js';
import { createFakeNetwork, type FakeNetwork } from './fake-network.js';

export type RequestHandler = (request: SipRequest, remote: Endpoint) => void;

export interface SipPair {
  network: FakeNetwork;
  ours: SipStack;
  phone: SipStack;
  /** Where each stack is, as the other sends to it. */
  oursAt: Endpoint;
  phoneAt: Endpoint;
  onOurs(handler: RequestHandler): void;
  onPhone(handler: RequestHandler): void;
  /** Sends from `from` to the other stack; resolves with the final response. */
  ask(from: 'ours' | 'phone', request: SipRequest): Promise<SipResponse>;
  close(): Promise<void>;
}

/** A request as a phone builds it (the stack adds the Via). */
export function sipRequest(
  method: string,
  callId: string,
  tags: { from: string; to?: string },
  seq: number,
  headers: Record<string, unknown> = {},
  content = '',
): SipRequest {
  return {
    method,
    uri: 'sip:hotdesk@127.0.0.1',
    version: '2.0',
    headers: {
      via: [],
      from: { uri: 'sip:HD0001@office.test', params: { tag: tags.from } },
      to: { uri: 'sip:hotdesk@office.test', params: tags.to ? { tag: tags.to } : {} },
      'call-id': callId,
      cseq: { seq, method },
      'max-forwards': '70',
      ...headers,
    },
    content,
  };
}

export async function startSipPair(): Promise<SipPair> {
  const network = createFakeNetwork();
  const log = createLogger({ level: 'silent' });
  let oursHandler: RequestHandler = () => undefined;
  let phoneHandler: RequestHandler = () => undefined;
  const ours = await network.startStack({ bind: '127.0.0.1', port: 5060, log, onRequest: (r, e) => oursHandler(r, e) });
  const phone = await network.startStack({
    bind: '127.0.0.2',
    port: 5060,
    log,
    onRequest: (r, e) => phoneHandler(r, e),
  });
  const oursAt: Endpoint = { protocol: 'UDP', address: '127.0.0.1', port: 5060 };
  const phoneAt: Endpoint = { protocol: 'UDP', address: '127.0.0.2', port: 5060 };
  return {
    network,
    ours,
    phone,
    oursAt,
    phoneAt,
    onOurs: (handler) => (oursHandler = handler),
    onPhone: (handler) => (phoneHandler = handler),
    ask: (from, request) =>
      new Promise((resolve) => {
        const [stack, to] = from === 'ours' ? [ours, phoneAt] : [phone, oursAt];
        stack.send(request, to, (response) => {
          if (response.status >= 200) resolve(response);
        });
      }),
    close: async () => {
      await ours.close();
      await phone.close();
    },
  };
}

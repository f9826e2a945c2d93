/**
 * Forwarding a request inside a known dialog (proxy.ts): our own Route entry
 * stripped, Max-Forwards counted down, the CSeq shifted on the way to the
 * trunk (proxy-context.ts) and its responses shifted back.
 */
import type { Endpoint, SipRequest, SipUri } from '../../sip/message.js';
import { copyMessage } from '../../adapters/sip-syntax.js';
import { decrementMaxForwards, uriOf, type ProxyContext } from './proxy-context.js';

export function forwardInDialog(
  ctx: ProxyContext,
  request: SipRequest,
  ownUri: (uri: SipUri) => boolean,
  endpoint: Endpoint,
  onFinal?: (status: number) => void,
): void {
  const { stack, shifts } = ctx;
  const forwarded = copyMessage(request, true);
  // RFC 3261 §16.4: strip our own entry from the top of the route set.
  const routes = [...(forwarded.headers.route ?? [])];
  while (routes.length > 0 && ownUri(uriOf(routes[0]!.uri) ?? ({ host: '' } as SipUri))) routes.shift();
  if (routes.length > 0) forwarded.headers.route = routes;
  else delete forwarded.headers.route;
  decrementMaxForwards(forwarded);
  const callId = request.headers['call-id'];
  const entry = shifts.get(callId);
  const shift = entry && entry.callerTag === request.headers.from.params['tag'] ? entry.shift : 0;
  if (shift) forwarded.headers.cseq = { ...forwarded.headers.cseq, seq: forwarded.headers.cseq.seq + shift };
  if (request.method === 'BYE') {
    ctx.options.onCallEvent?.({ callId, phase: 'terminated', request });
    shifts.delete(callId);
  }
  if (request.method === 'ACK') {
    stack.send(forwarded, endpoint);
    return;
  }
  stack.send(forwarded, endpoint, (response) => {
    if (response.status === 408 && request.method === 'BYE') ctx.log.debug({ callId }, 'BYE timed out');
    if (response.status >= 200) onFinal?.(response.status);
    ctx.upstream(response, shift);
  });
}

/**
 * Asks a SIP server whether it is there: one OPTIONS request (RFC 3261 §11)
 * over UDP or TCP, and the first answer to it. Any final or provisional
 * status counts as an answer (a trunk may well say 401 or 405 to a stranger);
 * silence until the timeout, a refused port or an unknown host does not.
 * Used by `hotdesk doctor`; a client only, it never listens on a known port.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { lookup } from 'node:dns/promises';
import { randomBytes } from 'node:crypto';
import sip from 'sip';

export interface SipProbeOptions {
  /** Host name or IP address (IPv6 with or without brackets). */
  host: string;
  /** Default 5060. */
  port?: number;
  transport?: 'udp' | 'tcp';
  /** Default 2000 ms. */
  timeoutMs?: number;
  /** For the User-Agent header. */
  userAgent?: string;
}

export type SipProbeResult =
  | { kind: 'answered'; status: number; reason: string; ms: number; date?: string; server?: string }
  | { kind: 'timeout'; ms: number }
  | { kind: 'refused' }
  | { kind: 'error'; problem: string };

const token = (): string => randomBytes(8).toString('hex');
const hostPart = (address: string): string => (address.includes(':') ? `[${address}]` : address);

/** The OPTIONS request text; `local` is our address and port as the Via sent-by. */
export function buildOptionsRequest(
  target: { host: string; port: number; transport: 'udp' | 'tcp' },
  local: { address: string; port: number },
  ids: { callId: string; branch: string; tag: string },
  userAgent = 'hotdesk-doctor',
): string {
  const uri = `sip:${hostPart(target.host)}:${target.port}`;
  return [
    `OPTIONS ${uri} SIP/2.0`,
    `Via: SIP/2.0/${target.transport.toUpperCase()} ` +
      `${hostPart(local.address)}:${local.port};branch=z9hG4bK${ids.branch};rport`,
    'Max-Forwards: 70',
    `From: <sip:doctor@${hostPart(local.address)}>;tag=${ids.tag}`,
    `To: <${uri}>`,
    `Call-ID: ${ids.callId}`,
    'CSeq: 1 OPTIONS',
    'Accept: application/sdp',
    `User-Agent: ${userAgent}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

interface Answer {
  status?: number;
  reason?: string;
  headers?: Record<string, unknown>;
}

/** A parsed response to our Call-ID, else `undefined`. */
function answerOf(bytes: Buffer | string, callId: string): Answer | undefined {
  let message: Answer | undefined;
  try {
    message = sip.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8')) as Answer | undefined;
  } catch {
    return undefined;
  }
  if (!message || typeof message.status !== 'number' || message.headers?.['call-id'] !== callId) return undefined;
  return message;
}

function answered(message: Answer, started: number): SipProbeResult {
  const date = message.headers?.['date'];
  const server = message.headers?.['server'] ?? message.headers?.['user-agent'];
  return {
    kind: 'answered',
    status: message.status!,
    reason: message.reason ?? '',
    ms: Date.now() - started,
    ...(typeof date === 'string' ? { date } : {}),
    ...(typeof server === 'string' ? { server } : {}),
  };
}

function failure(error: NodeJS.ErrnoException): SipProbeResult {
  if (error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET') return { kind: 'refused' };
  return { kind: 'error', problem: error.code ?? error.message };
}

/** Sends one OPTIONS and waits for the answer; never rejects. */
export async function probeSipOptions(options: SipProbeOptions): Promise<SipProbeResult> {
  const port = options.port ?? 5060;
  const timeoutMs = options.timeoutMs ?? 2000;
  const transport = options.transport ?? 'udp';
  const bare = options.host.replace(/^\[(.*)\]$/, '$1');
  let address: string;
  let family: number;
  try {
    ({ address, family } = net.isIP(bare) ? { address: bare, family: net.isIP(bare) } : await lookup(bare));
  } catch (error) {
    return {
      kind: 'error',
      problem: `cannot resolve ${bare} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    };
  }
  const ids = { callId: `${token()}@hotdesk-doctor`, branch: token(), tag: token() };
  const target = { host: bare, port, transport };
  const started = Date.now();
  return new Promise<SipProbeResult>((resolve) => {
    let settled = false;
    let close = (): void => undefined;
    const finish = (result: SipProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      close();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout', ms: timeoutMs }), timeoutMs);
    if (transport === 'udp') {
      const socket = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
      close = () => socket.close();
      socket.on('error', (error) => finish(failure(error)));
      socket.on('message', (bytes) => {
        const message = answerOf(bytes, ids.callId);
        if (message) finish(answered(message, started));
      });
      // Connected: the kernel then reports an ICMP "port unreachable" as ECONNREFUSED instead of silence.
      socket.connect(port, address, () => {
        const local = socket.address();
        socket.send(buildOptionsRequest(target, { address: local.address, port: local.port }, ids, options.userAgent));
      });
    } else {
      const socket = net.connect({ host: address, port });
      close = () => socket.destroy();
      let text = '';
      socket.setEncoding('utf8');
      socket.on('error', (error) => finish(failure(error)));
      socket.on('connect', () => {
        socket.write(
          buildOptionsRequest(
            target,
            { address: socket.localAddress ?? address, port: socket.localPort ?? 0 },
            ids,
            options.userAgent,
          ),
        );
      });
      socket.on('data', (chunk: string) => {
        text += chunk;
        const end = text.indexOf('\r\n\r\n');
        if (end < 0) return;
        const message = answerOf(text.slice(0, end + 4), ids.callId);
        if (message) finish(answered(message, started));
      });
      socket.on('end', () => finish({ kind: 'error', problem: 'the connection was closed without an answer' }));
    }
  });
}

/**
 * What a REGISTER costs hotdeskd, in CPU: a closed loop of registrations from
 * one UDP socket in this process (each answered before the next of its slot
 * goes), against the built daemon, with hotdeskd's CPU time read from /proc
 * before and after. Two kinds, measured apart:
 *
 * - challenged: REGISTER without credentials → 401 (a fresh nonce each);
 * - authenticated: REGISTER with digest credentials (nonces fetched first,
 *   nc counting up) → 200.
 *
 * A phone's registration is one of each. Unlike bench:register this asks for
 * no rate: it measures the work per request, with the machine's scheduling
 * and SIPp's own CPU out of the figure. Prints figures; asserts nothing.
 *
 *   npm run bench:register-cpu                 (builds first; about 30 s)
 *   BENCH_REQUESTS=40000   requests of each kind
 *   BENCH_WINDOW=64        requests in flight at once
 *   BENCH_ACCOUNTS=1000
 *   BENCH_PIN=1            hotdeskd and this process on a core each (for BENCH_NODE_ARGS=--cpu-prof)
 */
import dgram from 'node:dgram';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import {
  DOMAIN,
  cpuTicks,
  credentials,
  envNumber,
  machineLoad,
  md5Challenge,
  mib,
  printDaemonWarnings,
  rssKiB,
  startHotdeskd,
  workspace,
  writeOffice,
  type Account,
} from './sip-bench.js';

const ACCOUNTS = envNumber('BENCH_ACCOUNTS', 1000);
const REQUESTS = envNumber('BENCH_REQUESTS', 40_000);
const WINDOW = envNumber('BENCH_WINDOW', 64);
/** utime + stime of hotdeskd, ms. */
const cpuMs = (pid: number): number => cpuTicks(pid) * 10;

const space = workspace('hd-bench-register-cpu-');
mkdirSync(space.data, { recursive: true });
const accounts: Account[] = Array.from({ length: ACCOUNTS }, (_, i) => ({
  number: String(10000 + i),
  password: `pw-${randomBytes(6).toString('hex')}`,
}));
await writeOffice(space.data, accounts);
const daemon = await startHotdeskd(space.data);
if (process.env['BENCH_PIN']) {
  // hotdeskd on the second core, this process on the first (taskset, util-linux): steadier CPU profiles.
  execFileSync('taskset', ['-a', '-p', '-c', '1', String(daemon.pid)]);
  execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)]);
}
const socket = dgram.createSocket('udp4');
await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
const local = socket.address();
const tag = randomBytes(4).toString('hex');

function register(account: string, branch: string, cseq: number, authorization?: string): Buffer {
  return Buffer.from(
    [
      `REGISTER sip:${DOMAIN} SIP/2.0`,
      `Via: SIP/2.0/UDP ${local.address}:${local.port};branch=z9hG4bK${branch};rport`,
      'Max-Forwards: 70',
      `From: <sip:${account}@${DOMAIN}>;tag=${tag}`,
      `To: <sip:${account}@${DOMAIN}>`,
      `Call-ID: ${account}-${tag}@${local.address}`,
      `CSeq: ${cseq} REGISTER`,
      `Contact: <sip:${account}@${local.address}:${local.port}>`,
      'Expires: 3600',
      ...(authorization ? [`Authorization: ${authorization}`] : []),
      'User-Agent: hotdesk-bench',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
    'latin1',
  );
}

/**
 * Sends every datagram, `WINDOW` at a time, each slot's next after the last one's answer, and sends a
 * request again after 500 ms without an answer (RFC 3261 Timer A, as a phone does: hotdeskd drops new
 * requests unread when it is busy with more waiting). The answers, one per request, by status.
 */
async function closedLoop(
  requests: readonly Buffer[],
): Promise<{ statuses: Map<number, number>; answers: string[]; resent: number }> {
  const statuses = new Map<number, number>();
  const answers: string[] = [];
  /** Requests sent and not answered yet, by index: when last sent. */
  const pending = new Map<number, number>();
  let next = 0;
  let done = 0;
  let resent = 0;
  await new Promise<void>((resolve, reject) => {
    let lastAnswer = Date.now();
    const send = (index: number) => {
      pending.set(index, Date.now());
      socket.send(requests[index]!, daemon.sip.port, daemon.sip.host);
    };
    const sendNext = () => {
      if (next < requests.length) send(next++);
    };
    const timer = setInterval(() => {
      if (Date.now() - lastAnswer > 10_000) {
        clearInterval(timer);
        reject(new Error(`no answer for 10 s: ${done}/${requests.length} answered`));
      }
      for (const [index, sentAt] of pending)
        if (Date.now() - sentAt >= 500) {
          resent++;
          send(index);
        }
    }, 100);
    socket.on('message', (data) => {
      const text = data.toString('latin1');
      const index = Number(/branch=z9hG4bK[a-z](\d+)/.exec(text)?.[1]);
      if (!pending.delete(index)) return; // the answer to a request sent again, answered already
      const status = Number(text.slice(8, 11));
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      answers.push(text);
      done++;
      lastAnswer = Date.now();
      if (done === requests.length) {
        clearInterval(timer);
        socket.removeAllListeners('message');
        resolve();
      } else sendNext();
    });
    for (let i = 0; i < Math.min(WINDOW, requests.length); i++) sendNext();
  });
  return { statuses, answers, resent };
}

async function measure(label: string, requests: readonly Buffer[]) {
  const before = cpuMs(daemon.pid);
  const started = process.hrtime.bigint();
  const result = await closedLoop(requests);
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  const used = cpuMs(daemon.pid) - before;
  const counts = [...result.statuses].map(([status, count]) => `${count}× ${status}`).join(', ');
  const resent = result.resent > 0 ? ` (${result.resent} sent again after 500 ms unanswered)` : '';
  console.log(
    `${label.padEnd(14)} ${String(requests.length).padStart(6)} requests in ${wallS.toFixed(1)} s = ${(requests.length / wallS).toFixed(0).padStart(6)}/s; hotdeskd CPU ${((used / requests.length) * 1000).toFixed(0).padStart(4)} µs per request (${(used / 10 / wallS) | 0}% of a core); answers: ${counts}${resent}`,
  );
  return result;
}

try {
  console.log(
    `node ${process.version}, ${machineLoad()}, hotdeskd pid ${daemon.pid}; ${ACCOUNTS} extensions, ${WINDOW} in flight`,
  );
  // One nonce per account (answered by 401s; not measured), then the measured runs.
  const nonceAnswers = await closedLoop(accounts.map((account, i) => register(account.number, `n${i}`, 1)));
  const nonces = new Map<string, string>();
  for (const answer of nonceAnswers.answers) {
    const account = /^To:\s*<sip:(\d+)@/im.exec(answer)?.[1];
    const nonce = /nonce="([^"]+)"/.exec(answer)?.[1];
    if (account && nonce) nonces.set(account, nonce);
  }
  if (nonces.size !== accounts.length) throw new Error(`got ${nonces.size} nonces for ${accounts.length} accounts`);

  await measure(
    'challenged',
    Array.from({ length: REQUESTS }, (_, i) => register(accounts[i % accounts.length]!.number, `c${i}`, 1)),
  );
  const counts = new Map<string, number>();
  const authenticated = Array.from({ length: REQUESTS }, (_, i) => {
    const account = accounts[i % accounts.length]!;
    const nc = (counts.get(account.number) ?? 0) + 1;
    counts.set(account.number, nc);
    const authorization = credentials({
      challenge: md5Challenge(nonces.get(account.number)!),
      username: account.number,
      password: account.password,
      method: 'REGISTER',
      uri: `sip:${DOMAIN}`,
      nc,
    });
    return register(account.number, `a${i}`, 1 + nc, authorization);
  });
  await measure('authenticated', authenticated);
  console.log(`hotdeskd RSS ${mib(rssKiB(daemon.pid))} at the end`);
  printDaemonWarnings(daemon);
} finally {
  socket.close();
  await daemon.stop();
  space.remove();
}

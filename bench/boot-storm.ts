/**
 * Boot storm: the power comes back and every hot-desk phone of the office
 * boots at once. Each phone, from its own loopback address (127.1.x.y, so the
 * per-address rate limit sees what it would see in an office), fetches its
 * common file and its own file over HTTP with its User-Agent, reads its SIP
 * account from its own file, and registers (REGISTER → 401 → REGISTER with
 * digest credentials → 200, retransmitted over UDP as RFC 3261 §17.1.2 says).
 * Prints the time until every phone is provisioned and registered, the HTTP
 * requests per second held, and hotdeskd's CPU and peak RSS. Asserts nothing.
 *
 *   npm run bench:boot-storm                 (builds first)
 *   BENCH_PHONES=500                         phones booting at once
 *   BENCH_KEEP=1                             keep the scratch store
 */
import dgram from 'node:dgram';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { loadCatalogue } from '../src/adapters/catalogue-files.js';
import type { Change } from '../src/store/changes.js';
import { credentials, parseChallenges } from './digest-client.js';
import { readYealink } from '../test/fixtures/provisioning/read-config.js';
import { envNumber, machineLoad, mib, sampleUsage, startHotdeskd, workspace, writeStoreChanges } from './sip-bench.js';

const PHONES = envNumber('BENCH_PHONES', 500);
const T1_MS = 500;
const MODEL = 'yealink-t54w';

const macOf = (i: number): string => `001565${i.toString(16).padStart(6, '0')}`;
/** A distinct loopback address per phone: 127.1.0.1, 127.1.0.2, … */
const addressOf = (i: number): string => `127.1.${(i + 1) >> 8}.${(i + 1) & 0xff}`;
const userAgentOf = (mac: string): string => `Yealink SIP-T54W 96.86.0.70 ${mac.match(/../g)!.join(':')}`;

const space = workspace('hd-bench-boot-');
mkdirSync(space.data, { recursive: true });
const catalogue = loadCatalogue();
await writeStoreChanges(
  space.data,
  Array.from({ length: PHONES }, (_, i): Change => ({
    kind: 'add-phone',
    model: MODEL,
    mac: macOf(i),
    connection: { mode: 'lan' },
    idlePassword: randomBytes(12).toString('base64url'),
  })),
  catalogue,
);

function fetchFile(url: string, localAddress: string, userAgent: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { localAddress, agent: false, headers: { 'user-agent': userAgent } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    request.on('error', reject);
    request.setTimeout(30_000, () => request.destroy(new Error('HTTP timeout')));
  });
}

/** One REGISTER transaction over UDP with Timer A/B retransmissions; resolves to the raw final response. */
function transaction(
  socket: dgram.Socket,
  server: { host: string; port: number },
  text: (branch: string) => string,
  callId: string,
  seq: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const branch = `z9hG4bK${randomBytes(6).toString('hex')}`;
    const bytes = Buffer.from(text(branch), 'latin1');
    let interval = T1_MS;
    let timer: NodeJS.Timeout;
    const started = Date.now();
    const send = () => {
      if (Date.now() - started > 64 * T1_MS) {
        socket.off('message', onMessage);
        return reject(new Error('SIP timeout (Timer F)'));
      }
      socket.send(bytes, server.port, server.host);
      timer = setTimeout(send, interval);
      interval = Math.min(interval * 2, 4000);
    };
    const onMessage = (data: Buffer) => {
      const raw = data.toString('latin1');
      const status = /^SIP\/2\.0 (\d{3})/.exec(raw)?.[1];
      if (!status || Number(status) < 200) return;
      if (!raw.includes(callId) || !new RegExp(`^CSeq:\\s*${seq} REGISTER`, 'mi').test(raw)) return;
      clearTimeout(timer);
      socket.off('message', onMessage);
      resolve(raw);
    };
    socket.on('message', onMessage);
    send();
  });
}

const daemon = await startHotdeskd(space.data);
const url = /provisioning URL (\S+)/.exec(daemon.stdout())?.[1];
if (!url) throw new Error(`no provisioning URL in the banner: ${daemon.stdout()}`);
const base = url.replace(/\/$/, '');
let httpRequests = 0;
let retries = 0;

async function bootPhone(i: number): Promise<{ provisionedMs: number; registeredMs: number }> {
  const started = performance.now();
  const mac = macOf(i);
  const local = addressOf(i);
  const userAgent = userAgentOf(mac);
  // The phone retries a refused fetch after the Retry-After it was given, as phones do.
  const fetchRetrying = async (file: string) => {
    for (;;) {
      httpRequests++;
      const answer = await fetchFile(`${base}/${file}`, local, userAgent);
      if (answer.status !== 429 && answer.status !== 503) return answer;
      retries++;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };
  const common = await fetchRetrying('y000000000096.cfg');
  if (common.status !== 200) throw new Error(`${mac}: common file answered ${common.status}`);
  const own = await fetchRetrying(`${mac}.cfg`);
  if (own.status !== 200) throw new Error(`${mac}: own file answered ${own.status}`);
  const config = readYealink(own.body).values;
  const user = config.get('account.1.user_name')!;
  const password = config.get('account.1.password')!;
  const provisionedMs = performance.now() - started;

  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, local, () => resolve()));
  try {
    const port = socket.address().port;
    const callId = `${randomBytes(8).toString('hex')}@${local}`;
    const tag = randomBytes(4).toString('hex');
    const uri = `sip:${daemon.sip.host}:${daemon.sip.port}`;
    const register = (seq: number, authorization?: string) => (branch: string) =>
      [
        `REGISTER ${uri} SIP/2.0`,
        `Via: SIP/2.0/UDP ${local}:${port};branch=${branch};rport`,
        `From: <sip:${user}@${daemon.sip.host}>;tag=${tag}`,
        `To: <sip:${user}@${daemon.sip.host}>`,
        `Call-ID: ${callId}`,
        `CSeq: ${seq} REGISTER`,
        'Max-Forwards: 70',
        `Contact: <sip:${user}@${local}:${port}>`,
        'Expires: 3600',
        `User-Agent: ${userAgent}`,
        ...(authorization ? [`Authorization: ${authorization}`] : []),
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
    const challenge = await transaction(socket, daemon.sip, register(1), callId, 1);
    if (!/^SIP\/2\.0 401/.test(challenge)) throw new Error(`${mac}: REGISTER answered ${challenge.slice(0, 40)}`);
    const offered = parseChallenges(
      [...challenge.matchAll(/^WWW-Authenticate:\s*(.*)$/gim)].map((match) => match[1]!.trim()),
    );
    const chosen = offered.find((entry) => entry.algorithm.toUpperCase() === 'SHA-256') ?? offered[0];
    if (!chosen) throw new Error(`${mac}: no usable challenge`);
    const auth = credentials({ challenge: chosen, username: user, password, method: 'REGISTER', uri });
    const final = await transaction(socket, daemon.sip, register(2, auth), callId, 2);
    if (!/^SIP\/2\.0 200/.test(final)) throw new Error(`${mac}: authenticated REGISTER answered ${final.slice(0, 40)}`);
  } finally {
    socket.close();
  }
  return { provisionedMs, registeredMs: performance.now() - started };
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
try {
  console.log(
    `boot storm: ${PHONES} ${MODEL} phones at once, each from its own loopback address; node ${process.version}, ${machineLoad()}`,
  );
  const usage = sampleUsage(daemon.pid);
  const started = performance.now();
  const results = await Promise.allSettled(Array.from({ length: PHONES }, (_, i) => bootPhone(i)));
  const elapsedS = (performance.now() - started) / 1000;
  const used = usage.stop();
  const done = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failures = results.flatMap((result) =>
    result.status === 'rejected' ? [String((result.reason as Error).message)] : [],
  );
  const provisioned = done.map((entry) => entry.provisionedMs).sort((a, b) => a - b);
  const registered = done.map((entry) => entry.registeredMs).sort((a, b) => a - b);
  console.log(`provisioned and registered: ${done.length} of ${PHONES} in ${elapsedS.toFixed(2)} s`);
  if (done.length > 0) {
    console.log(
      `  provisioned after (median / p99 / last): ${percentile(provisioned, 50).toFixed(0)} / ${percentile(provisioned, 99).toFixed(0)} / ${provisioned.at(-1)!.toFixed(0)} ms`,
    );
    console.log(
      `  registered after  (median / p99 / last): ${percentile(registered, 50).toFixed(0)} / ${percentile(registered, 99).toFixed(0)} / ${registered.at(-1)!.toFixed(0)} ms`,
    );
  }
  console.log(
    `  HTTP: ${httpRequests} requests, ${(httpRequests / elapsedS).toFixed(0)} per second held; ${retries} answered 429/503 and retried`,
  );
  console.log(
    `  hotdeskd: CPU ${used.cpuPercent.toFixed(0)}% of a core on average (busiest second ${used.peakCpuPercent.toFixed(0)}%), peak RSS ${mib(used.peakRssKiB)}`,
  );
  if (failures.length > 0) console.log(`  failures: ${failures.length}, first: ${failures[0]}`);
} finally {
  await daemon.stop();
  space.remove();
}

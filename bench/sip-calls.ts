/**
 * Calls through hotdeskd's proxy at rising rates: a SIPp UAS registered as
 * extension 101 answers every call; a SIPp UAC registered as 100 calls it.
 * Each call is what a phone does: INVITE → 407 → ACK, INVITE with digest
 * credentials → 100/180 → 200 → ACK, hold, BYE → 200 (see sip-bench.ts for
 * how SIPp 3.6.1 gets its credentials). Reports, per rate step, what SIPp saw
 * and hotdeskd's CPU and RSS; then the highest rate held with < 1% failures.
 * Prints figures; asserts nothing.
 *
 *   npm run bench:calls                         (builds first; about 2 minutes)
 *   BENCH_RATES=25,50,100,200,400,800           calls per second, one step each
 *   BENCH_STEP_SECONDS=10                       length of a step
 *   BENCH_HOLD_MS=1000                          how long each call lasts before BYE
 *   BENCH_SETTLE_SECONDS=45                     longest wait for the RSS to come down afterwards
 *   BENCH_KEEP=1                                keep the SIPp traces and store
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  BENCH_SCENARIOS,
  DOMAIN,
  INTEROP_SCENARIOS,
  credentials,
  envNumber,
  envNumbers,
  fetchNonces,
  bestHeld,
  climb,
  figures,
  freeUdpPorts,
  md5Challenge,
  machineLoad,
  mib,
  printDaemonWarnings,
  printGcTrace,
  printSteps,
  requireSipp,
  rssKiB,
  settle,
  runSipp,
  sampleUsage,
  startHotdeskd,
  workspace,
  writeOffice,
  type Account,
  type SippTarget,
  type StepFigures,
} from './sip-bench.js';
import { startSipp } from '../test/interop/support/sipp.js';

const RATES = envNumbers('BENCH_RATES', [25, 50, 100, 200, 400, 800]);
const STEP_SECONDS = envNumber('BENCH_STEP_SECONDS', 10);
const HOLD_MS = envNumber('BENCH_HOLD_MS', 1000);
const SETTLE_SECONDS = envNumber('BENCH_SETTLE_SECONDS', 45);
/** Nonces per step for the caller; call i uses nonce i mod NONCES with count ⌊i / NONCES⌋ + 1. */
const NONCES = 200;

const caller: Account = { number: '100', password: `pw-${randomBytes(6).toString('hex')}` };
const callee: Account = { number: '101', password: `pw-${randomBytes(6).toString('hex')}` };

/** REGISTER → 401, then REGISTER with credentials → 200, from `port`. */
async function register(where: SippTarget, account: Account, port: number): Promise<void> {
  const [[, nonce]] = (await fetchNonces(where, `nonce-${account.number}`, [account.number], 10, port)) as [
    [string, string],
  ];
  const auth = credentials({
    challenge: md5Challenge(nonce),
    username: account.number,
    password: account.password,
    method: 'REGISTER',
    uri: `sip:${DOMAIN}`,
  });
  const inf = join(where.dir, `register-${account.number}.csv`);
  writeFileSync(inf, `SEQUENTIAL\n${account.number};Authorization: ${auth}\n`);
  const result = await runSipp({
    ...where,
    scenario: join(BENCH_SCENARIOS, 'register.xml'),
    name: `register-${account.number}`,
    port,
    keys: { hd_domain: DOMAIN, hd_expires: 3600 },
    args: ['-inf', inf],
  });
  if (result.code !== 0) throw new Error(`registering ${account.number} failed:\n${result.describe()}`);
}

const sippVersion = requireSipp();
const space = workspace('hd-bench-calls-');
mkdirSync(space.data, { recursive: true });
await writeOffice(space.data, [caller, callee]);
const daemon = await startHotdeskd(space.data);
const steps: StepFigures[] = [];
const where = { dir: space.dir, target: daemon.sip };
const [callerPort, calleePort] = (await freeUdpPorts(2)) as [number, number];
let answering: Awaited<ReturnType<typeof startSipp>> | undefined;
try {
  console.log(
    `${sippVersion}, node ${process.version}, ${machineLoad()}, hotdeskd pid ${daemon.pid} on ${daemon.sip.host}:${daemon.sip.port}`,
  );
  console.log(
    `100 (SIPp UAC, port ${callerPort}) calls 101 (SIPp UAS, port ${calleePort}); steps of ${STEP_SECONDS} s at ${RATES.join(', ')} calls/s, ${HOLD_MS} ms each`,
  );
  await register(where, callee, calleePort);
  await register(where, caller, callerPort);
  answering = await startSipp({
    ...where,
    scenario: join(INTEROP_SCENARIOS, 'uas-answer.xml'),
    name: 'uas-101',
    port: calleePort,
    calls: 1_000_000_000,
    keys: { hd_account: callee.number },
    traceMessages: false,
    timeoutS: 3600,
  });
  await answering.ready;
  const rssStart = rssKiB(daemon.pid);

  const step = async (rate: number): Promise<StepFigures> => {
    const nonces = (
      await fetchNonces(where, `nonces-${rate}`, Array<string>(NONCES).fill(caller.number), 500, callerPort)
    ).map(([, nonce]) => nonce);
    const calls = Math.round(rate * STEP_SECONDS);
    const lines = ['SEQUENTIAL'];
    for (let i = 0; i < calls; i++) {
      const auth = credentials({
        challenge: md5Challenge(nonces[i % NONCES]!),
        username: caller.number,
        password: caller.password,
        method: 'INVITE',
        uri: `sip:${callee.number}@${DOMAIN}`,
        nc: Math.floor(i / NONCES) + 1,
      });
      lines.push(`${caller.number};${callee.number};Proxy-Authorization: ${auth}`);
    }
    const inf = join(space.dir, `calls-${rate}.csv`);
    writeFileSync(inf, `${lines.join('\n')}\n`);

    const usage = sampleUsage(daemon.pid);
    const started = Date.now();
    const result = await runSipp({
      ...where,
      scenario: join(BENCH_SCENARIOS, 'call.xml'),
      name: `calls-${rate}`,
      port: callerPort,
      calls,
      keys: { hd_domain: DOMAIN },
      traceMessages: false,
      timeoutS: STEP_SECONDS + HOLD_MS / 1000 + 60,
      args: [
        '-inf',
        inf,
        '-r',
        String(rate),
        '-d',
        String(HOLD_MS),
        '-l',
        String(Math.ceil(rate * (HOLD_MS / 1000 + 10))),
        '-recv_timeout',
        '8000',
        '-fd',
        '1',
      ],
    });
    const wall = (Date.now() - started) / 1000;
    const figured = figures(result, rate, STEP_SECONDS, wall, usage.stop(), rssKiB(daemon.pid));
    console.log(
      `  ${rate}/s: ${figured.ok}/${figured.created} ok in ${wall.toFixed(1)} s, ${figured.failedPercent.toFixed(2)}% failed, hotdeskd CPU ${figured.usage.cpuPercent.toFixed(0)}% (busiest second ${figured.usage.peakCpuPercent.toFixed(0)}%), RSS peak ${mib(figured.usage.peakRssKiB)}`,
    );
    return figured;
  };
  steps.push(...(await climb(RATES, step)));

  console.log('');
  console.log('response time = first INVITE to the 200 of the authenticated INVITE (call setup)');
  printSteps('calls', steps);
  const best = bestHeld(steps);
  console.log(`(${machineLoad()} at the end)`);
  console.log(best ? `highest rate held with < 1% failures: ${best.rate} calls/s` : 'no step held with < 1% failures');
  const rssEnd = rssKiB(daemon.pid);
  const later = await settle(daemon.pid, rssStart, SETTLE_SECONDS);
  console.log(
    `hotdeskd RSS: ${mib(rssStart)} before, ${mib(Math.max(...steps.map((step) => step.usage.peakRssKiB)))} peak, ${mib(rssEnd)} right after, ${later}`,
  );
  printGcTrace(daemon);
  printDaemonWarnings(daemon);
} finally {
  await answering?.kill();
  await daemon.stop();
  space.remove();
}

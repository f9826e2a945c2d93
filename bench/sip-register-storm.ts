/**
 * Registration storm: 1,000 extensions register with hotdeskd over and over
 * at rising rates. Each registration is what a phone does: REGISTER → 401 →
 * REGISTER with digest credentials → 200 (see sip-bench.ts for how SIPp 3.6.1
 * gets its credentials). Reports, per rate step, what SIPp saw and hotdeskd's
 * CPU and RSS; then the highest rate held with < 1% failures. Prints figures;
 * asserts nothing.
 *
 *   npm run bench:register                      (builds first; about 2 minutes)
 *   BENCH_RATES=500,1000,2000,4000,8000,10000,12000   registrations per second, one step each
 *   BENCH_STEP_SECONDS=10                       length of a step
 *   BENCH_SETTLE_SECONDS=45                     longest wait for the RSS to come down afterwards
 *                                               (the sip package keeps transactions 32 s)
 *   BENCH_ACCOUNTS=1000  BENCH_KEEP=1           (keep the SIPp traces and store)
 *   BENCH_FLOOR=1                               against bench/floor-server.ts instead of hotdeskd: what
 *                                               one Node process that only parses and answers holds here
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { readStore } from '../src/adapters/json-store.js';
import {
  BENCH_SCENARIOS,
  DOMAIN,
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
  startFloorServer,
  startHotdeskd,
  workspace,
  writeOffice,
  type Account,
  type StepFigures,
} from './sip-bench.js';

const ACCOUNTS = envNumber('BENCH_ACCOUNTS', 1000);
const RATES = envNumbers('BENCH_RATES', [500, 1000, 2000, 4000, 8000, 10000, 12000]);
const STEP_SECONDS = envNumber('BENCH_STEP_SECONDS', 10);
const SETTLE_SECONDS = envNumber('BENCH_SETTLE_SECONDS', 45);
const NONCE_RATE = 500;

const sippVersion = requireSipp();
const space = workspace('hd-bench-register-');
mkdirSync(space.data, { recursive: true });
const accounts: Account[] = Array.from({ length: ACCOUNTS }, (_, i) => ({
  number: String(10000 + i),
  password: `pw-${randomBytes(6).toString('hex')}`,
}));
const passwordOf = new Map(accounts.map((account) => [account.number, account.password]));
await writeOffice(space.data, accounts);
// BENCH_FLOOR=1: the same steps against bench/floor-server.ts, a registrar that only parses and answers.
const floor = process.env['BENCH_FLOOR'] === '1';
const daemon = floor ? await startFloorServer() : await startHotdeskd(space.data);
const steps: StepFigures[] = [];
try {
  const where = { dir: space.dir, target: daemon.sip };
  const [port] = (await freeUdpPorts(1)) as [number];
  console.log(
    `${sippVersion}, node ${process.version}, ${machineLoad()}, hotdeskd pid ${daemon.pid} on ${daemon.sip.host}:${daemon.sip.port}`,
  );
  console.log(
    `${ACCOUNTS} extensions; steps of ${STEP_SECONDS} s at ${RATES.join(', ')} registrations/s; all from one SIPp on port ${port}`,
  );
  const rssStart = rssKiB(daemon.pid);

  const step = async (rate: number): Promise<StepFigures> => {
    // Fresh nonces for every account (hotdeskd's nonces live 5 minutes), then the timed step.
    const nonces = await fetchNonces(
      where,
      `nonces-${rate}`,
      accounts.map((account) => account.number),
      NONCE_RATE,
      port,
    );
    const byAccount = new Map(nonces);
    const counts = new Map<string, number>();
    const calls = Math.round(rate * STEP_SECONDS);
    const lines = ['SEQUENTIAL'];
    for (let i = 0; i < calls; i++) {
      const account = accounts[i % accounts.length]!.number;
      const nc = (counts.get(account) ?? 0) + 1;
      counts.set(account, nc);
      const auth = credentials({
        challenge: md5Challenge(byAccount.get(account)!),
        username: account,
        password: passwordOf.get(account)!,
        method: 'REGISTER',
        uri: `sip:${DOMAIN}`,
        nc,
      });
      lines.push(`${account};Authorization: ${auth}`);
    }
    const inf = join(space.dir, `register-${rate}.csv`);
    writeFileSync(inf, `${lines.join('\n')}\n`);

    const usage = sampleUsage(daemon.pid);
    const started = Date.now();
    const result = await runSipp({
      ...where,
      scenario: join(BENCH_SCENARIOS, 'register.xml'),
      name: `register-${rate}`,
      port,
      calls,
      keys: { hd_domain: DOMAIN, hd_expires: 3600 },
      traceMessages: false,
      timeoutS: STEP_SECONDS + 60,
      args: ['-inf', inf, '-r', String(rate), '-l', String(rate * 10), '-recv_timeout', '8000', '-fd', '1'],
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
  printSteps('reg', steps);
  const best = bestHeld(steps);
  console.log(`(${machineLoad()} at the end)`);
  console.log(
    best ? `highest rate held with < 1% failures: ${best.rate} registrations/s` : 'no step held with < 1% failures',
  );
  const rssEnd = rssKiB(daemon.pid);
  const later = await settle(daemon.pid, rssStart, SETTLE_SECONDS);
  const saved = floor ? undefined : await readStore(join(space.data, 'hotdesk.json'));
  console.log(
    `hotdeskd RSS: ${mib(rssStart)} before, ${mib(Math.max(...steps.map((step) => step.usage.peakRssKiB)))} peak, ${mib(rssEnd)} right after, ${later}; ${saved?.bindings.length ?? 0} bindings saved`,
  );
  printGcTrace(daemon);
  printDaemonWarnings(daemon);
} finally {
  await daemon.stop();
  space.remove();
}

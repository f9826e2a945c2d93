/**
 * Overload: what hotdeskd does with more registrations than it can serve.
 * First the clean rate is measured (the highest rate held with < 1% failures,
 * climbing; or BENCH_CLEAN_RATE), then a fresh hotdeskd is offered 1×, 2×, 5×
 * and 10× that rate, one step each, and the same steps again without
 * restarting it. Each registration is REGISTER → 401 → REGISTER with digest
 * credentials (SIPp computes them: hotdeskd offers MD5) → 200. Per step:
 * offered rate, successful registrations per second, refused, timeouts, p99,
 * hotdeskd's CPU and RSS. Prints figures; asserts nothing.
 *
 *   npm run bench:overload                      (builds first; about 7 minutes)
 *   BENCH_CLEAN_RATE=2000                       skip the measurement, take this clean rate
 *   BENCH_CLEAN_RATES=500,1000,2000,4000,8000,12000  the climb that measures it
 *   BENCH_MULTIPLES=1,2,5,10                    offered rates, as multiples of the clean rate
 *   BENCH_STEP_SECONDS=20                       length of an overload step (the climb's: BENCH_CLEAN_SECONDS=5)
 *   BENCH_ROUNDS=2                              runs of the steps on the same hotdeskd
 *   BENCH_ACCOUNTS=1000  BENCH_KEEP=1           (keep the SIPp traces and store)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  printDaemonWarnings,
  BENCH_SCENARIOS,
  DOMAIN,
  bestHeld,
  envNumber,
  envNumbers,
  figures,
  freeUdpPorts,
  machineLoad,
  mib,
  requireSipp,
  rssKiB,
  runSipp,
  sampleUsage,
  startHotdeskd,
  workspace,
  writeOffice,
  type Account,
  type Hotdeskd,
  type StepFigures,
} from './sip-bench.js';

const ACCOUNTS = envNumber('BENCH_ACCOUNTS', 1000);
const MULTIPLES = envNumbers('BENCH_MULTIPLES', [1, 2, 5, 10]);
const STEP_SECONDS = envNumber('BENCH_STEP_SECONDS', 20);
const CLEAN_SECONDS = envNumber('BENCH_CLEAN_SECONDS', 5);
const CLEAN_RATES = envNumbers('BENCH_CLEAN_RATES', [500, 1000, 2000, 4000, 8000, 12000]);
const ROUNDS = envNumber('BENCH_ROUNDS', 2);
/** SIPp gives up on a registration after this long without an answer. */
const RECV_TIMEOUT_MS = 8000;

interface OverloadStep extends StepFigures {
  /** Registrations refused: a 503, or a 401 where the 200 was due (SIPp: an unexpected message). */
  refused: number;
  /** Registrations that got no answer in time (or ran out of retransmissions). */
  timeouts: number;
}

const sippVersion = requireSipp();
const space = workspace('hd-bench-overload-');
mkdirSync(space.data, { recursive: true });
const accounts: Account[] = Array.from({ length: ACCOUNTS }, (_, i) => ({
  number: String(10000 + i),
  password: `pw-${randomBytes(6).toString('hex')}`,
}));
await writeOffice(space.data, accounts);
const inf = join(space.dir, 'accounts.csv');
writeFileSync(
  inf,
  `SEQUENTIAL\n${accounts.map((account) => `${account.number};[authentication username=${account.number} password=${account.password}]`).join('\n')}\n`,
);
const [port] = (await freeUdpPorts(1)) as [number];

const step = async (daemon: Hotdeskd, name: string, rate: number, seconds: number): Promise<OverloadStep> => {
  const usage = sampleUsage(daemon.pid);
  const started = Date.now();
  const calls = Math.round(rate * seconds);
  const result = await runSipp({
    dir: space.dir,
    target: daemon.sip,
    scenario: join(BENCH_SCENARIOS, 'register-auth.xml'),
    name,
    port,
    calls,
    keys: { hd_domain: DOMAIN, hd_expires: 3600 },
    traceMessages: false,
    timeoutS: seconds * 3 + 60,
    args: [
      '-inf',
      inf,
      '-r',
      String(rate),
      '-l',
      String(Math.max(1000, rate * 2)),
      '-recv_timeout',
      String(RECV_TIMEOUT_MS),
      '-fd',
      '1',
      // hotdeskd checks the digest-uri against the Request-URI; SIPp puts `sip:` in front itself.
      '-auth_uri',
      DOMAIN,
    ],
  });
  const wall = (Date.now() - started) / 1000;
  const stats = result.stats ?? {};
  const count = (field: string) => Number(stats[field] ?? 0);
  return {
    ...figures(result, rate, seconds, wall, usage.stop(), rssKiB(daemon.pid)),
    refused: count('FailedUnexpectedMessage(C)'),
    timeouts:
      count('FailedTimeoutOnRecv(C)') +
      count('FailedCallMaxUdpRetrans(C)') +
      Math.max(0, calls - count('TotalCallCreated')),
  };
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function printTable(title: string, clean: number, steps: readonly OverloadStep[]): void {
  const head = [
    'offered/s',
    '×',
    'created/s',
    'ok/s',
    'ok % clean',
    'refused',
    'timeouts',
    'p99',
    'CPU avg/peak',
    'RSS peak',
  ];
  const rows = steps.map((s) => {
    const okPerSecond = s.ok / s.seconds;
    return [
      String(s.rate),
      (s.rate / clean).toFixed(0),
      (s.created / s.seconds).toFixed(0),
      okPerSecond.toFixed(0),
      `${((okPerSecond / clean) * 100).toFixed(0)}%`,
      String(s.refused),
      String(s.timeouts),
      s.p99,
      `${s.usage.cpuPercent.toFixed(0)}/${s.usage.peakCpuPercent.toFixed(0)}%`,
      mib(s.usage.peakRssKiB),
    ];
  });
  const widths = head.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padStart(widths[i]!)).join('  ');
  console.log(title);
  console.log(line(head));
  for (const row of rows) console.log(line(row));
}

try {
  console.log(
    `${sippVersion}, node ${process.version}, ${machineLoad()}; ${ACCOUNTS} extensions, SIPp on port ${port}`,
  );
  let clean = envNumber('BENCH_CLEAN_RATE', Number.NaN);
  if (Number.isNaN(clean)) {
    const measuring = await startHotdeskd(space.data);
    const climbed: OverloadStep[] = [];
    try {
      for (const rate of CLEAN_RATES) {
        const figured = await step(measuring, `clean-${rate}`, rate, CLEAN_SECONDS);
        climbed.push(figured);
        console.log(
          `  clean rate? ${rate}/s: ${figured.ok}/${figured.created} ok, ${figured.failedPercent.toFixed(2)}% failed`,
        );
        if (figured.failedPercent >= 1 || figured.created < rate * CLEAN_SECONDS * 0.98) break;
        await pause(2000);
      }
    } finally {
      await measuring.stop();
    }
    clean = bestHeld(climbed)?.rate ?? CLEAN_RATES[0]!;
  }
  console.log(
    `clean rate: ${clean} registrations/s; steps of ${STEP_SECONDS} s at ${MULTIPLES.map((m) => `${m}×`).join(', ')}`,
  );
  const daemon = await startHotdeskd(space.data);
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const steps: OverloadStep[] = [];
      for (const multiple of MULTIPLES) {
        const rate = Math.round(clean * multiple);
        const figured = await step(daemon, `overload-${round}-${multiple}`, rate, STEP_SECONDS);
        steps.push(figured);
        console.log(
          `  round ${round}, ${multiple}× (${rate}/s): ${(figured.ok / STEP_SECONDS).toFixed(0)} ok/s, ${figured.refused} refused, ${figured.timeouts} timeouts, RSS ${mib(figured.usage.peakRssKiB)}`,
        );
        await pause(2000);
      }
      console.log('');
      printTable(
        `round ${round} (${round === 1 ? 'fresh hotdeskd' : 'same hotdeskd, not restarted'}; ${machineLoad()}):`,
        clean,
        steps,
      );
      console.log('');
    }
    printDaemonWarnings(daemon);
  } finally {
    await daemon.stop();
  }
} finally {
  space.remove();
}

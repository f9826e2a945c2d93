/**
 * Soak: authenticated registrations at a steady high rate for minutes on end
 * (default 400/s for 5 minutes), hotdeskd's RSS printed every 10 s. Memory
 * must level off: the `sip` package keeps each transaction 32 s, so RSS
 * climbs for about half a minute and then holds; growth after that is a leak
 * (or the transaction cap at work, which the 503 count shows). Each
 * registration is REGISTER → 401 → REGISTER with digest credentials → 200
 * (credentials as in sip-bench.ts). SIPp runs in one-minute segments so the
 * nonces (valid 5 minutes) are fresh for each. Prints figures; asserts nothing.
 *
 *   npm run bench:soak                     (builds first; BENCH_MINUTES + about a minute)
 *   BENCH_RATE=400 BENCH_MINUTES=5 BENCH_ACCOUNTS=1000
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  printDaemonWarnings,
  BENCH_SCENARIOS,
  DOMAIN,
  credentials,
  envNumber,
  fetchNonces,
  freeUdpPorts,
  machineLoad,
  md5Challenge,
  mib,
  requireSipp,
  rssKiB,
  runSipp,
  startHotdeskd,
  workspace,
  writeOffice,
  type Account,
} from './sip-bench.js';

const RATE = envNumber('BENCH_RATE', 400);
const MINUTES = envNumber('BENCH_MINUTES', 5);
const ACCOUNTS = envNumber('BENCH_ACCOUNTS', 1000);
const SEGMENT_S = 60;

const sippVersion = requireSipp();
const space = workspace('hd-bench-soak-');
mkdirSync(space.data, { recursive: true });
const accounts: Account[] = Array.from({ length: ACCOUNTS }, (_, i) => ({
  number: String(10000 + i),
  password: `pw-${randomBytes(6).toString('hex')}`,
}));
const passwordOf = new Map(accounts.map((account) => [account.number, account.password]));
await writeOffice(space.data, accounts);
const daemon = await startHotdeskd(space.data);
try {
  const where = { dir: space.dir, target: daemon.sip };
  const [port] = (await freeUdpPorts(1)) as [number];
  console.log(
    `${sippVersion}, node ${process.version}, ${machineLoad()}; ${ACCOUNTS} extensions registering at ${RATE}/s for ${MINUTES} min`,
  );
  const idle = rssKiB(daemon.pid);
  console.log(`  0 s: RSS ${mib(idle)} (idle)`);
  const samples: { seconds: number; rss: number }[] = [];
  const started = Date.now();
  const timer = setInterval(() => {
    const rss = rssKiB(daemon.pid) ?? 0;
    const seconds = Math.round((Date.now() - started) / 1000);
    samples.push({ seconds, rss });
    console.log(`  ${seconds} s: RSS ${mib(rss)}`);
  }, 10_000);
  let ok = 0;
  let failed = 0;
  try {
    for (let segment = 0; segment < Math.ceil((MINUTES * 60) / SEGMENT_S); segment++) {
      const nonces = new Map(
        await fetchNonces(
          where,
          `nonces-${segment}`,
          accounts.map((account) => account.number),
          1000,
          port,
        ),
      );
      const counts = new Map<string, number>();
      const calls = RATE * SEGMENT_S;
      const lines = ['SEQUENTIAL'];
      for (let i = 0; i < calls; i++) {
        const account = accounts[i % accounts.length]!.number;
        const nc = (counts.get(account) ?? 0) + 1;
        counts.set(account, nc);
        const auth = credentials({
          challenge: md5Challenge(nonces.get(account)!),
          username: account,
          password: passwordOf.get(account)!,
          method: 'REGISTER',
          uri: `sip:${DOMAIN}`,
          nc,
        });
        lines.push(`${account};Authorization: ${auth}`);
      }
      const inf = join(space.dir, `soak-${segment}.csv`);
      writeFileSync(inf, `${lines.join('\n')}\n`);
      const result = await runSipp({
        ...where,
        scenario: join(BENCH_SCENARIOS, 'register.xml'),
        name: `soak-${segment}`,
        port,
        calls,
        keys: { hd_domain: DOMAIN, hd_expires: 3600 },
        traceMessages: false,
        timeoutS: SEGMENT_S + 60,
        args: ['-inf', inf, '-r', String(RATE), '-l', String(RATE * 10), '-recv_timeout', '8000', '-fd', '1'],
      });
      ok += Number(result.stats?.['SuccessfulCall(C)'] ?? 0);
      failed += Number(result.stats?.['FailedCall(C)'] ?? 0);
    }
  } finally {
    clearInterval(timer);
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `${ok} registrations in ${seconds.toFixed(0)} s (${(ok / seconds).toFixed(0)}/s held), ${failed} failed; ${machineLoad()} at the end`,
  );
  const firstMinute = samples
    .filter((sample) => sample.seconds > 30 && sample.seconds <= 90)
    .map((sample) => sample.rss);
  const lastMinute = samples.filter((sample) => sample.seconds > seconds - 60).map((sample) => sample.rss);
  if (firstMinute.length > 0 && lastMinute.length > 0) {
    console.log(
      `RSS after the first half minute: ${mib(Math.max(...firstMinute))} at most; in the last minute: ${mib(Math.max(...lastMinute))} at most (idle ${mib(idle)})`,
    );
  }
  printDaemonWarnings(daemon);
} finally {
  await daemon.stop();
  space.remove();
}

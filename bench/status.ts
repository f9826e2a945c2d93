/**
 * How long `hotdesk status` takes on a big office: 500 phones, 300 extensions
 * (each with a BLF list), 250 users logged in, a thousand audit entries.
 * The store is written once through the store modules, then the built CLI is
 * run as an admin would run it. Prints figures; asserts nothing.
 *
 *   npm run bench:status            (builds first)
 *   BENCH_RUNS=20 npm run bench:status
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadCatalogue } from '../src/adapters/catalogue-files.js';
import { writeUnderLock } from '../src/adapters/json-store.js';
import { dataPaths } from '../src/adapters/paths.js';
import { hashPin } from '../src/adapters/pin-hash.js';
import { randomPassword, randomToken } from '../src/adapters/secrets.js';
import { applyChange, type Change } from '../src/store/changes.js';
import type { StoreData } from '../src/store/schema.js';

const PHONES = 500;
const EXTENSIONS = 300;
const LOGGED_IN = 250;
const BLF_PER_EXTENSION = 12;
const RUNS = Number(process.env['BENCH_RUNS'] ?? 10);

const root = fileURLToPath(new URL('..', import.meta.url));
const hotdesk = join(root, 'bin', 'hotdesk');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function mac(i: number): string {
  return `0015${i.toString(16).padStart(8, '0')}`;
}

async function buildOffice(dir: string): Promise<void> {
  const catalogue = loadCatalogue();
  // One scrypt hash shared by every extension: hashing 300 PINs would only time scrypt.
  const pinHash = await hashPin('4071');
  const changes: Change[] = [];
  for (let i = 0; i < EXTENSIONS; i++) {
    const number = String(1000 + i);
    changes.push({
      kind: 'add-extension',
      number,
      name: `User ${number}`,
      sipPassword: randomPassword(),
      pinHash,
      hotdesk: true,
      language: 'en',
    });
  }
  for (let i = 0; i < EXTENSIONS; i++) {
    const targets = Array.from({ length: BLF_PER_EXTENSION }, (_, k) =>
      k === 5 ? null : String(1000 + ((i + k + 1) % EXTENSIONS)),
    );
    changes.push({ kind: 'set-blf', extension: String(1000 + i), targets });
  }
  for (let i = 0; i < PHONES; i++) {
    const model = catalogue[i % catalogue.length]!;
    changes.push({
      kind: 'add-phone',
      model: model.id,
      mac: mac(i),
      connection: i % 10 === 0 ? { mode: 'sbc', sbc: 'sbc.example.net:5060' } : { mode: 'lan' },
      idlePassword: randomPassword(),
    });
  }
  for (let i = 0; i < LOGGED_IN; i++) {
    changes.push({
      kind: 'login',
      extension: String(1000 + i),
      phone: `HD${String(i * 2 + 1).padStart(4, '0')}`,
      actor: 'user',
    });
  }
  const written = await writeUnderLock(
    dataPaths(dir),
    () => ({ address: '192.0.2.10', provisioningToken: randomToken() }),
    (data: StoreData) => {
      let next = data;
      changes.forEach((change, i) => {
        const outcome = applyChange(next, change, {
          now: new Date(Date.UTC(2026, 10, 2, 8, 0, i)).toISOString(),
          catalogue,
        });
        if (!outcome.ok) throw new Error(`bench setup: ${change.kind} refused: ${outcome.reason.kind}`);
        next = outcome.value.data;
      });
      return { next, value: next };
    },
  );
  if (!written.done) throw new Error(`bench setup: ${dir} is locked by ${written.owner.pid}`);
  const { phones, extensions, audit } = written.value;
  const kib = Math.round(statSync(dataPaths(dir).store).size / 1024);
  console.log(
    `store: ${phones.length} phones, ${extensions.length} extensions, ${audit.length} audit entries, ${kib} KiB`,
  );
}

function time(label: string, args: string[]): void {
  const run = (): number => {
    const start = performance.now();
    const result = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const elapsed = performance.now() - start;
    if (result.status !== 0) {
      throw new Error(`${label} exited with ${result.status}: ${result.stderr}`);
    }
    return elapsed;
  };
  run(); // warm the file cache
  const times = Array.from({ length: RUNS }, run).sort((a, b) => a - b);
  const fmt = (ms: number): string => ms.toFixed(0).padStart(5);
  console.log(
    `${label.padEnd(38)} median ${fmt(percentile(times, 50))} ms   p90 ${fmt(percentile(times, 90))} ms   (${RUNS} runs)`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'hotdesk-bench-'));
try {
  await buildOffice(dir);
  console.log(`node ${process.version}, ${RUNS} runs each after one warm-up run`);
  time('node -e "" (process start, baseline)', ['-e', '']);
  time('hotdesk status', [hotdesk, '--data', dir, 'status']);
  time('hotdesk status --json', [hotdesk, '--data', dir, 'status', '--json']);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// Entry point of `npm run bench` (which builds first): runs every scenario
// group against the BUILT package — `import 'rxbus'` resolves through the
// package's own `exports` to dist/, so what is measured is what users get.
//
//   npm run bench                    all groups, full rounds
//   npm run bench -- --quick         fewer rounds and shorter samples (a smoke run)
//   npm run bench -- --json          also write test/bench/results/latest.json
//   npm run bench -- --only=pool,heap
//   npm run bench -- --out=results/mine.json   (implies --json; gitignored)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFlags } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

// Heap scenarios need gc(). Rather than rely on every caller passing the
// flag, re-start this script with it.
if (typeof globalThis.gc !== 'function') {
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
    },
  );
  process.exit(child.status ?? 1);
}

const flags = parseFlags(process.argv.slice(2));
if (flags.help) {
  process.stdout.write(
    readFileSync(fileURLToPath(import.meta.url), 'utf8')
      .split('\n')
      .slice(0, 9)
      .join('\n') + '\n',
  );
  process.exit(0);
}

const GROUPS = {
  publish: () => import('./publish.mjs'),
  waiters: () => import('./waiters.mjs'),
  timeouts: () => import('./timeouts.mjs'),
  pool: () => import('./pool.mjs'),
  heap: () => import('./heap.mjs'),
  subscriptions: () => import('./subscriptions.mjs'),
  nats: () => import('./nats.mjs'),
  redis: () => import('./redis.mjs'),
};
const selected = flags.only ?? Object.keys(GROUPS);
for (const name of selected) if (!(name in GROUPS)) throw new Error(`Unknown group ${name}; groups: ${Object.keys(GROUPS).join(', ')}`);

// Budgets: the whole run must stay under 5 minutes on 2 busy cores.
const settings = {
  rounds: flags.rounds ?? (flags.quick ? 3 : 9),
  heapRounds: flags.rounds ?? (flags.quick ? 2 : 5),
  minMs: flags.quick ? 8 : 25,
  quick: flags.quick,
};

const git = (...args) => {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
};
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
const versionOf = (name) => {
  try {
    return JSON.parse(readFileSync(resolve(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
};
const meta = {
  date: new Date().toISOString(),
  node: process.version,
  v8: process.versions.v8,
  platform: `${os.platform()} ${os.arch()}`,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memoryGB: Math.round(os.totalmem() / 2 ** 30),
  loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  commit: git('rev-parse', '--short', 'HEAD'),
  dirty: (git('status', '--porcelain', '--untracked-files=no') ?? '') !== '',
  rxbus: pkg.version,
  peers: Object.fromEntries(
    [
      'rxjs',
      'eventemitter3',
      'mitt',
      'eventemitter2',
      'emittery',
      'p-queue',
      'p-limit',
      '@nats-io/transport-node',
      '@nats-io/jetstream',
      'ioredis',
    ].map((n) => [n, versionOf(n)]),
  ),
  quick: flags.quick,
  rounds: settings.rounds,
  heapRounds: settings.heapRounds,
};

process.stdout.write(
  `rxbus ${meta.rxbus} (${meta.commit ?? 'no git'}${meta.dirty ? ', uncommitted changes' : ''}) — Node ${meta.node}, ` +
    `${meta.cores} × ${meta.cpu}, load ${meta.loadAverage.join(' ')}\n` +
    `${settings.rounds} rounds per scenario (${settings.heapRounds} for heap), interleaved; ratios are reference ÷ case per round (> 1 = better than the reference).\n`,
);

const started = Date.now();
const scenarios = [];
for (const name of selected) {
  const group = await (await GROUPS[name]()).run(settings);
  for (const result of group) scenarios.push({ group: name, ...result });
}
const seconds = (Date.now() - started) / 1000;

const targets = scenarios.flatMap((s) => s.targets.map((t) => ({ scenario: s.id, ...t })));
process.stdout.write(`\nTargets (${targets.filter((t) => t.met).length}/${targets.length} met), ${seconds.toFixed(0)} s:\n`);
for (const t of targets) process.stdout.write(`  ${t.met ? 'MET   ' : 'MISSED'} ${t.text}\n`);

if (flags.json || flags.out !== undefined) {
  const file = resolve(here, flags.out ?? 'results/latest.json');
  mkdirSync(dirname(file), { recursive: true });
  // Raw per-round values are kept so a chart or a later analysis can
  // recompute anything; rounded to 4 significant digits (ratios go down to
  // 0.0001×) to keep the committed file readable.
  const round = (x) => (Number.isInteger(x) || Math.abs(x) >= 1000 ? Math.round(x) : Number(x.toPrecision(4)));
  const json = JSON.stringify(
    { meta: { ...meta, seconds }, scenarios },
    (key, value) => (typeof value === 'number' ? round(value) : value),
    2,
  );
  writeFileSync(file, `${json}\n`);
  process.stdout.write(`\nwrote ${file}\n`);
}

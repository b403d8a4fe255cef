// Instructions per operation, counted by valgrind (callgrind): unlike wall
// time, the count does not move with the load of a shared machine, so two
// builds can be compared run against run (±3 % from JIT timing).
//
//   node test/bench/instructions.mjs [case…] [--dist=<dir>]   (after npm run build)
//
// Cases: publish (publish → 1 events$ subscriber), pool-emit (await emit, the
// job starts at once), pool-publish (publish 1 000 jobs, then settled: jobs
// wait in the queue), pool-publish-noctx (the same with asyncContext: false),
// pool-emit-async (the pool bench's workload: `await emit` of an async job).
// References, counted the same way: subject-next (RxJS Subject.next to one
// subscriber) and semaphore (the minimal semaphore of peers.mjs running the
// same async job).
// Each case runs N and 2N operations after a warm-up; (I(2N) − I(N)) / N
// cancels start-up and warm-up. docs/performance.md quotes these counts.
import { execFileSync, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CASES = {
  publish: 100_000,
  'pool-emit': 50_000,
  'pool-publish': 50_000,
  'pool-publish-noctx': 50_000,
  'pool-emit-async': 50_000,
  'subject-next': 100_000,
  semaphore: 50_000,
};

if (process.argv[2] === '--child') {
  const [, , , entry, which, n] = process.argv;
  await runCase(await import(entry), which, Number(n));
} else {
  const args = process.argv.slice(2);
  const dist = resolve(args.find((a) => a.startsWith('--dist='))?.slice(7) ?? 'dist');
  const entry = pathToFileURL(resolve(dist, 'index.js')).href;
  const chosen = args.filter((a) => !a.startsWith('--'));
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
  } catch {
    console.error('valgrind is not installed (apt-get install valgrind).');
    process.exit(1);
  }
  for (const which of chosen.length > 0 ? chosen : Object.keys(CASES)) {
    const n = CASES[which];
    if (n === undefined) throw new Error(`Unknown case '${which}': one of ${Object.keys(CASES).join(', ')}.`);
    const perOp = (count(entry, which, 2 * n) - count(entry, which, n)) / n;
    console.log(`${which.padEnd(20)} ${Math.round(perOp).toLocaleString('en-US').padStart(7)} instructions per operation`);
  }
}

function count(entry, which, n) {
  const self = fileURLToPath(import.meta.url);
  const run = spawnSync(
    'valgrind',
    ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--single-threaded', self, '--child', entry, which, String(n)],
    {
      encoding: 'utf8',
    },
  );
  const match = /Collected : (\d+)/.exec(run.stderr);
  if (match === null) throw new Error(`callgrind printed no total for '${which}':\n${run.stderr.slice(-2000)}`);
  return Number(match[1]);
}

async function runCase(m, which, n) {
  let sum = 0;
  if (which === 'subject-next') {
    const { Subject } = await import('rxjs');
    const subject = new Subject();
    subject.subscribe((v) => (sum += v));
    for (let i = 0; i < 200_000 + n; i++) subject.next(i);
    return;
  }
  if (which === 'semaphore') {
    const { createSemaphore } = await import('./peers.mjs');
    const semaphore = createSemaphore(8);
    const job = async () => {
      sum++;
    };
    for (let i = 0; i < 50_000 + n; i++) semaphore.run(job);
    await semaphore.idle();
    return;
  }
  if (which === 'pool-emit-async') {
    const bus = m.createBus({ concurrency: 8, capacity: 1024 });
    bus.on('job', async () => {
      sum++;
    });
    for (let i = 0; i < 50_000 + n; i++) await bus.emit('job', i);
    await bus.settled();
    return;
  }
  if (which === 'publish') {
    const bus = m.createBus();
    bus.events$('tick').subscribe((e) => (sum += e.payload));
    for (let i = 0; i < 200_000 + n; i++) bus.publish('tick', i);
    return;
  }
  const bus = m.createBus({ concurrency: 8, capacity: 1 << 20, ...(which.endsWith('-noctx') ? { asyncContext: false } : {}) });
  bus.on('job', (p) => {
    sum += p;
  });
  const total = 50_000 + n;
  if (which === 'pool-emit') {
    for (let i = 0; i < total; i++) await bus.emit('job', i);
  } else {
    for (let i = 0; i < total; i++) {
      bus.publish('job', i);
      if (i % 1000 === 999) await bus.settled();
    }
  }
  await bus.settled();
}

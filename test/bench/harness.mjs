// The measuring machinery shared by every scenario file.
//
// Why a harness of our own rather than `vitest bench`: the targets are ratios
// between rxbus and its peers, and on a shared 2-core machine the absolute
// speed drifts by tens of percent within a minute. So every scenario runs all
// of its cases in the same process, one sample each per round, in a rotating
// order, and the ratio to the reference is taken within each round, where the
// cases saw the same machine. The median of those per-round ratios is what a
// target is checked against; min–max shows how noisy the run was.
import { performance } from 'node:perf_hooks';

/** Command-line flags of `npm run bench -- …`. */
export function parseFlags(argv) {
  const flags = { json: false, quick: false, only: undefined, out: undefined, rounds: undefined };
  for (const arg of argv) {
    if (arg === '--json') flags.json = true;
    else if (arg === '--quick') flags.quick = true;
    else if (arg.startsWith('--only=')) flags.only = arg.slice('--only='.length).split(',');
    else if (arg.startsWith('--out=')) flags.out = arg.slice('--out='.length);
    else if (arg.startsWith('--rounds=')) flags.rounds = Number(arg.slice('--rounds='.length));
    else if (arg === '--help' || arg === '-h') flags.help = true;
    else throw new Error(`Unknown flag ${arg}. Try --help.`);
  }
  return flags;
}

export const now = () => performance.now();

/**
 * Collects until the used heap stops moving and returns it. One `gc()` is
 * not enough: right after a teardown, the first collection was seen to leave
 * megabytes that the next one freed, which shifted them into the next
 * measurement. So collect, let the event loop turn, and repeat until two
 * readings agree within 16 KB. Needs `--expose-gc` (run.mjs re-starts
 * itself with it).
 */
export async function settledHeap() {
  if (typeof globalThis.gc !== 'function') throw new Error('Heap scenarios need node --expose-gc.');
  let previous = Infinity;
  for (let i = 0; i < 12; i++) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 2));
    const used = process.memoryUsage().heapUsed;
    if (Math.abs(used - previous) < 16 * 1024) return used;
    previous = used;
  }
  return previous;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summary(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/**
 * A case that runs an operation `n` times per run and reports ns per
 * operation. `setup()` returns `{ run(n), teardown?() }`; `run` holds its own
 * loop (it may be async, for peers whose emit is), so the call site of the
 * measured operation is monomorphic and the harness adds no per-operation
 * call. `n` is calibrated once, on the warm-up round, so that a run takes
 * about `minMs`.
 *
 * A sample is the fastest of `repeats` back-to-back runs on the same set-up
 * state. On a shared 2-core machine a single run is often stretched by
 * preemption, or by the GC work that the set-up itself (10 000 waiters)
 * triggered; the fastest run is the stable estimate of what the operation
 * costs. It still includes the operation's own garbage collection, since
 * each run allocates as the operation does.
 *
 * No `gc()` is forced before a timed run: on Node 20 a forced full
 * collection makes the run after it 2–3× slower (measured on the pool
 * workload), which would distort exactly what is being measured.
 */
export function perOp(setup, { minMs, repeats = 5 }) {
  let n = 0;
  return async () => {
    const state = await setup();
    try {
      if (n === 0) n = await calibrate(state.run, minMs);
      await state.run(Math.max(1, n >> 3)); // warm the code paths of this round's fresh objects
      let best = Infinity;
      for (let i = 0; i < repeats; i++) {
        const start = now();
        await state.run(n);
        best = Math.min(best, ((now() - start) * 1e6) / n);
      }
      return best;
    } finally {
      await state.teardown?.();
    }
  };
}

async function calibrate(run, minMs) {
  let n = 1;
  for (;;) {
    const start = now();
    await run(n);
    const elapsed = now() - start;
    if (elapsed >= minMs / 4 || n >= 1e9) return Math.max(1, Math.round((n * minMs) / Math.max(elapsed, 1e-3)));
    n *= 4;
  }
}

/**
 * A case whose sample is one fixed workload: `setup()` prepares it (not
 * timed) and returns `{ run(), teardown?() }`; `run` may be async. The value
 * is the elapsed time divided by `per` (e.g. per job), in `scale` units per ms
 * (1e6 for ns, 1e3 for µs, 1 for ms). With `repeats`, the workload is set up
 * and run that many times and the fastest counts (see perOp for why).
 */
export function perWorkload(setup, { per = 1, scale = 1, repeats = 1 } = {}) {
  return async () => {
    let best = Infinity;
    for (let i = 0; i < repeats; i++) {
      const state = await setup();
      try {
        const start = now();
        await state.run();
        best = Math.min(best, ((now() - start) * scale) / per);
      } finally {
        await state.teardown?.();
      }
    }
    return best;
  };
}

/**
 * A case that measures retained heap per item: `build(count)` creates
 * `count` live items and returns `{ teardown() }`; the value is the growth of
 * the used heap across it, after full collections on both sides, divided by
 * `count`. Anything the measurement itself needs (arrays of results, input
 * strings) should be allocated by `prepare(count)`, before the baseline.
 */
export function perItemHeap(build, { count, prepare }) {
  return async () => {
    let input = prepare === undefined ? undefined : prepare(count);
    const before = await settledHeap();
    let state = await build(count, input);
    const after = await settledHeap();
    await state.teardown();
    // Let go of everything now (settled promises holding an error each, for
    // some peers) and collect it here: otherwise part of it is freed only
    // during the next case's measurement, which then comes out too small.
    input = state = undefined;
    await settledHeap();
    return (after - before) / count;
  };
}

/**
 * Runs one scenario: a warm-up round (not recorded), then `rounds` rounds in
 * which every case takes one sample, in an order rotated by one each round
 * (no case is always first after a GC-heavy neighbour). Returns the
 * recorded scenario; prints it as it goes.
 *
 * `cases`: `[{ name, sample: async () => number }]`; the case named
 * `reference` (default: the first) is what ratios are taken against.
 * Every unit is lower-is-better (time, bytes), so a ratio is
 * reference ÷ case: above 1 the case is faster (or smaller) than the reference.
 */
export async function scenario({ id, title, unit, reference, cases, rounds, note, warmup = true }) {
  const ref = reference ?? cases[0].name;
  if (!cases.some((c) => c.name === ref)) throw new Error(`${id}: no case named ${ref}`);
  process.stdout.write(`\n${title}\n`);
  if (warmup) for (const c of cases) await c.sample();
  const values = new Map(cases.map((c) => [c.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < cases.length; i++) {
      const c = cases[(i + round) % cases.length];
      values.get(c.name).push(await c.sample());
    }
    if (process.stdout.isTTY) process.stdout.write(`  round ${round + 1}/${rounds}\r`);
  }
  if (process.stdout.isTTY) process.stdout.write('\x1b[2K');
  const refValues = values.get(ref);
  const rows = cases.map((c) => {
    const v = values.get(c.name);
    const ratios = v.map((x, round) => refValues[round] / x);
    return { name: c.name, reference: c.name === ref, values: v, ...summary(v), ratio: summary(ratios), ratios };
  });
  const result = { id, title, unit, reference: ref, rounds, rows, targets: [], note };
  printScenario(result);
  return result;
}

/** The row of a scenario by case name. */
export function row(result, name) {
  const found = result.rows.find((r) => r.name === name);
  if (found === undefined) throw new Error(`${result.id}: no row ${name}`);
  return found;
}

/**
 * Records a target check on a scenario and prints it. `measured` is the
 * number compared, `met` the verdict, `text` the target as the issue states it.
 */
export function target(result, { text, measured, met, unit = '' }) {
  const entry = { text, measured, unit, met };
  result.targets.push(entry);
  process.stdout.write(`  target ${met ? 'MET   ' : 'MISSED'} ${text}: ${format(measured)}${unit}\n`);
  return entry;
}

export function format(x) {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  if (abs >= 1000) return Math.round(x).toLocaleString('en-US');
  if (abs >= 100) return x.toFixed(0);
  if (abs >= 10) return x.toFixed(1);
  if (abs >= 1) return x.toFixed(2);
  return x.toPrecision(2);
}

function printScenario(result) {
  const nameWidth = Math.max(...result.rows.map((r) => r.name.length), 12) + 2;
  const header = `  ${'case'.padEnd(nameWidth)}${`${result.unit} median`.padStart(14)}  ${'min–max'.padEnd(22)}${'× ref median'.padStart(13)}  min–max`;
  process.stdout.write(`${header}\n`);
  for (const r of result.rows) {
    const range = `${format(r.min)}–${format(r.max)}`;
    const ratio = r.reference ? '(reference)' : `${format(r.ratio.median)}×`;
    const ratioRange = r.reference ? '' : `${format(r.ratio.min)}–${format(r.ratio.max)}`;
    process.stdout.write(
      `  ${r.name.padEnd(nameWidth)}${format(r.median).padStart(14)}  ${range.padEnd(22)}${ratio.padStart(13)}  ${ratioRange}\n`,
    );
  }
  if (result.note) process.stdout.write(`  note: ${result.note}\n`);
}

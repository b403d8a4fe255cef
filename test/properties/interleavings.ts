/**
 * Random interleavings of bus operations, as fast-check model-based runs
 * (`fc.commands` + `fc.asyncModelRun`) on virtual time, checked by the
 * {@link BusModel} oracle.
 *
 * Each property names the invariant families it checks; a run fails at the
 * first step that breaks one of them, and fast-check shrinks it to a short
 * list of steps. How many runs: `RXBUS_PROP_RUNS` (default 150 under
 * `npm test`; `npm run test:props` runs 20 000). A failing run prints its
 * seed and path; replay it with `RXBUS_PROP_SEED=<seed> RXBUS_PROP_PATH=<path>`.
 */
import fc from 'fast-check';
import { BusModel, type Family } from './bus-model.js';
import { configArbitrary, describeOp, opArbitraries, type BusConfig, type Mix, type Op } from './operations.js';

/** The default number of runs under `npm test`: a few seconds for the whole suite. */
const QUICK_RUNS = 150;
/** `vitest --mode props` (`npm run test:props`): the long run. */
const LONG_RUNS = 20_000;
/** The seed of the quick runs in `npm test`. */
const QUICK_SEED = 20_261_201;

const env = process.env;

/** Runs per property: `RXBUS_PROP_RUNS`, else 20 000 in props mode, else {@link QUICK_RUNS}. */
export const PROPERTY_RUNS: number =
  env.RXBUS_PROP_RUNS !== undefined
    ? Number(env.RXBUS_PROP_RUNS)
    : (import.meta as ImportMeta & { env?: { MODE?: string } }).env?.MODE === 'props'
      ? LONG_RUNS
      : QUICK_RUNS;

/** Long runs print their seeds (so a closing note can list them) and get a longer vitest timeout. */
const LONG = PROPERTY_RUNS > QUICK_RUNS * 10;

/** A vitest timeout that fits the number of runs (≈ 3 ms a run, with room for shrinking). */
export const PROPERTY_TIMEOUT: number = Math.max(60_000, PROPERTY_RUNS * 15);

/** One step of a run, as fast-check drives it. */
class Step implements fc.AsyncCommand<object, BusModel> {
  constructor(readonly op: Op) {}
  check(): boolean {
    return true; // every op is valid in every state: indices are taken modulo what exists
  }
  async run(_model: object, bus: BusModel): Promise<void> {
    await bus.apply(this.op);
    bus.assertKept();
  }
  toString(): string {
    return describeOp(this.op);
  }
}

/** The fast-check parameters of every property: runs, and a seed and path to replay. */
function parameters(name: string): fc.Parameters<[BusConfig, Iterable<fc.AsyncCommand<object, BusModel>>]> {
  // `npm test` (the quick mode) runs a fixed seed, so CI is reproducible; the
  // long runs (`npm run test:props`) explore with a fresh seed each time.
  const seed =
    env.RXBUS_PROP_SEED !== undefined
      ? Number(env.RXBUS_PROP_SEED)
      : LONG || env.RXBUS_PROP_RUNS !== undefined
        ? (Date.now() ^ (Math.random() * 0x1_0000_0000)) | 0
        : QUICK_SEED;
  if (LONG) process.stdout.write(`[props] ${name}: ${PROPERTY_RUNS} runs, seed ${seed}\n`);
  return {
    numRuns: env.RXBUS_PROP_PATH !== undefined ? 1 : PROPERTY_RUNS,
    seed,
    path: env.RXBUS_PROP_PATH,
    // A run is a few ms; a stuck one must not hang the suite.
    timeout: 5_000,
  };
}

/**
 * Checks that random interleavings of the ops in `mix` keep the invariants
 * of `families`, after every step, at quiescence and after the final close.
 *
 * @example
 * ```ts
 * it('keeps queued ≤ capacity everywhere', () => checkInterleavings('capacity', ['capacity'], BALANCED), PROPERTY_TIMEOUT);
 * ```
 */
export async function checkInterleavings(name: string, families: readonly Family[], mix: Mix): Promise<void> {
  const step = fc.oneof(...opArbitraries(mix)).map((op) => new Step(op));
  // How many runs reached each situation: printed by long runs, to show what the generator exercises.
  const coverage = new Map<string, number>();
  let runs = 0;
  const property = fc.asyncProperty(
    configArbitrary,
    fc.commands([step], { maxCommands: mix.maxCommands, size: 'max' }),
    async (config, steps) => {
      const bus = new BusModel(config, families);
      try {
        await fc.asyncModelRun(() => ({ model: {}, real: bus }), steps);
        await bus.finish();
        bus.assertKept();
      } finally {
        bus.dispose();
        runs++;
        for (const situation of bus.covered) coverage.set(situation, (coverage.get(situation) ?? 0) + 1);
      }
    },
  );
  try {
    await fc.assert(property, parameters(name));
  } finally {
    if (LONG) {
      const lines = [...coverage]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([what, n]) => `    ${((100 * n) / runs).toFixed(1).padStart(5)}%  ${what}`);
      process.stdout.write(`[props] ${name}: ${runs} runs (with shrinking) reached:\n${lines.join('\n')}\n`);
    }
  }
}

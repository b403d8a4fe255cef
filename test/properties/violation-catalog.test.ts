/**
 * Every distinct broken invariant, not only the first: a property stops at
 * its first counterexample, so one defect can hide the others of its
 * family. This lists each kind of violation (numbers and names taken out of
 * its message) seen over N runs of every step mix, with a shrunk example of
 * each. Skipped unless asked for:
 *
 *   RXBUS_PROP_CATALOG=2000 npx vitest run test/properties/violation-catalog.test.ts
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { BusModel, type Family } from './bus-model.js';
import { BALANCED, configArbitrary, describeOp, mix, opArbitraries, type BusConfig, type Mix, type Op } from './operations.js';

const RUNS = Number(process.env.RXBUS_PROP_CATALOG ?? 0);

const FAMILIES: Family[] = [
  'capacity',
  'ids',
  'ordering',
  'accounting',
  'waiters',
  'since',
  'leaks',
  'requests',
  'emitters',
  'fifo',
  'settled',
  'close',
  'closed',
  'robustness',
];

const MIXES: Record<string, Mix> = {
  balanced: BALANCED,
  'no reactions': mix({ reactions: 0 }),
  producers: mix({
    reactions: 0.2,
    weights: { emit: 12, on: 6, advance: 2, abort: 3, publish: 2, unsubscribe: 1, stream: 1, settled: 1, close: 1 },
    only: true,
  }),
  hostile: mix({ hostile: true }),
};

/** A message without its numbers, names and details: one kind of violation. */
const kindOf = (family: Family, message: string): string =>
  `${family}: ${
    message
      .replace(/^step \d+: /, '')
      .replace(/\d+/g, 'N')
      .replace(/'[^']*'/g, "'…'")
      .replace(/\([^)]*\)/g, '(…)')
      .split('\n')[0]
  }`;

async function run(config: BusConfig, ops: readonly Op[]): Promise<BusModel> {
  const bus = new BusModel(config, FAMILIES);
  try {
    for (const op of ops) await bus.apply(op);
    await bus.finish();
  } finally {
    bus.dispose();
  }
  return bus;
}

describe.runIf(RUNS > 0)('violation catalog', () => {
  it('lists every kind of broken invariant with a shrunk example', async () => {
    const seed = Number(process.env.RXBUS_PROP_SEED ?? Date.now() | 0);
    const found = new Map<string, string>(); // kind → mix
    for (const [name, m] of Object.entries(MIXES)) {
      const steps = fc.tuple(configArbitrary, fc.array(fc.oneof(...opArbitraries(m)), { maxLength: m.maxCommands, size: 'max' }));
      for (const [config, ops] of fc.sample(steps, { numRuns: RUNS, seed })) {
        for (const v of (await run(config, ops)).violations)
          if (!found.has(kindOf(v.family, v.message))) found.set(kindOf(v.family, v.message), name);
      }
    }
    const lines = [`${found.size} kinds of violation in ${RUNS} runs of each mix (seed ${seed}):`];
    for (const [kind, name] of [...found].sort(([a], [b]) => a.localeCompare(b))) {
      const m = MIXES[name]!;
      const steps = fc.tuple(configArbitrary, fc.array(fc.oneof(...opArbitraries(m)), { maxLength: m.maxCommands, size: 'max' }));
      // Same seed, same samples: the property fails where the kind was seen, then shrinks.
      const result = await fc.check(
        fc.asyncProperty(
          steps,
          async ([config, ops]) => !(await run(config, ops)).violations.some((v) => kindOf(v.family, v.message) === kind),
        ),
        { numRuns: RUNS, seed },
      );
      const example = result.counterexample?.[0];
      lines.push(`\n${kind}   [${name}]`);
      if (example !== undefined) lines.push(`  ${JSON.stringify(example[0])}`, ...example[1].map((op) => `  ${describeOp(op)}`));
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }, 3_600_000);
});

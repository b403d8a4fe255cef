/**
 * `npm run demo`: runs the page-traffic scenario in the terminal.
 *
 *   node docs/examples/demo.mjs [--duration=6000] [--waiters=1000] [--rate=20000] [--seed=1] [--quiet]
 *
 * Exits with code 1 when a guarantee did not hold.
 */
import { parseArgs } from 'node:util';
import { DEFAULTS, runPageTraffic } from './page-traffic.mjs';

const { values } = parseArgs({
  options: {
    duration: { type: 'string' },
    waiters: { type: 'string' },
    rate: { type: 'string' },
    seed: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(
    'Usage: npm run demo -- [--duration=ms] [--waiters=n] [--rate=responses/s] [--seed=n] [--quiet]\n' +
      `Defaults: --duration=${DEFAULTS.duration} --waiters=${DEFAULTS.waiters} --rate=${DEFAULTS.responsesPerSecond} --seed=${DEFAULTS.seed}\n` +
      '--quiet prints the summary only. See docs/examples/README.md.',
  );
  process.exit(0);
}

/** A whole number ≥ `min` from the command line, or the default when the flag is absent. */
function count(flag, fallback, min = 1) {
  const text = values[flag];
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) {
    console.error(`--${flag} must be a whole number ≥ ${min}, got '${text}'.`);
    process.exit(2);
  }
  return n;
}

const summary = await runPageTraffic({
  // Under a second, real timers jitter too much for the planned deadlines (the test uses virtual time).
  duration: count('duration', DEFAULTS.duration, 1000),
  waiters: count('waiters', DEFAULTS.waiters),
  responsesPerSecond: count('rate', DEFAULTS.responsesPerSecond),
  seed: count('seed', DEFAULTS.seed),
  output: process.stdout,
  progress: !values.quiet,
});
if (!summary.ok) process.exitCode = 1;

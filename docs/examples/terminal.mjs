/**
 * How the demo shows itself in a terminal: a live progress line and the
 * final summary. Presentation only; the scenario is in page-traffic.mjs.
 */

const CLEAR_TO_END_OF_LINE = '\x1b[K';
const number = (n) => n.toLocaleString('en-US');
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/**
 * A progress display on `output`: on a TTY, one line redrawn in place with
 * `\r`; otherwise (a pipe, a CI log) one line every `interval` ms of scenario
 * time. Without `output` it does nothing.
 */
export function createProgress(output, { interval }) {
  if (output === undefined) return { update() {}, done() {} };
  if (output.isTTY) {
    // A line longer than the terminal would wrap, and \r would then redraw only its last row.
    const fit = (line) => (output.columns > 1 ? line.slice(0, output.columns - 1) : line);
    return {
      update: (view) => output.write(`\r${fit(progressLine(view))}${CLEAR_TO_END_OF_LINE}`),
      done: (view) => output.write(`\r${fit(progressLine(view))}${CLEAR_TO_END_OF_LINE}\n`),
    };
  }
  let nextLineAt = 0;
  return {
    update(view) {
      if (view.elapsed < nextLineAt) return;
      nextLineAt = view.elapsed + interval;
      output.write(`${progressLine(view)}\n`);
    },
    done: (view) => output.write(`${progressLine(view)}\n`),
  };
}

/** One line of live numbers, straight from `bus.stats()`. */
function progressLine({ elapsed, stats, capacity, concurrency, downloads }) {
  return [
    seconds(elapsed).padStart(6),
    `events ${number(stats.published)}`,
    `waiters ${stats.waiters}`,
    `queued ${stats.queued}/${capacity}`,
    `running ${stats.running}/${concurrency}`,
    `emit waiting ${stats.emitters}`,
    `downloads ${number(downloads)}`,
    `failed ${stats.failed}`,
    `dropped ${stats.dropped}`,
  ].join('  ');
}

/** The end-of-run report: what happened, then each guarantee with ✓ or ✗. */
export function formatSummary({ elapsed, duration, seed, page, waiters, downloads, failures, pool, checks, ok }) {
  const rate = Math.round((page.responses * 1000) / duration);
  const lines = [
    '',
    `rxbus demo: ${seconds(elapsed)}, seed ${seed}`,
    `  page       ${number(page.responses)} responses published (${number(rate)}/s); a stream subscriber saw ${number(page.responsesSeen)}`,
    `  waiters    ${number(waiters.total)} pending at once: ${waiters.resolved} resolved, ${waiters.timedOut} timed out, ${waiters.aborted} aborted` +
      ` (planned ${waiters.planned.resolved} / ${waiters.planned.timedOut} / ${waiters.planned.aborted})`,
    `  pool       ${number(downloads.emitted)} downloads × 3 handlers (save, scan, count), concurrency ${pool.concurrency}, capacity ${pool.capacity}`,
    `             emit made the page wait for room ${number(downloads.waitedForRoom)} times; at most ${pool.maxEmitters} producer waiting`,
    `  tally      coordinator: ${number(downloads.counted)} files, ${number(downloads.countedBytes)} bytes`,
  ];
  if (page.exampleTimeout !== undefined) lines.push(`  a timeout  WaitTimeoutError ${page.exampleTimeout}`);
  if (failures.example !== undefined) lines.push(`  a failure  ${failures.example}`);
  lines.push('');
  for (const check of checks) lines.push(`  ${check.ok ? '✓' : '✗'} ${check.guarantee}: ${check.detail}`);
  lines.push('', ok ? 'All guarantees held.' : 'A guarantee did not hold: see ✗ above.', '');
  return lines.join('\n');
}

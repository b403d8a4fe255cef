import { beforeAll, describe, expect, it } from 'vitest';
import { VirtualScheduler } from 'rxbus/testing';
import { runPageTraffic, type DemoOutput, type PageTrafficOptions, type PageTrafficSummary } from '../docs/examples/page-traffic.mjs';
import { flush } from './support/async.js';

/**
 * Runs the demo scenario on virtual time: between two 1 ms steps of the clock,
 * every pending promise continuation runs (no real timer is involved).
 */
async function runOnVirtualTime(options: PageTrafficOptions = {}) {
  const scheduler = new VirtualScheduler();
  let finished = false;
  const run = runPageTraffic({ duration: 600, responsesPerSecond: 5000, ...options, scheduler }).finally(() => {
    finished = true;
  });
  const limit = 10 * (options.duration ?? 600);
  for (let step = 0; !finished; step++) {
    if (step > limit) throw new Error(`the demo did not finish within ${limit} virtual ms`);
    await flush(1);
    scheduler.advance(1);
  }
  return { summary: await run, scheduler };
}

/** An output that collects what the demo writes. */
function collector(isTTY: boolean): DemoOutput & { text: string } {
  return {
    isTTY,
    columns: 200,
    text: '',
    write(chunk: string) {
      this.text += chunk;
    },
  };
}

describe('the page-traffic demo (docs/examples)', () => {
  let summary: PageTrafficSummary;
  let scheduler: VirtualScheduler;

  beforeAll(async () => {
    ({ summary, scheduler } = await runOnVirtualTime());
  });

  it('settles each of the 1 000 waiters exactly once, as planned', () => {
    const { waiters } = summary;
    expect(waiters.total).toBe(1000);
    expect(waiters.resolved + waiters.timedOut + waiters.aborted).toBe(1000);
    expect(waiters.settledOnce).toBe(1000);
    expect(waiters.settlements).toBe(1000);
    expect(waiters.other).toBe(0);
    expect(waiters.mismatches).toBe(0);
    expect({ resolved: waiters.resolved, timedOut: waiters.timedOut, aborted: waiters.aborted }).toEqual(waiters.planned);
    // Every kind of ending happened, so each path was exercised.
    expect(waiters.resolved).toBeGreaterThan(0);
    expect(waiters.timedOut).toBeGreaterThan(0);
    expect(waiters.aborted).toBeGreaterThan(0);
  });

  it('leaves no waiter, subscription, job, tracked work or timer behind', () => {
    expect(summary.leaks).toEqual({ waiters: 0, subscriptions: 0, queued: 0, running: 0, tracked: 0, pendingRequests: 0, emitters: 0 });
    expect(scheduler.pending).toBe(0);
  });

  it('never queues more than capacity, and emit waits instead of dropping', () => {
    const { pool, downloads } = summary;
    expect(pool.maxQueued).toBeLessThanOrEqual(pool.capacity);
    expect(pool.maxRunning).toBeLessThanOrEqual(pool.concurrency);
    // The queue did fill up: backpressure was exercised, not avoided.
    expect(pool.maxQueued).toBe(pool.capacity);
    expect(downloads.waitedForRoom).toBeGreaterThan(0);
    expect(pool.dropped).toBe(0);
    expect(downloads.saved).toBe(downloads.emitted);
  });

  it('isolates the failing scan handler: its errors reach errors$, the other handlers still run', () => {
    const { failures, downloads } = summary;
    expect(failures.count).toBeGreaterThan(0);
    expect(failures.count).toBe(downloads.expectedFailures);
    expect(failures.failed).toBe(failures.count);
    expect(failures.wrongHandler).toBe(0);
    expect(downloads.counted).toBe(downloads.emitted);
  });

  it('loses no update of the coordinator tally', () => {
    expect(summary.downloads.counted).toBe(summary.downloads.emitted);
    expect(summary.downloads.countedBytes).toBe(summary.downloads.bytes);
  });

  it('lets a stream subscriber see every response', () => {
    expect(summary.page.responses).toBeGreaterThan(3000);
    expect(summary.page.responsesSeen).toBe(summary.page.responses);
  });

  it('reports every check as held', () => {
    expect(summary.checks.filter((check) => !check.ok)).toEqual([]);
    expect(summary.checks).toHaveLength(6);
    expect(summary.ok).toBe(true);
  });

  it('replays the same run from the same seed', async () => {
    const again = await runOnVirtualTime();
    expect(again.summary).toEqual(summary);
  });

  it('writes one progress line per interval and the summary when not on a TTY', async () => {
    const output = collector(false);
    await runOnVirtualTime({ output, progressInterval: 200 });
    const progressLines = output.text.split('\n').filter((line) => /^\s*\d+\.\d s {2}events /.test(line));
    // At 0, 200, 400 and 600 ms, and the final line.
    expect(progressLines.map((line) => line.trim().slice(0, 5))).toEqual(['0.0 s', '0.2 s', '0.4 s', '0.6 s', '0.6 s']);
    expect(output.text).not.toContain('\r');
    expect(output.text).toContain('✓ every waiter settled exactly once: ');
    expect(output.text).toContain('All guarantees held.');
  });

  it('redraws one progress line with \\r on a TTY, and writes only the summary with progress: false', async () => {
    const tty = collector(true);
    await runOnVirtualTime({ output: tty });
    expect(tty.text.startsWith('\r')).toBe(true);
    expect(tty.text.split('\n')[0]!.split('\r').length).toBeGreaterThan(3);

    const quiet = collector(true);
    await runOnVirtualTime({ output: quiet, progress: false });
    expect(quiet.text).not.toContain('\r');
    expect(quiet.text).toContain('All guarantees held.');
  });
});

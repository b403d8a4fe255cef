/**
 * The rxbus demo: a simulated browser page under load.
 *
 * - The **page** publishes `page.response` events (`{ url, status }`) at a high
 *   rate with `bus.publish`: stream subscribers and waiters see each one
 *   synchronously; nothing is queued for them.
 * - **1 000 waiters** wait for the 200 response of their own URL
 *   (`bus.waitFor('page.response', { url, status: 200 }, { timeout, signal })`).
 *   Most get it; some only ever see a 503 and time out; some belong to a tab
 *   that is closed (an `AbortController`) before their response arrives.
 * - The page also hands over **downloads**, each with `await bus.emit(...)`.
 *   A slow handler group (`save`, `scan`, `count`) works through them on the
 *   bounded pool; the queue is small, so `emit` holds the page back
 *   (backpressure) instead of dropping or piling up work. `scan` sometimes
 *   throws: the failure goes to `bus.errors$` and nothing else notices.
 * - A **coordinator** (`createCoordinator`) keeps the shared tally that all
 *   these concurrent flows write to, one command at a time.
 *
 * At the end it checks, from the tally and `bus.stats()`, what rxbus promises:
 * every waiter settled exactly once, nothing leaked, the queue never held more
 * than its capacity, and a failing handler disturbed nothing else.
 *
 * Every timer goes through `scheduler` (the bus's too), so a test can run the
 * whole scenario on virtual time. Run it with `npm run demo`; see README.md here.
 */
import { asyncScheduler, firstValueFrom, interval, takeWhile, timer } from 'rxjs';
import { createBus, createCoordinator, WaitTimeoutError } from 'rxbus';
import { createProgress, formatSummary } from './terminal.mjs';

/**
 * The events of this scenario. In TypeScript this is the bus's event map:
 * `createBus<PageEvents>(...)`.
 *
 * @typedef {{
 *   'page.response': { url: string; status: number };
 *   'page.download': { name: string; index: number; bytes: number };
 * }} PageEvents
 */

/** How a waiter can end; anything else is a bug, counted as `other`. */
const OUTCOMES = ['resolved', 'timedOut', 'aborted'];

/** The options `npm run demo` uses; each can be overridden (see page-traffic.d.mts). */
export const DEFAULTS = Object.freeze({
  duration: 5000, // ms the page keeps producing
  waiters: 1000,
  responsesPerSecond: 20_000,
  concurrency: 4, // handler jobs running at once
  capacity: 12, // handler jobs waiting for a slot: 4 downloads × 3 handlers
  saveMs: 6,
  scanMs: 2,
  scanFailureEvery: 25, // scan throws on every 25th file
  tabs: 4,
  seed: 1,
});

/**
 * Runs the scenario and resolves with its summary (also written to `output`
 * when one is given).
 *
 * @param {import('./page-traffic.d.mts').PageTrafficOptions} [options]
 * @returns {Promise<import('./page-traffic.d.mts').PageTrafficSummary>}
 */
export async function runPageTraffic(options = {}) {
  const settings = { ...DEFAULTS, ...options };
  const { duration, concurrency, capacity, responsesPerSecond, saveMs, scanMs, scanFailureEvery } = settings;
  const scheduler = options.scheduler ?? asyncScheduler;
  const start = scheduler.now();
  const elapsed = () => scheduler.now() - start;
  const sleep = (ms) => firstValueFrom(timer(ms, scheduler));
  const scanFailsOn = (file) => file.index % scanFailureEvery === scanFailureEvery - 1;
  const plan = planWaiters(settings);
  const subscriptions = [];

  // ---- 1. The bus: a small pool, so backpressure shows.
  /** @type {import('rxbus').Bus<PageEvents>} */
  const bus = createBus({ concurrency, capacity, overflow: 'error', scheduler });

  // ---- 2. The shared tally. Commands run one at a time, in arrival order,
  // so the 1 000 waiters and the handlers can all write to it without locks.
  const tally = createCoordinator(
    { resolved: 0, timedOut: 0, aborted: 0, other: 0, settlements: 0, settled: new Set(), files: 0, bytes: 0 },
    {
      waiterSettled(state, id, outcome) {
        state.settlements++;
        state.settled.add(id);
        state[OUTCOMES.includes(outcome) ? outcome : 'other']++;
      },
      async fileSaved(state, bytes) {
        const before = state.bytes;
        await Promise.resolve(); // stands for an async write: without the coordinator, another call could slip in here
        state.bytes = before + bytes;
        state.files++;
      },
    },
  );

  // ---- 3. Watching the pool: the highest queue and pool use we ever saw.
  const pool = { concurrency, capacity, maxQueued: 0, maxRunning: 0, maxEmitters: 0, samples: 0 };
  const sample = (stats = bus.stats()) => {
    pool.samples++;
    pool.maxQueued = Math.max(pool.maxQueued, stats.queued);
    pool.maxRunning = Math.max(pool.maxRunning, stats.running);
    pool.maxEmitters = Math.max(pool.maxEmitters, stats.emitters);
  };

  // ---- 4. The slow handler group. Each download is three jobs on the pool.
  const downloads = { emitted: 0, bytes: 0, waitedForRoom: 0, saved: 0, expectedFailures: 0 };
  subscriptions.push(
    bus.on('page.download', async function save() {
      sample();
      await sleep(saveMs);
      downloads.saved++;
    }),
    bus.on('page.download', async function scan(file) {
      await sleep(scanMs);
      if (scanFailsOn(file)) throw new Error(`virus scanner crashed on ${file.name}`);
    }),
    bus.on('page.download', function count(file) {
      return tally.fileSaved(file.bytes);
    }),
  );

  // A failing handler becomes a HandlerError here; the bus and the other handlers go on.
  const failures = { count: 0, wrongHandler: 0, example: undefined };
  subscriptions.push(
    bus.errors$.subscribe((error) => {
      failures.count++;
      if (error.handler !== 'scan') failures.wrongHandler++;
      failures.example ??= error.message;
    }),
  );

  // A plain stream subscriber: it sees every response synchronously, inside publish.
  let responsesSeen = 0;
  subscriptions.push(bus.events$('page.response').subscribe(() => responsesSeen++));

  // ---- 5. The waiters, all pending at once.
  let mismatches = 0;
  let exampleTimeout;
  const waits = plan.waiters.map(({ id, url, timeout, tab, expected }) => {
    const signal = tab?.signal;
    return bus
      .waitFor('page.response', { url, status: 200 }, { timeout, signal })
      .then(
        () => 'resolved',
        (error) => {
          if (error instanceof WaitTimeoutError) {
            exampleTimeout ??= `after ${error.timeout} ms, '${error.pattern}' matching ${error.matcher} (its message lists ${error.nearMisses.length} near misses)`;
            return 'timedOut';
          }
          return signal?.aborted && error === signal.reason ? 'aborted' : `failed: ${error}`;
        },
      )
      .then((outcome) => {
        if (outcome !== expected) mismatches++;
        return tally.waiterSettled(id, outcome);
      });
  });
  for (const tab of plan.tabs) {
    // All waiters of a tab share its signal (and rxbus gives them one abort listener).
    scheduler.schedule(() => tab.controller.abort(), tab.closesAt);
  }

  // Live progress, from bus.stats$ (at most one emission per 100 ms).
  const progressOutput = options.progress === false ? undefined : options.output;
  const progress = createProgress(progressOutput, { interval: options.progressInterval ?? 1000 });
  const view = (stats) => ({ elapsed: elapsed(), stats, capacity, concurrency, downloads: tally.state.files });
  subscriptions.push(
    bus.stats$.subscribe((stats) => {
      sample(stats);
      progress.update(view(stats));
    }),
  );

  // ---- 6. The page: network responses at a steady rate, tracked so that
  // bus.settled() waits for it.
  let plannedSent = 0; // responses of the plan (the ones waiters wait for) published so far
  let noiseSent = 0; // other responses published so far
  const publishDue = () => {
    const now = elapsed();
    for (; plannedSent < plan.responses.length && plan.responses[plannedSent].at <= now; plannedSent++) {
      const { url, status } = plan.responses[plannedSent];
      bus.publish('page.response', { url, status });
    }
    // Catch up by the clock, so a late timer tick does not lower the rate.
    const due = Math.floor((responsesPerSecond * Math.min(now, duration)) / 1000);
    for (; noiseSent < due; noiseSent++) bus.publish('page.response', noiseResponse(noiseSent, plan.waiters.length));
  };
  const pageDone = bus.track();
  interval(1, scheduler)
    .pipe(takeWhile(() => elapsed() < duration, true))
    .subscribe({ next: publishDue, complete: pageDone });

  // ---- 7. The downloads: as fast as the handlers allow. emit resolves once
  // this download's jobs fit in the queue.
  const produceDownloads = async () => {
    for (let index = 0; elapsed() < duration; index++) {
      const file = { name: `report-${index}.pdf`, index, bytes: 1024 * (1 + (index % 8)) };
      const queued = bus.emit('page.download', file);
      if (bus.stats().emitters > 0) downloads.waitedForRoom++; // no room now: the producer waits in line
      await queued;
      sample();
      downloads.emitted++;
      downloads.bytes += file.bytes;
      if (scanFailsOn(file)) downloads.expectedFailures++;
    }
  };
  bus.track(produceDownloads());

  // ---- 8. The end: page and producer done, every job run, every waiter settled.
  await bus.settled();
  await Promise.all(waits);
  await tally.close();
  const final = bus.stats();
  progress.done(view(final));
  for (const subscription of subscriptions) subscription.unsubscribe();
  const after = bus.stats();
  await bus.close();

  const summary = summarize({
    settings,
    plan,
    tally: tally.state,
    page: { responses: plannedSent + noiseSent, responsesSeen, exampleTimeout },
    mismatches,
    pool,
    downloads,
    failures,
    final,
    after,
    elapsed: elapsed(),
  });
  options.output?.write(formatSummary(summary));
  return summary;
}

/** The numbers of a finished run, and the guarantees they show. */
function summarize({ settings, plan, tally, page, mismatches, pool, downloads, failures, final, after, elapsed }) {
  const { resolved, timedOut, aborted, other, settlements } = tally;
  const summary = {
    elapsed,
    duration: settings.duration,
    seed: settings.seed,
    page,
    waiters: {
      total: plan.waiters.length,
      planned: plan.planned,
      resolved,
      timedOut,
      aborted,
      other,
      settlements,
      settledOnce: tally.settled.size,
      mismatches,
    },
    downloads: { ...downloads, counted: tally.files, countedBytes: tally.bytes },
    failures: { count: failures.count, failed: final.failed, wrongHandler: failures.wrongHandler, example: failures.example },
    pool: { ...pool, dropped: final.dropped },
    leaks: {
      waiters: after.waiters,
      subscriptions: after.subscriptions,
      queued: after.queued,
      running: after.running,
      tracked: after.tracked,
      pendingRequests: after.pendingRequests,
      emitters: after.emitters,
    },
  };
  const checks = checksOf(summary);
  return { ...summary, checks, ok: checks.every((check) => check.ok) };
}

/** The guarantees the summary makes visible, each with the numbers behind it. */
function checksOf({ waiters, downloads, failures, pool, leaks }) {
  const { total, resolved, timedOut, aborted, other, settlements, settledOnce, mismatches } = waiters;
  const sum = resolved + timedOut + aborted;
  const leaked = Object.entries(leaks).filter(([, value]) => value !== 0);
  return [
    {
      guarantee: 'every waiter settled exactly once',
      ok: sum === total && other === 0 && settledOnce === total && settlements === total && mismatches === 0,
      detail: `${resolved} resolved + ${timedOut} timed out + ${aborted} aborted = ${sum} of ${total}; ${settledOnce} distinct, ${settlements} settlements, ${mismatches} not as planned`,
    },
    {
      guarantee: '0 leaks',
      ok: leaked.length === 0,
      detail:
        leaked.length === 0
          ? 'waiters, subscriptions, queued, running, tracked, pendingRequests, emitters all 0'
          : leaked.map(([k, v]) => `${k} ${v}`).join(', '),
    },
    {
      guarantee: 'max queue never above capacity',
      ok: pool.maxQueued <= pool.capacity && pool.maxRunning <= pool.concurrency,
      detail: `max queued ${pool.maxQueued} ≤ ${pool.capacity}, max running ${pool.maxRunning} ≤ ${pool.concurrency} (${pool.samples} samples)`,
    },
    {
      guarantee: 'backpressure, not loss',
      ok: pool.dropped === 0 && downloads.saved === downloads.emitted,
      detail: `emit waited for room ${downloads.waitedForRoom} times; ${pool.dropped} jobs dropped`,
    },
    {
      guarantee: 'handler failures isolated',
      ok:
        failures.count === downloads.expectedFailures &&
        failures.failed === failures.count &&
        failures.wrongHandler === 0 &&
        downloads.saved === downloads.emitted &&
        downloads.counted === downloads.emitted,
      detail: `${failures.count} scan failures on errors$ (expected ${downloads.expectedFailures}); all ${downloads.emitted} downloads still saved and counted`,
    },
    {
      guarantee: 'no lost updates in the shared tally',
      ok: downloads.counted === downloads.emitted && downloads.countedBytes === downloads.bytes,
      detail: `the coordinator counted ${downloads.counted} files and ${downloads.countedBytes} bytes; the page emitted ${downloads.emitted} and ${downloads.bytes}`,
    },
  ];
}

/**
 * Decides up front what happens to each waiter, so the run can check that
 * it happened: 70 % get their 200, 15 % only see a 503 and time out, 15 %
 * belong to a tab closed before their 200 arrives.
 */
function planWaiters({ waiters: count, duration, tabs: tabCount, seed }) {
  const random = xorshift(seed);
  const at = (from, to) => Math.round(duration * (from + (to - from) * random()));
  const tabs = Array.from({ length: tabCount }, (_, i) => {
    const controller = new AbortController();
    return { controller, signal: controller.signal, closesAt: Math.round(duration * (0.3 + (0.3 * i) / Math.max(1, tabCount - 1))) };
  });
  const waiters = [];
  const responses = [];
  const planned = { resolved: 0, timedOut: 0, aborted: 0 };
  for (let id = 0; id < count; id++) {
    const url = `/api/items/${id}`;
    const roll = random();
    const fate = roll < 0.7 ? 'resolved' : roll < 0.85 || tabs.length === 0 ? 'timedOut' : 'aborted';
    if (fate === 'resolved') {
      waiters.push({ id, url, timeout: duration, expected: 'resolved' });
      responses.push({ at: at(0.05, 0.85), url, status: 200 });
    } else if (fate === 'timedOut') {
      // Only a 503 ever comes: the waiter wants status 200, so it times out.
      waiters.push({ id, url, timeout: at(0.2, 0.8), expected: 'timedOut' });
      responses.push({ at: at(0.02, 0.15), url, status: 503 });
    } else {
      // Its 200 comes after the tab closed (0.3–0.6 of the run): it must not resolve late.
      const tab = tabs[Math.floor(random() * tabs.length)];
      waiters.push({ id, url, timeout: duration, tab, expected: 'aborted' });
      responses.push({ at: at(0.75, 0.9), url, status: 200 });
    }
    planned[fate]++;
  }
  responses.sort((a, b) => a.at - b.at);
  return { waiters, responses, tabs, planned };
}

/** Traffic nobody waits for: assets, searches, and items past the waited-for ids. */
function noiseResponse(n, firstUnwatchedItem) {
  const status = [200, 200, 200, 304, 404][n % 5];
  switch (n % 3) {
    case 0:
      return { url: `/static/chunk-${n % 97}.js`, status };
    case 1:
      return { url: `/api/search?q=${n % 1009}`, status };
    default:
      return { url: `/api/items/${firstUnwatchedItem + (n % 5000)}`, status };
  }
}

/** A tiny seeded random generator (xorshift32), so a run can be replayed. */
function xorshift(seed) {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

// Soak test (`npm run soak`, which builds first): a million waiter
// lifecycles and a million handler jobs through `emit`, against the BUILT
// package, then proof that nothing stayed behind.
//
//   npm run soak                        10^6 waiters + 10^6 emitted jobs
//   npm run soak -- --waiters=200000 --jobs=200000   a shorter run
//
// Waiters: every outcome in turn — resolved by a matching event, timed out,
// aborted (own signal, or a signal shared by many waiters), unsubscribed
// (`waitFor$`) — promise and Observable forms, on virtual time (a
// VirtualScheduler), in batches. Jobs: 100 producers `await bus.emit(…)` in
// loops into a small pool (concurrency 8, capacity 64, so at most 72 jobs
// fit) whose async handlers finish on a microtask: the producers really wait
// for room, in line. Some emits carry a timeout (a deadline entry) or a
// signal (an abort listener); some of those signals abort while they wait.
//
// Reported: the growth of the used heap after full collections between the
// end of a warm-up and the end of the run, and what is left — waiters,
// queued/running jobs, waiting emitters, pending requests, virtual timers
// (the deadline queue's timer shows up as a pending scheduler action), and
// abort listeners (counted by wrapping the signals' addEventListener and
// removeEventListener). Exits with 1 when the heap grew by more than 4 MiB
// or anything is left.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createBus } from 'rxbus';
import { VirtualScheduler } from 'rxbus/testing';
import { settledHeap } from '../bench/harness.mjs';

// Heap readings need gc(): re-start with the flag when the caller did not pass it.
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

const flags = Object.fromEntries(
  process.argv.slice(2).map((arg) => {
    const match = /^--(waiters|jobs)=(\d+)$/.exec(arg);
    if (match === null) throw new Error(`Unknown flag ${arg}: use --waiters=N and --jobs=N.`);
    return [match[1], Number(match[2])];
  }),
);
const WAITERS = flags.waiters ?? 1_000_000;
const JOBS = flags.jobs ?? 1_000_000;
const HEAP_LIMIT = 4 * 1024 * 1024;
const WARM_UP = 0.1; // the first 10% fill caches, pools and the JIT; growth is measured after it

/** Abort listeners the bus holds, over every signal this script made. */
let abortListeners = 0;

/** An AbortController whose signal counts the 'abort' listeners added to it and still there. */
function countedController() {
  const controller = new AbortController();
  const signal = controller.signal;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  const live = new Set();
  signal.addEventListener = (type, listener, options) => {
    if (type === 'abort' && !live.has(listener)) {
      live.add(listener);
      abortListeners++;
    }
    add(type, listener, options);
  };
  signal.removeEventListener = (type, listener, options) => {
    if (type === 'abort' && live.delete(listener)) abortListeners--;
    remove(type, listener, options);
  };
  return controller;
}

const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

/** Runs `total` units of `work(from, to)` in batches; returns the heap growth after the warm-up. */
async function measured(total, batch, work) {
  const warmUp = Math.floor((total * WARM_UP) / batch) * batch;
  let baseline;
  for (let from = 0; from < total; from += batch) {
    if (from === warmUp) baseline = await settledHeap();
    await work(from, Math.min(total, from + batch));
  }
  baseline ??= await settledHeap();
  return (await settledHeap()) - baseline;
}

// ---------------------------------------------------------------- waiters

async function soakWaiters() {
  const scheduler = new VirtualScheduler();
  const bus = createBus({ scheduler, history: 64, defaultTimeout: 0 });
  const outcomes = { resolved: 0, timedOut: 0, aborted: 0, unsubscribed: 0, wrong: 0 };
  const shared = countedController(); // many waiters on one signal that never aborts
  const count = (promise, expected) =>
    promise.then(
      () => (expected === 'resolved' ? outcomes.resolved++ : outcomes.wrong++),
      (error) => {
        if (expected === 'timedOut' && error?.name === 'TimeoutError') outcomes.timedOut++;
        else if (expected === 'aborted' && error?.message === 'soak abort') outcomes.aborted++;
        else outcomes.wrong++;
      },
    );
  const abortReason = new Error('soak abort');
  let timerBatches = 0;

  const started = performance.now();
  const growth = await measured(WAITERS, 1000, async (from, to) => {
    const settling = [];
    const toAbort = [];
    for (let i = from; i < to; i++) {
      const id = `w${i}`;
      switch (i % 6) {
        case 0: // resolved by a matching event, with a pinned (indexed) matcher and a shared signal
          settling.push(count(bus.waitFor('soak.reply', { id }, { timeout: 10_000, signal: shared.signal }), 'resolved'));
          bus.publish('soak.reply', { id, ok: true });
          break;
        case 1: // resolved through waitFor$, predicate matcher
          bus
            .waitFor$('soak.reply', (p) => p.id === id, { timeout: 10_000 })
            .subscribe({ next: () => outcomes.resolved++, error: () => outcomes.wrong++ });
          bus.publish('soak.reply', { id, ok: true });
          break;
        case 2: // timed out (the event never comes), near misses from the history rendered
          settling.push(count(bus.waitFor('soak.reply', { id: `never-${i}` }, { timeout: 5 }), 'timedOut'));
          break;
        case 3: {
          // aborted while waiting, own signal
          const controller = countedController();
          settling.push(count(bus.waitFor('soak.other', undefined, { timeout: 10_000, signal: controller.signal }), 'aborted'));
          toAbort.push(controller);
          break;
        }
        case 4: {
          // aborted before the call
          const controller = countedController();
          controller.abort(abortReason);
          settling.push(count(bus.waitFor('soak.other', undefined, { signal: controller.signal }), 'aborted'));
          break;
        }
        case 5: {
          // unsubscribed before anything happened
          const subscription = bus
            .waitFor$('soak.other', { id }, { timeout: 10_000, signal: shared.signal })
            .subscribe({ error: () => outcomes.wrong++ });
          subscription.unsubscribe();
          outcomes.unsubscribed++;
          break;
        }
      }
    }
    for (const controller of toAbort) controller.abort(abortReason);
    scheduler.advance(5); // the timeouts of this batch come due
    await Promise.all(settling);
    // Every waiter of the batch has settled: no deadline is pending, so no timer may be.
    if (scheduler.pending > 0) timerBatches++;
  });
  const seconds = (performance.now() - started) / 1000;
  const left = bus.stats();
  const timers = scheduler.pending;
  await bus.close();
  return { growth, seconds, outcomes, timerBatches, left, timers, timersAfterClose: scheduler.pending };
}

// ---------------------------------------------------------------- jobs through emit

async function soakJobs() {
  const scheduler = new VirtualScheduler();
  const bus = createBus({ scheduler, concurrency: 8, capacity: 64, defaultTimeout: 0 });
  let handled = 0;
  bus.on('soak.job', async () => {
    await null; // finishes on a microtask: the pool and the queue stay busy, producers wait
    handled++;
  });
  const outcomes = { published: 0, aborted: 0, wrong: 0 };
  const abortReason = new Error('soak abort');
  const PRODUCERS = 100; // more than the 72 jobs that fit: most producers wait in line
  let mostWaiting = 0;

  const started = performance.now();
  const growth = await measured(JOBS, 10_000, async (from, to) => {
    const producers = [];
    for (let p = 0; p < PRODUCERS; p++) {
      producers.push(
        (async () => {
          for (let i = from + p; i < to; i += PRODUCERS) {
            let options;
            let controller;
            if (i % 10 === 3) options = { timeout: 60_000 };
            else if (i % 10 === 7) {
              controller = countedController();
              options = { signal: controller.signal, timeout: 60_000 };
            }
            const emitted = bus.emit('soak.job', i, options);
            // Every 100th signalled emit is aborted at once: if it waits, it must reject and leave no listener.
            if (controller !== undefined && i % 100 === 7) controller.abort(abortReason);
            if (i % 1000 === 0) mostWaiting = Math.max(mostWaiting, bus.stats().emitters);
            try {
              await emitted;
              outcomes.published++;
            } catch (error) {
              if (error === abortReason) outcomes.aborted++;
              else outcomes.wrong++;
            }
          }
        })(),
      );
    }
    await Promise.all(producers);
    await bus.settled();
  });
  const seconds = (performance.now() - started) / 1000;
  const left = bus.stats();
  const timers = scheduler.pending;
  await bus.close();
  return { growth, seconds, outcomes, handled, mostWaiting, left, timers, timersAfterClose: scheduler.pending };
}

// ---------------------------------------------------------------- report

const problems = [];
const GAUGES = ['waiters', 'queued', 'running', 'emitters', 'pendingRequests', 'tracked'];

function report(name, result, extra) {
  const { growth, seconds, left, timers, timersAfterClose } = result;
  process.stdout.write(`\n${name} (${seconds.toFixed(1)} s)\n`);
  process.stdout.write(`  heap growth after GC:   ${mib(growth)} (limit ${mib(HEAP_LIMIT)})\n`);
  for (const [key, value] of Object.entries(extra)) process.stdout.write(`  ${key.padEnd(24)}${value}\n`);
  process.stdout.write(`  left on the bus:        ${GAUGES.map((g) => `${g} ${left[g]}`).join(', ')}\n`);
  process.stdout.write(`  virtual timers left:    ${timers} (after close: ${timersAfterClose})\n`);
  if (growth > HEAP_LIMIT) problems.push(`${name}: the heap grew by ${mib(growth)}`);
  for (const g of GAUGES) if (left[g] !== 0) problems.push(`${name}: ${g} ${left[g]} left`);
  if (timers !== 0 || timersAfterClose !== 0) problems.push(`${name}: ${timers} virtual timer(s) left (${timersAfterClose} after close)`);
}

process.stdout.write(`rxbus soak: ${WAITERS} waiter lifecycles, ${JOBS} jobs through emit (built package, node ${process.version})\n`);

const waiters = await soakWaiters();
const w = waiters.outcomes;
report('waiters', waiters, {
  'outcomes:': `resolved ${w.resolved}, timed out ${w.timedOut}, aborted ${w.aborted}, unsubscribed ${w.unsubscribed}, wrong ${w.wrong}`,
  'batches left a timer:': `${waiters.timerBatches}`,
});
if (waiters.timerBatches > 0) problems.push(`waiters: ${waiters.timerBatches} batch(es) left a timer with no waiter pending`);
if (w.wrong > 0) problems.push(`waiters: ${w.wrong} settled with the wrong outcome`);
if (w.resolved + w.timedOut + w.aborted + w.unsubscribed !== WAITERS) {
  problems.push(`waiters: ${WAITERS - (w.resolved + w.timedOut + w.aborted + w.unsubscribed + w.wrong)} never settled`);
}
const listenersAfterWaiters = abortListeners;
process.stdout.write(`  abort listeners left:   ${listenersAfterWaiters}\n`);
if (listenersAfterWaiters !== 0) problems.push(`waiters: ${listenersAfterWaiters} abort listener(s) left`);

const jobs = await soakJobs();
const j = jobs.outcomes;
report('jobs through emit', jobs, {
  'outcomes:': `published ${j.published}, aborted while waiting ${j.aborted}, wrong ${j.wrong}`,
  'handled:': `${jobs.handled}`,
  'most waiting emitters:': `${jobs.mostWaiting} (sampled)`,
});
if (jobs.mostWaiting === 0) problems.push('jobs: no producer ever waited: the soak did not exercise backpressure');
if (j.wrong > 0) problems.push(`jobs: ${j.wrong} emits rejected with an unexpected error`);
if (j.published + j.aborted !== JOBS) problems.push(`jobs: ${JOBS - j.published - j.aborted - j.wrong} emits never settled`);
if (jobs.handled !== j.published) problems.push(`jobs: ${j.published} published but ${jobs.handled} handled`);
const listenersAfterJobs = abortListeners - listenersAfterWaiters;
process.stdout.write(`  abort listeners left:   ${listenersAfterJobs}\n`);
if (listenersAfterJobs !== 0) problems.push(`jobs: ${listenersAfterJobs} abort listener(s) left`);

if (problems.length > 0) {
  process.stdout.write(`\nFAILED:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write('\nOK: nothing left behind, heap growth within the limit.\n');
